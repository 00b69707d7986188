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

package io.laio.examples.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.laio.buffer.SegmentPool;
import io.laio.event.EventBase;
import io.laio.examples.LoopOnThread;
import io.laio.examples.Main;
import io.laio.examples.net.ServerTls;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The echo on buffered connections, plain and TLS: what a client sees, and what a bad client cannot make the server hold. */
@Timeout(60)
class BufferedEchoServerTest {
    static final String PASSWORD = "changeit";
    /** The peers' threads: not the common pool, whose one thread (on two cores) would run one peer at a time. */
    private static final java.util.concurrent.ExecutorService PEERS = java.util.concurrent.Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("test-peer").unstarted(r));
    @TempDir
    static Path dir;
    static Path keyStore;
    static ServerTls tls;
    static SSLContext clientContext;

    private BufferedEchoServer server;
    private LoopOnThread loop;

    /** A self-signed EC certificate for localhost/127.0.0.1 made by the JDK's keytool, in PKCS#12. */
    static Path makeKeyStore(Path where) throws Exception {
        Path ks = where.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "laio", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return ks;
    }

    /** A client context that trusts exactly the certificate in {@code ks}. */
    static SSLContext trusting(Path ks) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("laio", keys.getCertificate("laio"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    @BeforeAll
    static void makeCertificate() throws Exception {
        keyStore = makeKeyStore(dir);
        tls = ServerTls.fromPkcs12(keyStore, PASSWORD.toCharArray());
        clientContext = trusting(keyStore);
    }

    private int start(ServerTls with) throws Exception {
        EventBase base = EventBase.create("epoll");
        server = new BufferedEchoServer(base, new InetSocketAddress("127.0.0.1", 0), with);
        loop = LoopOnThread.start(base, "echo-test-loop");
        return server.port();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stop(server::close);
        }
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> work) throws Exception {
        return loop.onLoop(work);
    }

    private SSLSocket tlsClient(int port) throws Exception {
        SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket("localhost", port);
        var p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        s.setSSLParameters(p);
        return s;
    }

    /** Writes {@code payload} on a thread while this one reads the same number of bytes back. */
    private static byte[] exchange(Socket s, byte[] payload) throws Exception {
        OutputStream out = s.getOutputStream();
        CompletableFuture<Void> wrote = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < payload.length; i += 50_000) {
                    out.write(payload, i, Math.min(50_000, payload.length - i));
                }
                out.flush();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        byte[] back = s.getInputStream().readNBytes(payload.length);
        wrote.get(30, TimeUnit.SECONDS);
        return back;
    }

    @Test
    void everyByteComesBackOverABufferedConnection() throws Exception {
        int port = start(null);
        byte[] payload = new byte[4 << 20];
        new Random(1).nextBytes(payload);
        try (Socket s = new Socket("127.0.0.1", port)) {
            assertArrayEquals(payload, exchange(s, payload));
        }
        assertEquals(1, server.connections());
    }

    @Test
    void aJdkTlsClientGetsItsBytesBackAndACloseNotify() throws Exception {
        int port = start(tls);
        byte[] payload = new byte[2 << 20];
        new Random(2).nextBytes(payload);
        try (SSLSocket s = tlsClient(port)) {
            s.startHandshake();
            assertArrayEquals(payload, exchange(s, payload));
            s.shutdownOutput(); // close_notify: the server answers with its own and closes
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void opensslClientGetsItsLineEchoed() throws Exception {
        String openssl = openssl();
        assumeTrue(openssl != null, "openssl is not installed");
        int port = start(tls);
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Process client = new ProcessBuilder(openssl, "s_client", "-connect", "127.0.0.1:" + port, "-quiet",
                "-CAfile", cert.toString(), "-verify_return_error").start();
        try {
            client.getOutputStream().write("hello laio\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            byte[] back = client.getInputStream().readNBytes(11);
            assertEquals("hello laio\n", new String(back, StandardCharsets.US_ASCII));
        } finally {
            client.destroy();
            client.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static java.security.cert.Certificate certificate() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys.getCertificate("laio");
    }

    static String openssl() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "openssl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    /**
     * Sends {@code total} bytes and reads none; returns once the sender has been stuck (TCP full
     * both ways) for half a second, with how much it got out.
     */
    private static long sendWithoutReading(Socket s, int total) throws Exception {
        AtomicLong sent = new AtomicLong();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                OutputStream out = s.getOutputStream();
                for (long n = 0; n < total; n += chunk.length) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (Exception e) {
                // the socket is closed at the end of the test
            }
        });
        long last = -1;
        long stuckSince = System.nanoTime();
        while (System.nanoTime() - stuckSince < 500_000_000L) {
            Thread.sleep(50);
            long now = sent.get();
            if (now != last) {
                last = now;
                stuckSince = System.nanoTime();
            }
        }
        assertTrue(writer.isAlive(), "the sender got all " + total + " bytes out: nothing held it back");
        return last;
    }

    private void assertServerHoldsLittle(long sent) throws Exception {
        long held = onLoop(server::segmentsAllocated) * SegmentPool.DEFAULT_SEGMENT_SIZE;
        long bound = BufferedEchoServer.WRITE_HIGH + 2 * BufferedEchoServer.READ_HIGH + 4 * SegmentPool.DEFAULT_SEGMENT_SIZE;
        assertTrue(held <= bound, "the server took " + held + " bytes of buffers (bound " + bound + ") while the client sent "
                + sent + " and read nothing");
    }

    @Test
    void aClientThatDoesNotReadIsHeldBackAndTheServerHoldsABoundedAmount() throws Exception {
        int port = start(null);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setReceiveBufferSize(64 * 1024);
            long sent = sendWithoutReading(s, 256 << 20);
            assertServerHoldsLittle(sent);
        }
    }

    @Test
    void aTlsClientThatDoesNotReadIsHeldBackToo() throws Exception {
        int port = start(tls);
        Socket plain = new Socket();
        plain.setReceiveBufferSize(64 * 1024);
        plain.connect(new InetSocketAddress("127.0.0.1", port));
        try {
            SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, "localhost", port, true);
            s.startHandshake();
            long sent = sendWithoutReading(s, 256 << 20);
            assertServerHoldsLittle(sent);
        } finally {
            plain.close(); // not the SSLSocket's close: its close_notify would wait behind the stuck writer
        }
    }

    @Test
    void aClientThatEndsInTheMiddleOfAMessageGetsWhatItSentThenEndOfFile() throws Exception {
        int port = start(null);
        try (Socket s = new Socket("127.0.0.1", port)) {
            byte[] half = "GET /half-a-requ".getBytes(StandardCharsets.US_ASCII);
            s.getOutputStream().write(half);
            s.shutdownOutput();
            assertArrayEquals(half, s.getInputStream().readAllBytes(), "the bytes, then end-of-file");
        }
    }

    @Test
    void aClientThatVanishesMidMessageLeavesNoDescriptorBehind() throws Exception {
        int port = start(null);
        long before = openDescriptors();
        for (int i = 0; i < 20; i++) {
            Socket s = new Socket("127.0.0.1", port);
            s.getOutputStream().write(new byte[100_000]);
            s.setSoLinger(true, 0); // close with a reset, in the middle of the echo
            s.close();
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((server.connections() < 20 || openDescriptors() > before) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(20, server.connections(), "every connection was accepted");
        assertEquals(before, openDescriptors(), "every server-side socket closed");
    }

    static long openDescriptors() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void theEchoCommandServesTls() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "io.laio.examples.Main", "echo", "--port", "0", "--loops", "1",
                "--tls", keyStore.toString()).redirectErrorStream(true);
        pb.environment().put("LAIO_TLS_PASSWORD", PASSWORD);
        Process p = pb.start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("listening on "), "first line: " + line);
            int port = Integer.parseInt(line.substring("listening on ".length()).trim());
            try (SSLSocket s = tlsClient(port)) {
                s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("ping\n".getBytes(StandardCharsets.US_ASCII), s.getInputStream().readNBytes(5));
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void assertRefused(int exit, String what, String... args) {
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(exit, cl.execute(args), err::toString);
        assertTrue(err.toString().strip().startsWith("laio-examples echo: ") && err.toString().contains(what), err::toString);
        assertEquals(1, err.toString().strip().lines().count(), err::toString);
    }

    @Test
    void aTlsOptionThatCannotWorkIsRefusedInOneLine() {
        assertRefused(2, "--tls needs --io buffered", "echo", "--port", "0", "--io", "raw", "--tls", keyStore.toString());
        assertRefused(2, "no such file", "echo", "--port", "0", "--tls", dir.resolve("absent.p12").toString());
        assertRefused(2, "wrong password", "echo", "--port", "0", "--tls", keyStore.toString(), "--tls-password", "wrong");
    }
}
