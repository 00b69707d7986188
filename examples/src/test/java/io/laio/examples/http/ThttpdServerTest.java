/*
 * Copyright 2026 the laio authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.laio.examples.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.LaioStats;
import io.laio.Sys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The server's HTTP behaviour over loopback, the same in each of the four modes. */
class ThttpdServerTest {
    @TempDir
    static Path top;
    static Path root;
    static byte[] data;
    static byte[] bigDigest;
    static final long MTIME = Instant.parse("2024-03-01T12:00:00Z").getEpochSecond();
    static final String SECRET = "TOP SECRET: outside the root";

    @BeforeAll
    static void site() throws Exception {
        root = Files.createDirectories(top.resolve("root"));
        Files.writeString(top.resolve("secret.txt"), SECRET);
        Files.writeString(root.resolve("index.html"), "<h1>root index</h1>");
        Files.writeString(root.resolve("a.txt"), "hello world\n");
        Files.setLastModifiedTime(root.resolve("a.txt"), FileTime.from(Instant.ofEpochSecond(MTIME)));
        Files.writeString(root.resolve("with space.txt"), "spaced");
        Files.writeString(root.resolve("empty.txt"), "");
        data = new byte[100_000];
        new Random(42).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
        Files.createDirectories(root.resolve("dir"));
        Files.writeString(root.resolve("dir/index.html"), "<h1>dir index</h1>");
        Files.createDirectories(root.resolve("emptydir"));
        Files.createSymbolicLink(root.resolve("link-in.txt"), Path.of("a.txt"));
        Files.createSymbolicLink(root.resolve("link-out.txt"), Path.of("../secret.txt"));
        Files.createSymbolicLink(root.resolve("abs-out.txt"), top.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dir-out"), top);
        assertEquals(0, new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start().waitFor());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 20];
        Random r = new Random(7);
        try (var out = Files.newOutputStream(root.resolve("big.bin"))) {
            for (int i = 0; i < 40; i++) {
                r.nextBytes(chunk);
                sha.update(chunk);
                out.write(chunk);
            }
        }
        bigDigest = sha.digest();
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static URI uri(RunningServer s, String target) {
        return URI.create("http://127.0.0.1:" + s.port() + target);
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void servesAFileWithTypeLengthDateAndLastModified(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root)) {
            HttpResponse<String> r = client().send(HttpRequest.newBuilder(uri(s, "/a.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("hello world\n", r.body());
            assertEquals("text/plain; charset=utf-8", r.headers().firstValue("content-type").orElseThrow());
            assertEquals("12", r.headers().firstValue("content-length").orElseThrow());
            assertEquals("Fri, 01 Mar 2024 12:00:00 GMT", r.headers().firstValue("last-modified").orElseThrow());
            assertTrue(HttpDates.parse(r.headers().firstValue("date").orElseThrow()) > MTIME);
            assertEquals(ResponseHead.SERVER, r.headers().firstValue("server").orElseThrow());
            HttpResponse<byte[]> bin = client().send(HttpRequest.newBuilder(uri(s, "/data.bin")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(data, bin.body());
            assertEquals("application/octet-stream", bin.headers().firstValue("content-type").orElseThrow());
            assertEquals("spaced", client().send(HttpRequest.newBuilder(uri(s, "/with%20space.txt")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void eachModeMakesItsSystemCallsTheWayItSays(ServeMode mode) throws Exception {
        // without the file cache (--file-cache 0): each request opens, stats and closes its file, as before it
        try (RunningServer s = new RunningServer(ThttpdServer.Options.of(mode).withRoot(root).withFileCache(0));
                RawHttp c = new RawHttp(s.port())) {
            long listenerOptions = s.server.laioStats().calls(Sys.SYS_setsockopt);
            for (int i = 0; i < 5; i++) {
                assertEquals(100_000, c.request("/data.bin").body().length);
            }
            LaioStats st = s.server.laioStats();
            long open = Sys.SYS_openat2;
            long pread = Sys.SYS_pread64;
            assertEquals(5, st.calls(open), st::toString);
            switch (mode) {
                case NB_B -> {
                    assertEquals(0, st.background(open) + st.background(pread), "plain calls on the loop");
                    assertEquals(0, st.probeHits(open), "no probes: INLINE");
                    assertEquals(0, st.calls(Sys.SYS_recvfrom) + st.calls(Sys.SYS_sendfile), "NIO sockets");
                }
                case NB_LAIO -> {
                    assertEquals(5, st.probeHits(open) + st.probeWouldBlock(open) + st.probeUnsupported(open), "lazy: probed first");
                    assertTrue(st.calls(pread) >= 5);
                    assertEquals(0, st.calls(Sys.SYS_recvfrom), "NIO sockets");
                }
                case NB_AMTED -> {
                    assertEquals(st.calls(open), st.background(open), "every disk call on a helper");
                    assertEquals(st.calls(pread), st.background(pread));
                    assertTrue(st.calls(pread) >= 5);
                }
                case LAIO_URING -> {
                    assertTrue(st.calls(Sys.SYS_accept4) >= 1, st::toString);
                    assertTrue(st.calls(Sys.SYS_recvfrom) >= 5, st::toString);
                    // the first request may be served before the loop runs (calls off the loop thread
                    // keep the lazy route); from here on the loop runs: every call with an opcode an
                    // entry on the ring, and a body past the head's room sent by sendfile, as laio-laio
                    LaioStats before = awaitCalls(s, 5, 5);
                    assertTrue(before.calls(Sys.SYS_sendfile) >= 5, "the bodies: " + before);
                    assertEquals(0, before.calls(pread), "no body read through user space");
                    assertEquals(listenerOptions + 10, before.calls(Sys.SYS_setsockopt), "cork and uncork around each sendfile");
                    for (int i = 0; i < 3; i++) {
                        assertEquals(100_000, c.request("/data.bin").body().length);
                    }
                    LaioStats after = awaitCalls(s, 8, 8);
                    for (long nr : new long[] {open, Sys.SYS_statx, Sys.SYS_sendto, Sys.SYS_recvfrom, Sys.SYS_close}) {
                        assertEquals(before.inline(nr), after.inline(nr), () -> Sys.name(nr) + " inline: " + after);
                    }
                    assertEquals(3, after.background(open) - before.background(open), after::toString);
                    assertEquals(3, after.background(Sys.SYS_statx) - before.background(Sys.SYS_statx), after::toString);
                    assertEquals(3, after.background(Sys.SYS_sendto) - before.background(Sys.SYS_sendto), "the heads, on the ring");
                    assertEquals(3, after.background(Sys.SYS_close) - before.background(Sys.SYS_close), "each file closed on the ring");
                    assertTrue(after.calls(Sys.SYS_sendfile) - before.calls(Sys.SYS_sendfile) >= 3, after::toString);
                    assertEquals(0, after.calls(pread), after::toString);
                    assertEquals(listenerOptions + 16, after.calls(Sys.SYS_setsockopt));
                }
                case LAIO_LAIO -> {
                    assertTrue(st.calls(Sys.SYS_accept4) >= 1, st::toString);
                    assertTrue(st.calls(Sys.SYS_recvfrom) >= 5, st::toString);
                    assertTrue(st.calls(Sys.SYS_sendto) >= 5, "the heads");
                    long sendfiles = st.calls(Sys.SYS_sendfile);
                    assertTrue(sendfiles >= 5, "the bodies");
                    assertEquals(0, st.calls(pread), "no copy through user space");
                    // the fifth body's uncork follows its last byte, which the client may read first; the
                    // server reads a next request only after it: counted once a HEAD (no cork) is answered
                    assertEquals(200, c.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n").read(true).status());
                    long setsockopts = s.server.laioStats().calls(Sys.SYS_setsockopt);
                    assertTrue(setsockopts >= 10, "cork and uncork around each sendfile");
                    for (int i = 0; i < 3; i++) {
                        assertEquals("hello world\n", new String(c.request("/a.txt").body(), StandardCharsets.US_ASCII));
                    }
                    LaioStats small = s.server.laioStats();
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (small.calls(Sys.SYS_sendto) < 5 + 1 + 3 && System.nanoTime() < deadline) {
                        Thread.sleep(5); // a call is counted once it returns, maybe after the client has read its bytes
                        small = s.server.laioStats();
                    }
                    assertEquals(3, small.calls(pread), "a small body is read behind the head");
                    assertEquals(sendfiles, small.calls(Sys.SYS_sendfile), "and sent with it, not by sendfile");
                    assertEquals(setsockopts, small.calls(Sys.SYS_setsockopt), "one send needs no cork");
                    assertEquals(5 + 1 + 3, small.calls(Sys.SYS_sendto), "one send per response (the HEAD's too)");
                }
                default -> throw new AssertionError(mode);
            }
        }
    }

    /** The stats once {@code sends} sendto and {@code closes} close calls were made (the last response's may follow the client's read). */
    private static LaioStats awaitCalls(RunningServer s, long sends, long closes) throws InterruptedException {
        LaioStats st = s.server.laioStats();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while ((st.calls(Sys.SYS_sendto) < sends || st.calls(Sys.SYS_close) < closes) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            st = s.server.laioStats();
        }
        assertEquals(sends, st.calls(Sys.SYS_sendto), st::toString);
        assertEquals(closes, st.calls(Sys.SYS_close), st::toString);
        return st;
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void headSendsTheHeadWithoutTheBodyAndTheConnectionGoesOn(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root); RawHttp c = new RawHttp(s.port())) {
            RawHttp.Response h = c.send("HEAD /data.bin HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertEquals(200, h.status());
            assertEquals("100000", h.header("Content-Length"));
            RawHttp.Response g = c.request("/a.txt");
            assertEquals(200, g.status(), "the HEAD left no body bytes on the connection");
            assertEquals("hello world\n", g.text());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void anEmptyFileIsServedAsAHeadAloneAndTheConnectionGoesOn(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root); RawHttp c = new RawHttp(s.port())) {
            RawHttp.Response e = c.request("/empty.txt");
            assertEquals(200, e.status());
            assertEquals("0", e.header("Content-Length"));
            assertEquals(0, e.body().length);
            assertEquals("hello world\n", c.request("/a.txt").text(), "nothing was read or sent for the empty body");
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root); RawHttp c = new RawHttp(s.port())) {
            c.send(RawHttp.get("/a.txt") + RawHttp.get("/dir/") + RawHttp.get("/nope") + RawHttp.get("/data.bin"));
            assertEquals("hello world\n", c.read().text());
            assertEquals("<h1>dir index</h1>", c.read().text());
            assertEquals(404, c.read().status());
            assertArrayEquals(data, c.read().body());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void connectionCloseAndHttp10AreHonoured(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root)) {
            try (RawHttp c = new RawHttp(s.port())) {
                RawHttp.Response r = c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
                assertEquals("close", r.header("Connection"));
                assertTrue(c.closedByServer());
            }
            try (RawHttp c = new RawHttp(s.port())) {
                RawHttp.Response r = c.send("GET /a.txt HTTP/1.0\r\n\r\n").read();
                assertEquals(200, r.status());
                assertEquals("close", r.header("Connection"));
                assertTrue(c.closedByServer());
            }
            try (RawHttp c = new RawHttp(s.port())) {
                RawHttp.Response r = c.send("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
                assertEquals("keep-alive", r.header("Connection"));
                assertEquals(200, c.send("GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().status());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void keepaliveOffClosesAfterEachResponse(ServeMode mode) throws Exception {
        try (RunningServer s = new RunningServer(ThttpdServer.Options.of(mode).withRoot(root).withKeepAlive(false));
                RawHttp c = new RawHttp(s.port())) {
            RawHttp.Response r = c.request("/a.txt");
            assertEquals(200, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByServer());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void ifModifiedSinceAnswers304OnlyWhenNotModified(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root); RawHttp c = new RawHttp(s.port())) {
            String ims = "GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: %s\r\n\r\n";
            RawHttp.Response same = c.send(ims.formatted("Fri, 01 Mar 2024 12:00:00 GMT")).read();
            assertEquals(304, same.status());
            assertEquals(0, same.body().length);
            assertEquals(304, c.send(ims.formatted("Sunday, 03-Mar-24 08:00:00 GMT")).read().status());
            assertEquals(200, c.send(ims.formatted("Thu, 29 Feb 2024 12:00:00 GMT")).read().status());
            assertEquals(200, c.send(ims.formatted("not a date")).read().status());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void oneByteRangeIsServedAndUnsatisfiableRangesAre416(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root); RawHttp c = new RawHttp(s.port())) {
            String range = "GET /data.bin HTTP/1.1\r\nHost: x\r\nRange: %s\r\n\r\n";
            RawHttp.Response r = c.send(range.formatted("bytes=10-19")).read();
            assertEquals(206, r.status());
            assertEquals("bytes 10-19/100000", r.header("Content-Range"));
            assertArrayEquals(Arrays.copyOfRange(data, 10, 20), r.body());
            RawHttp.Response suffix = c.send(range.formatted("bytes=-5")).read();
            assertArrayEquals(Arrays.copyOfRange(data, 99_995, 100_000), suffix.body());
            RawHttp.Response open = c.send(range.formatted("bytes=99990-")).read();
            assertEquals("bytes 99990-99999/100000", open.header("Content-Range"));
            RawHttp.Response bad = c.send(range.formatted("bytes=100000-")).read();
            assertEquals(416, bad.status());
            assertEquals("bytes */100000", bad.header("Content-Range"));
            RawHttp.Response several = c.send(range.formatted("bytes=0-1,5-6")).read();
            assertEquals(200, several.status(), "several ranges: the whole file");
            assertEquals(100_000, several.body().length);
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void directoriesServeTheirIndexAndAreNeverListed(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root); RawHttp c = new RawHttp(s.port())) {
            assertEquals("<h1>root index</h1>", c.request("/").text());
            assertEquals("<h1>dir index</h1>", c.request("/dir/").text());
            RawHttp.Response moved = c.request("/dir?x=1");
            assertEquals(301, moved.status());
            assertEquals("/dir/?x=1", moved.header("Location"));
            assertEquals(403, c.request("/emptydir/").status());
            assertEquals(403, c.request("/fifo").status(), "a FIFO is neither opened for blocking nor served");
            assertEquals(200, c.request("/a.txt").status(), "still serving after the FIFO");
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void badRequestsGetTheirStatus(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root)) {
            assertStatus(s, "garbage\r\n\r\n", 400, true);
            assertStatus(s, "GET /a.txt HTTP/1.1\r\n\r\n", 400, true); // HTTP/1.1 without Host
            assertStatus(s, "GET /a.txt HTTP/1.1\r\nHost: x\r\n Folded: y\r\n\r\n", 400, true);
            assertStatus(s, "GET  /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 400, true);
            assertStatus(s, "GET /a.txt HTTP/2.0\r\nHost: x\r\n\r\n", 505, true);
            assertStatus(s, "GET /nothing-here HTTP/1.1\r\nHost: x\r\n\r\n", 404, false);
            RawHttp.Response post = assertStatus(s, "POST /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405, true);
            assertEquals("GET, HEAD", post.header("Allow"));
            assertStatus(s, "DELETE /a.txt HTTP/1.1\r\nHost: x\r\n\r\n", 405, false);
            assertStatus(s, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414, true);
            assertStatus(s, "GET /a.txt HTTP/1.1\r\nHost: x\r\n" + ("X-Filler: " + "b".repeat(100) + "\r\n").repeat(200)
                    + "\r\n", 431, true);
        }
    }

    private static RawHttp.Response assertStatus(RunningServer s, String raw, int status, boolean closes) throws IOException {
        try (RawHttp c = new RawHttp(s.port())) {
            RawHttp.Response r = c.send(raw).read();
            assertEquals(status, r.status(), raw.length() > 80 ? raw.substring(0, 80) : raw);
            if (closes) {
                assertTrue(c.closedByServer(), "closed after " + status);
            } else {
                assertEquals(200, c.request("/a.txt").status(), "the connection goes on after " + status);
            }
            return r;
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void nothingOutsideTheRootIsServed(ServeMode mode) throws Exception {
        List<String> attempts = List.of("/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/dir/../../secret.txt",
                "/./../secret.txt", "..%2fsecret.txt", "/link-out.txt", "/abs-out.txt", "/dir-out/secret.txt",
                "/a.txt%00.html", "http://x/../secret.txt", "//etc/passwd", "/%2fetc%2fpasswd", "/..", "/%", "/%zz",
                top.resolve("secret.txt").toString());
        try (RunningServer s = RunningServer.start(mode, root)) {
            for (String target : attempts) {
                try (RawHttp c = new RawHttp(s.port())) {
                    RawHttp.Response r = c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").read();
                    assertTrue(r.status() == 400 || r.status() == 403 || r.status() == 404, target + " → " + r.status());
                    assertFalse(r.text().contains("TOP SECRET"), target);
                }
            }
            try (RawHttp c = new RawHttp(s.port())) {
                assertEquals("hello world\n", c.request("/link-in.txt").text(), "a symlink inside the root is followed");
                assertEquals("hello world\n", c.request("http://x/a.txt").text(), "absolute-form targets are served");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void a40MegabyteFileArrivesIntact(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root)) {
            HttpResponse<InputStream> r = client().send(HttpRequest.newBuilder(uri(s, "/big.bin")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = r.body()) {
                byte[] b = new byte[1 << 16];
                for (int k; (k = in.read(b)) > 0; n += k) {
                    sha.update(b, 0, k);
                }
            }
            assertEquals(40L << 20, n);
            assertArrayEquals(bigDigest, sha.digest());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aThousandKeepAliveRequestsFrom64ClientsAllSucceed(ServeMode mode) throws Exception {
        String[] targets = {"/a.txt", "/data.bin", "/dir/", "/index.html", "/link-in.txt"};
        int[] lengths = {12, 100_000, 18, 19, 12};
        try (RunningServer s = RunningServer.start(mode, root); ExecutorService pool = Executors.newFixedThreadPool(64)) {
            List<Future<Integer>> clients = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int id = i;
                clients.add(pool.submit(() -> {
                    int ok = 0;
                    try (RawHttp c = new RawHttp(s.port())) {
                        for (int k = 0; k < 16; k++) {
                            int t = (id + k) % targets.length;
                            RawHttp.Response r = c.request(targets[t]);
                            if (r.status() == 200 && r.body().length == lengths[t]) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (Future<Integer> f : clients) {
                ok += f.get();
            }
            assertEquals(1024, ok);
            long deadline = System.nanoTime() + 5_000_000_000L; // the last responses are counted just after they are sent
            while (s.server.requests() < 1024 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1024, s.server.requests());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void idleAndSlowHeadConnectionsAreClosedByTheTimeouts(ServeMode mode) throws Exception {
        ThttpdServer.Options o = ThttpdServer.Options.of(mode).withRoot(root)
                .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(600));
        try (RunningServer s = new RunningServer(o)) {
            try (RawHttp idle = new RawHttp(s.port())) {
                long t0 = System.nanoTime();
                assertTrue(idle.closedByServer());
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            }
            try (RawHttp slow = new RawHttp(s.port())) {
                long t0 = System.nanoTime();
                byte[] drip = "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
                boolean closed = false;
                for (int i = 0; i < 100 && !closed; i++) {
                    try {
                        slow.send(new byte[] {drip[Math.min(i, drip.length - 1)]});
                    } catch (IOException e) {
                        closed = true;
                    }
                    Thread.sleep(50);
                    closed |= s.server.timeouts() >= 2;
                }
                assertTrue(closed, "a head trickling in byte by byte is cut off");
                assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "by the 600 ms header timeout, not the trickle's end");
            }
            try (RawHttp fresh = new RawHttp(s.port())) {
                assertEquals(200, fresh.request("/a.txt").status());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aHeadRefusedAsTooLongAfterAHeadRequestStillGetsItsErrorBody(ServeMode mode) throws Exception {
        try (RunningServer s = RunningServer.start(mode, root); RawHttp c = new RawHttp(s.port())) {
            assertEquals(200, c.send("HEAD /a.txt HTTP/1.1\r\nHost: x\r\n\r\n").read(true).status());
            RawHttp.Response tooLong = c.send("GET /" + "a".repeat(RequestParser.MAX_REQUEST_LINE + 10) + " HTTP/1.1\r\n").read(); // refused before the head ends
            assertEquals(414, tooLong.status());
            assertEquals(Integer.parseInt(tooLong.headers().get("content-length")), tooLong.body().length);
            assertTrue(new String(tooLong.body(), StandardCharsets.US_ASCII).contains("414"), "the body, not the HEAD before it");
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aConnectionInUseOutlivesItsIdleTimeoutAndTimesOutOnceItFallsQuiet(ServeMode mode) throws Exception {
        ThttpdServer.Options o = ThttpdServer.Options.of(mode).withRoot(root)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
        try (RunningServer s = new RunningServer(o); RawHttp c = new RawHttp(s.port())) {
            long t0 = System.nanoTime();
            // 2 s of requests 100 ms apart: two idle timeouts' worth, with room for a loaded machine
            // to stall either side for 900 ms (with 300 ms it failed under a load of 18 on 2 cores)
            for (int i = 0; i < 20; i++) {
                assertEquals(200, c.request("/a.txt").status(), "request " + i);
                Thread.sleep(100);
            }
            assertEquals(0, s.server.timeouts(), "the timer moved with each request");
            assertTrue(c.closedByServer());
            assertTrue(System.nanoTime() - t0 < 10_000_000_000L);
            assertEquals(1, s.server.timeouts());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void withoutARootTheEmbeddedSiteIsServedAndRemovedAfterwards(ServeMode mode) throws Exception {
        Path extracted;
        try (RunningServer s = new RunningServer(ThttpdServer.Options.of(mode)); RawHttp c = new RawHttp(s.port())) {
            extracted = s.server.root();
            assertTrue(c.request("/").text().contains("It works"));
            assertEquals(200, c.request("/style.css").status());
            assertEquals(200, c.request("/docs/").status());
        }
        assertFalse(Files.exists(extracted), "the extracted site is removed on stop");
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void stoppingWithClientsConnectedClosesThemAndLeavesNoConnection(ServeMode mode) throws Exception {
        RunningServer s = RunningServer.start(mode, root);
        List<RawHttp> clients = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RawHttp c = new RawHttp(s.port());
            assertEquals(200, c.request("/a.txt").status());
            clients.add(c);
        }
        s.close();
        for (RawHttp c : clients) {
            assertTrue(c.closedByServer());
            c.close();
        }
        assertEquals(0, s.server.connectionCount());
    }
}
