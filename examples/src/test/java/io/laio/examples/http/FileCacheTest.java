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
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The open-file cache ({@link FileCache}) as a client sees it, in every mode: a file asked for
 * again is neither opened nor closed, and every change a client could notice — a file renamed
 * over, rewritten, deleted, a symlink turned outside the root — is seen on the next request.
 */
class FileCacheTest {
    @TempDir
    Path top;
    Path root;

    @BeforeEach
    void site() throws IOException {
        root = Files.createDirectories(top.resolve("root"));
        Files.writeString(top.resolve("secret.txt"), "TOP SECRET");
        Files.writeString(root.resolve("a.txt"), "hello world\n");
        Files.writeString(root.resolve("b.txt"), "bee\n");
    }

    private RunningServer start(ServeMode mode) throws IOException {
        return new RunningServer(ThttpdServer.Options.of(mode).withRoot(root));
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aFileAskedForAgainIsServedWithoutOpeningOrClosingIt(ServeMode mode) throws Exception {
        try (RunningServer s = start(mode); RawHttp c = new RawHttp(s.port())) {
            for (int i = 0; i < 4; i++) {
                assertEquals("hello world\n", c.request("/a.txt").text());
            }
            LaioStats st = s.server.laioStats();
            assertEquals(1, st.calls(Sys.SYS_openat2), st::toString);
            assertEquals(0, st.calls(Sys.SYS_close), "no file closed, no socket either: " + st);
            assertEquals(3, s.server.fileCacheHits());
            assertEquals(1 + 3, st.calls(Sys.SYS_statx), "the descriptor's once, then the path's per request");
            long statx = Sys.SYS_statx;
            switch (mode) {
                case NB_B -> assertEquals(0, st.background(statx), "a plain call on the loop");
                // the cached descriptor pins the path's dentries: no RESOLVE_CACHED probe (ServeMode.laioConfig)
                // a plain call on a root whose file system revalidates no dentry; else LAIO's probe
                case LAIO_LAIO, NB_LAIO -> assertEquals(DocRoot.dentriesStayLocal(root),
                        st.probeHits(statx) + st.probeWouldBlock(statx) + st.background(statx) == 0, st::toString);
                case NB_AMTED -> assertTrue(st.background(statx) >= 3, "every disk call on a helper, the path's statx too: " + st);
                case LAIO_URING -> assertTrue(st.inline(statx) + st.background(statx) == 4, st::toString); // ring or, before the loop runs, lazy
                default -> throw new AssertionError(mode);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void withTheCacheOffEveryRequestOpensAndClosesItsFile(ServeMode mode) throws Exception {
        try (RunningServer s = new RunningServer(ThttpdServer.Options.of(mode).withRoot(root).withFileCache(0));
                RawHttp c = new RawHttp(s.port())) {
            for (int i = 0; i < 4; i++) {
                assertEquals("hello world\n", c.request("/a.txt").text());
            }
            assertEquals(200, c.request("/b.txt").status()); // its read follows the fourth file's close
            LaioStats st = s.server.laioStats();
            assertEquals(5, st.calls(Sys.SYS_openat2), st::toString);
            assertTrue(st.calls(Sys.SYS_close) >= 4, st::toString);
            assertEquals(0, s.server.fileCacheHits());
            awaitFilesOpen(0, "nothing kept open between requests");
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aFileRenamedOverIsServedFreshOnTheNextRequest(ServeMode mode) throws Exception {
        try (RunningServer s = start(mode); RawHttp c = new RawHttp(s.port())) {
            assertEquals("hello world\n", c.request("/a.txt").text());
            assertEquals("hello world\n", c.request("/a.txt").text());
            Path tmp = root.resolve(".a.tmp");
            Files.writeString(tmp, "hello again\n"); // the same size: only the inode tells
            Files.move(tmp, root.resolve("a.txt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            assertEquals("hello again\n", c.request("/a.txt").text());
            assertEquals("hello again\n", c.request("/a.txt").text());
            assertEquals(2, s.server.laioStats().calls(Sys.SYS_openat2), "opened again once, then cached again");
            assertEquals(2, s.server.fileCacheHits());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aFileRewrittenInPlaceIsServedWithItsNewLengthAndDate(ServeMode mode) throws Exception {
        try (RunningServer s = start(mode); RawHttp c = new RawHttp(s.port())) {
            Path a = root.resolve("a.txt");
            Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2024-03-01T12:00:00Z")));
            RawHttp.Response first = c.request("/a.txt");
            assertEquals("Fri, 01 Mar 2024 12:00:00 GMT", first.header("Last-Modified"));
            assertEquals("hello world\n", c.request("/a.txt").text());
            Files.writeString(a, "a longer body than before\n"); // truncated and written: the same inode
            RawHttp.Response longer = c.request("/a.txt");
            assertEquals("a longer body than before\n", longer.text());
            assertEquals("26", longer.header("Content-Length"));
            Files.setLastModifiedTime(a, FileTime.from(Instant.parse("2025-01-02T03:04:05Z"))); // the date alone
            RawHttp.Response touched = c.request("/a.txt");
            assertEquals("Thu, 02 Jan 2025 03:04:05 GMT", touched.header("Last-Modified"));
            assertEquals(304, c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Thu, 02 Jan 2025 03:04:05 GMT\r\n\r\n")
                    .read().status());
            assertEquals(200, c.send("GET /a.txt HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: Fri, 01 Mar 2024 12:00:00 GMT\r\n\r\n")
                    .read().status());
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aDeletedFileIs404OnTheNextRequestAndItsDescriptorIsClosed(ServeMode mode) throws Exception {
        try (RunningServer s = start(mode); RawHttp c = new RawHttp(s.port())) {
            assertEquals(200, c.request("/a.txt").status());
            assertEquals(200, c.request("/a.txt").status());
            assertEquals(1, filesOpenUnder(root));
            Files.delete(root.resolve("a.txt"));
            assertEquals(404, c.request("/a.txt").status());
            assertEquals(200, c.request("/b.txt").status()); // a pass after the 404: a deferred close has run
            awaitFilesOpen(1, "the deleted file's descriptor closed (its blocks freed): only b.txt's is left");
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aSymlinkSwappedToPointOutsideTheRootIsRefusedAsWithoutTheCache(ServeMode mode) throws Exception {
        Path link = root.resolve("link.txt");
        Files.createSymbolicLink(link, Path.of("a.txt"));
        try (RunningServer s = start(mode); RawHttp c = new RawHttp(s.port())) {
            assertEquals("hello world\n", c.request("/link.txt").text());
            assertEquals("hello world\n", c.request("/link.txt").text());
            assertEquals(1, s.server.fileCacheHits(), "a symlink inside the root is cached as its target");
            Path swap = root.resolve(".swap");
            Files.createSymbolicLink(swap, Path.of("../secret.txt"));
            Files.move(swap, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            RawHttp.Response r = c.request("/link.txt");
            assertEquals(403, r.status());
            assertFalse(r.text().contains("SECRET"));
            Files.delete(link);
            Files.createSymbolicLink(link, top.resolve("secret.txt")); // absolute, and not by rename
            assertEquals(403, c.request("/link.txt").status());
            assertEquals("hello world\n", c.request("/a.txt").text());
        }
    }

    /**
     * The one way a hit reaches a file outside the root ({@link FileCache}): the file's directory
     * moved out and a symlink left in its place. The file is still the unchanged inode the path
     * served before the move; the first change to it (its ctime) ends that, and a file the
     * cache never held there is refused as always.
     */
    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aDirectoryMovedOutOfTheRootServesItsUnchangedFileUntilItChanges(ServeMode mode) throws Exception {
        Path sub = Files.createDirectories(root.resolve("sub"));
        Files.writeString(sub.resolve("f.txt"), "in sub\n");
        try (RunningServer s = start(mode); RawHttp c = new RawHttp(s.port())) {
            assertEquals("in sub\n", c.request("/sub/f.txt").text());
            Path out = top.resolve("moved-sub");
            Files.move(sub, out, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(out.resolve("other.txt"), "never served\n");
            Files.createSymbolicLink(sub, out);
            assertEquals("in sub\n", c.request("/sub/f.txt").text(), "the bytes it served before");
            assertEquals(403, c.request("/sub/other.txt").status());
            Files.writeString(out.resolve("f.txt"), "changed outside\n");
            assertEquals(403, c.request("/sub/f.txt").status(), "changed: its ctime moved, a miss, refused by openat2");
        }
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void manyDistinctFilesKeepAtMostTheBoundOpenAndStoppingClosesThemAll(ServeMode mode) throws Exception {
        for (int i = 0; i < 40; i++) {
            Files.writeString(root.resolve("f" + i + ".txt"), "file " + i);
        }
        int bound = 8;
        try (RunningServer s = new RunningServer(ThttpdServer.Options.of(mode).withRoot(root).withFileCache(bound));
                RawHttp c = new RawHttp(s.port())) {
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 40; i++) {
                    assertEquals("file " + i, c.request("/f" + i + ".txt").text());
                    assertTrue(filesOpenUnder(root) <= bound + 1, "the bound, and the request in progress");
                }
            }
            assertTrue(filesOpenUnder(root) >= bound - 1, "the cache is used: " + filesOpenUnder(root));
            for (int i = 0; i < 5; i++) {
                assertEquals("file 39", c.request("/f39.txt").text());
            }
            assertTrue(s.server.fileCacheHits() >= 5, "the file in use stays");
        }
        assertEquals(0, filesOpenUnder(root), "every cached descriptor closed on stop");
    }

    @ParameterizedTest
    @EnumSource(ServeMode.class)
    void aFileReplacedWhileItIsSentIsNotClosedUnderTheSend(ServeMode mode) throws Exception {
        byte[] old = new byte[24 << 20];
        new Random(1).nextBytes(old);
        Path big = root.resolve("big.bin");
        Files.write(big, old);
        try (RunningServer s = start(mode); Socket slow = new Socket()) {
            slow.setReceiveBufferSize(64 * 1024);
            slow.connect(new InetSocketAddress("127.0.0.1", s.port()), 5000);
            slow.setSoTimeout(15_000);
            try (RawHttp warm = new RawHttp(s.port())) {
                assertEquals(old.length, warm.request("/big.bin").body().length); // cached now
            }
            slow.getOutputStream().write(RawHttp.get("/big.bin").getBytes(StandardCharsets.US_ASCII));
            InputStream in = slow.getInputStream();
            byte[] first = in.readNBytes(256 * 1024); // the head and the start: the send is under way, served from the entry
            Path tmp = root.resolve(".big.tmp");
            Files.writeString(tmp, "replaced\n");
            Files.move(tmp, big, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (RawHttp c = new RawHttp(s.port())) {
                assertEquals("replaced\n", c.request("/big.bin").text(), "the entry dropped while in use");
                for (int i = 0; i < 20; i++) {
                    assertEquals("bee\n", c.request("/b.txt").text()); // opens that may take a freed number
                }
            }
            int headEnd = indexOf(first, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(first, headEnd, first.length - headEnd);
            byte[] rest = in.readNBytes(old.length - (first.length - headEnd));
            assertEquals(old.length - (first.length - headEnd), rest.length, "the whole old body arrived");
            sha.update(rest);
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(old), sha.digest(), "and it is the old file's");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO"})
    void onTwoLoopsEachKeepsItsOwnAndStoppingClosesThemAll(ServeMode mode) throws Exception {
        ThttpdGroup group = new ThttpdGroup(ThttpdServer.Options.of(mode).withRoot(root), 2, false, null);
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                group.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            for (int i = 0; i < 8; i++) {
                try (RawHttp c = new RawHttp(group.port())) {
                    assertEquals("hello world\n", c.request("/a.txt").text());
                    assertEquals("bee\n", c.request("/b.txt").text());
                }
            }
            assertTrue(filesOpenUnder(root) >= 2, "cached on some loop");
            assertTrue(filesOpenUnder(root) <= 4, "at most each file on each loop");
        } finally {
            long t0 = System.nanoTime();
            group.stop();
            runner.join(Duration.ofSeconds(20));
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(ThttpdGroup.STOP_WAIT_SECONDS - 2).toNanos(),
                    "the loops end at once, not after the stop's wait for pending work (the cache's sweep is no such work)");
        }
        assertFalse(runner.isAlive());
        assertEquals(0, filesOpenUnder(root), "every loop's cached descriptors closed");
    }

    private static int indexOf(byte[] a, byte[] b) {
        outer:
        for (int i = 0; i + b.length <= a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                if (a[i + j] != b[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void awaitFilesOpen(int n, String why) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (filesOpenUnder(root) != n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(n, filesOpenUnder(root), why);
    }

    /** This process's descriptors open on files beneath {@code dir} (the server runs in it). */
    static int filesOpenUnder(Path dir) throws IOException {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    String t = target.toString();
                    if (t.startsWith(dir.toString() + "/")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }
}
