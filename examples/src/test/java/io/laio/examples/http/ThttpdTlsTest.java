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

import io.laio.examples.net.ServerTls;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.laio.examples.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code thttpd --tls}: HTTPS through event-buffer's TLS filter in the laio-laio mode, with a
 * certificate keytool makes, fetched by the JDK's HTTP clients, a raw TLS socket and curl.
 */
@Timeout(120)
class ThttpdTlsTest {
    private static final char[] PASS = "changeit".toCharArray();

    @TempDir
    static Path top;
    static Path root;
    static Path keystore;
    static byte[] big;
    static SSLContext serverContext;
    static SSLContext clientContext;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(top.resolve("root"));
        Files.writeString(root.resolve("small.txt"), "hello over tls\n");
        big = new byte[3 * 1024 * 1024 + 777]; // many 128 KiB chunks and 16 KiB records, and a ragged end
        new Random(11).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        keystore = top.resolve("server.p12");
        keytool("-genkeypair", "-alias", "thttpd", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        serverContext = ServerTls.fromPkcs12(keystore, PASS).context();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASS);
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("thttpd", keys.getCertificate("thttpd"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        server = new RunningServer(ThttpdServer.Options.of(ServeMode.LAIO_LAIO).withRoot(root).withTls(serverContext));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String keytool(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static URI uri(String target) {
        return uri(server.port(), target);
    }

    private static URI uri(int port, String target) {
        return URI.create("https://127.0.0.1:" + port + target);
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(clientContext)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A TLS socket to the server, the host name checked against the certificate. */
    private static SSLSocket tlsSocket() throws IOException {
        SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", server.port());
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        return s;
    }

    /** Waits until the server holds no connection (each test leaves none behind). */
    private static void awaitNoConnections() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (server.server.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.server.connectionCount(), "connections left open");
    }

    @Test
    void servesSmallAndLargeFilesByteExactToHttpClient() throws Exception {
        try (HttpClient c = client()) {
            fetchAll(c);
        }
        awaitNoConnections();
    }

    private static void fetchAll(HttpClient c) throws Exception {
        fetchAll(c, server.port());
    }

    private static void fetchAll(HttpClient c, int port) throws Exception {
        HttpResponse<String> small = c.send(HttpRequest.newBuilder(uri(port, "/small.txt")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, small.statusCode());
        assertEquals("hello over tls\n", small.body());
        assertEquals("text/plain; charset=utf-8", small.headers().firstValue("content-type").orElseThrow());
        HttpResponse<byte[]> b = c.send(HttpRequest.newBuilder(uri(port, "/big.bin")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, b.statusCode());
        assertArrayEquals(big, b.body());
        HttpResponse<byte[]> range = c.send(HttpRequest.newBuilder(uri(port, "/big.bin")).header("Range", "bytes=100000-299999").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, range.statusCode());
        assertArrayEquals(Arrays.copyOfRange(big, 100_000, 300_000), range.body());
        HttpResponse<Void> head = c.send(HttpRequest.newBuilder(uri(port, "/big.bin")).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(String.valueOf(big.length), head.headers().firstValue("content-length").orElseThrow());
    }

    @Test
    void theUringLoopServesTheSameFilesOverTls() throws Exception {
        try (RunningServer uring = new RunningServer(ThttpdServer.Options.of(ServeMode.LAIO_URING).withRoot(root)
                .withTls(serverContext)); HttpClient c = client()) {
            fetchAll(c, uring.port());
        }
    }

    @Test
    void servesHttpsUrlConnection() throws Exception {
        HttpsURLConnection u = (HttpsURLConnection) uri("/big.bin").toURL().openConnection();
        u.setSSLSocketFactory(clientContext.getSocketFactory());
        u.setConnectTimeout(5000);
        u.setReadTimeout(15_000);
        u.setRequestProperty("Connection", "close"); // the server closes after it (after close_notify): nothing lingers in the client's cache
        try (InputStream in = u.getInputStream()) {
            assertEquals(200, u.getResponseCode());
            assertArrayEquals(big, in.readAllBytes());
        }
        awaitNoConnections();
    }

    @Test
    void keepsOneConnectionAliveAcrossRequestsAndAnswers404OnIt() throws Exception {
        long acceptedBefore = server.server.accepted();
        try (SSLSocket s = tlsSocket(); RawHttp h = new RawHttp(s)) {
            s.setSSLParameters(withAlpn(s.getSSLParameters()));
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = h.request("/small.txt");
                assertEquals(200, r.status());
                assertEquals("hello over tls\n", r.text());
            }
            RawHttp.Response missing = h.request("/missing.txt");
            assertEquals(404, missing.status());
            assertTrue(missing.text().contains("404 Not Found"), missing.text());
            RawHttp.Response again = h.request("/big.bin");
            assertEquals(200, again.status());
            assertArrayEquals(big, again.body());
            h.send(RawHttp.get("/small.txt") + RawHttp.get("/missing.txt") + RawHttp.get("/small.txt")); // pipelined
            assertEquals(200, h.read().status());
            assertEquals(404, h.read().status());
            assertEquals("hello over tls\n", h.read().text());
            assertEquals("http/1.1", s.getApplicationProtocol());
        }
        assertEquals(acceptedBefore + 1, server.server.accepted(), "one connection for all the requests");
        awaitNoConnections();
    }

    private static SSLParameters withAlpn(SSLParameters p) {
        p.setApplicationProtocols(new String[] {"http/1.1"});
        return p;
    }

    @Test
    void aClientThatAbortsMidBodyIsDroppedAndOthersAreServed() throws Exception {
        try (SSLSocket s = tlsSocket()) {
            OutputStream out = s.getOutputStream();
            out.write(RawHttp.get("/big.bin").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] some = s.getInputStream().readNBytes(200_000); // the head and part of the body
            assertEquals(200_000, some.length);
            s.setSoLinger(true, 0); // reset: the server's next send fails
        }
        try (SSLSocket s = tlsSocket()) { // and one that closes (close_notify, FIN) mid-body
            s.getOutputStream().write(RawHttp.get("/big.bin").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(50_000, s.getInputStream().readNBytes(50_000).length);
        }
        awaitNoConnections();
        try (HttpClient c = client()) {
            assertArrayEquals(big, c.send(HttpRequest.newBuilder(uri("/big.bin")).build(), HttpResponse.BodyHandlers.ofByteArray()).body());
        }
    }

    @Test
    void aPlainHttpClientOnTheTlsPortIsRefusedAndClosed() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(RawHttp.get("/small.txt").getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                s.getInputStream().transferTo(got); // ends: the server closes
            } catch (SocketException reset) {
                // a reset ends it as well
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("HTTP/1.1") || text.contains("hello over tls"), "plaintext served: " + text);
        }
        awaitNoConnections();
        try (HttpClient c = client()) {
            assertEquals(200, c.send(HttpRequest.newBuilder(uri("/small.txt")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsItsHandshakeAlone() throws Exception {
        try (HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) { // the JDK's default trust store: the test's certificate is not in it
            assertThrows(SSLHandshakeException.class,
                    () -> untrusting.send(HttpRequest.newBuilder(uri("/small.txt")).build(), HttpResponse.BodyHandlers.discarding()));
        }
        awaitNoConnections();
        try (HttpClient c = client()) {
            assertEquals(200, c.send(HttpRequest.newBuilder(uri("/small.txt")).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void curlFetchesWithTheCertificateAsItsCa() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        assumeTrue(Files.isExecutable(curl), "curl is not installed");
        Path pem = top.resolve("server.pem");
        keytool("-exportcert", "-rfc", "-alias", "thttpd", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        Path got = top.resolve("curl-big.bin");
        Process p = new ProcessBuilder(curl.toString(), "-sS", "--fail", "--max-time", "30", "--cacert", pem.toString(),
                "-o", got.toString(), "https://localhost:" + server.port() + "/big.bin",
                "-o", top.resolve("curl-small.txt").toString(), "https://127.0.0.1:" + server.port() + "/small.txt")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "curl: " + out);
        assertArrayEquals(big, Files.readAllBytes(got));
        assertEquals("hello over tls\n", Files.readString(top.resolve("curl-small.txt")));
        awaitNoConnections();
    }

    @Test
    void aConnectionClosedAfterItsResponseEndsWithCloseNotify() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        assumeTrue(Files.isExecutable(openssl), "openssl is not installed");
        Process p = new ProcessBuilder(openssl.toString(), "s_client", "-connect", "127.0.0.1:" + server.port(), "-CAfile",
                exportPem().toString(), "-ign_eof").start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("GET /small.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        byte[] err = p.getErrorStream().readAllBytes();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), new String(err, StandardCharsets.ISO_8859_1));
        assertTrue(out.contains("hello over tls"), out);
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        String all = out + new String(err, StandardCharsets.ISO_8859_1);
        assertFalse(all.toLowerCase(java.util.Locale.ROOT).contains("unexpected eof"), "closed without close_notify: " + all);
        assertTrue(out.strip().endsWith("closed") || all.contains("closed"), out);
        awaitNoConnections();
    }

    @ParameterizedTest(name = "hand-off {0}")
    @ValueSource(booleans = {false, true})
    void twoLoopsEachServeTlsConnections(boolean handOff) throws Exception {
        ThttpdGroup group = new ThttpdGroup(ThttpdServer.Options.of(ServeMode.LAIO_LAIO).withRoot(root).withTls(serverContext), 2,
                handOff, null);
        Set<Throwable> failures = ConcurrentHashMap.newKeySet();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                group.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        try {
            for (int i = 0; i < 12; i++) {
                SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("127.0.0.1", group.port());
                try (RawHttp c = new RawHttp(s)) {
                    assertEquals("hello over tls\n", c.request("/small.txt").text());
                    assertEquals(200, c.request("/small.txt").status()); // the loop that holds it answers again
                }
            }
            long[] perLoop = group.acceptedPerLoop();
            assertTrue(perLoop[0] > 0 && perLoop[1] > 0, "both loops served: " + Arrays.toString(perLoop));
        } finally {
            group.stop();
            runner.join(Duration.ofSeconds(30));
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(group.awaitStopped(Duration.ofSeconds(1)));
    }

    @Test
    void tlsIsRefusedOutsideLaioLaio() {
        for (ServeMode m : ServeMode.values()) {
            if (!m.laioSockets()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> new ThttpdServer(ThttpdServer.Options.of(m).withTls(serverContext)));
                assertTrue(e.getMessage().contains("laio-laio"), e.getMessage());
            }
        }
    }

    @Test
    void theCommandLineRefusesBadTlsSettingsInOneLine() throws Exception {
        Path missing = top.resolve("missing.p12");
        assertRefused(2, "--tls works with --mode laio-laio or laio-uring only, not nb-b",
                "thttpd", "--mode", "nb-b", "--tls", keystore.toString());
        assertRefused(2, missing + ": no such file", "thttpd", "--tls", missing.toString());
        Path wrong = Files.writeString(top.resolve("wrong.pass"), "not-the-password\n");
        assertRefused(2, "wrong password", "thttpd", "--tls", keystore.toString(),
                "--tls-password-file", wrong.toString());
        Path notAKeystore = Files.writeString(top.resolve("junk.p12"), "junk");
        assertRefused(2, "not a PKCS12 key store", "thttpd", "--tls", notAKeystore.toString(),
                "--tls-password-file", wrong.toString());
        Path trustOnly = top.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", exportPem().toString(), "-keystore", trustOnly.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        Path right = Files.writeString(top.resolve("right.pass"), "changeit\n");
        assertRefused(2, "holds no private key", "thttpd", "--tls", trustOnly.toString(),
                "--tls-password-file", right.toString());
    }

    /** As CommandLineInputTest's: exit 2, one line on stderr holding {@code what}, no stack trace. */
    private static void assertRefused(int exit, String what, String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        assertEquals(exit, cl.execute(args), () -> String.join(" ", args) + ": " + e);
        String err = e.toString().strip();
        assertFalse(err.contains("\n") || err.contains("\tat "), err);
        assertTrue(err.startsWith("laio-examples thttpd: ") && err.contains(what), err);
        assertEquals("", o.toString());
    }

    private static Path exportPem() throws Exception {
        Path pem = top.resolve("export.pem");
        if (!Files.exists(pem)) {
            keytool("-exportcert", "-rfc", "-alias", "thttpd", "-keystore", keystore.toString(), "-storepass", "changeit",
                    "-file", pem.toString());
        }
        return pem;
    }
}
