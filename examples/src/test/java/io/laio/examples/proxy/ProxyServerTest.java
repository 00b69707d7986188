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

package io.laio.examples.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.buffer.SegmentPool;
import io.laio.examples.Main;
import io.laio.examples.net.ServerTls;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The proxy between JDK sockets: exact bytes both ways, half-close, bounded memory, refused targets, TLS termination. */
@Timeout(90)
class ProxyServerTest extends ProxyLoop {
    private static final String PASSWORD = "changeit";
    /** The peers' threads: not the common pool, whose one thread (on two cores) would run one peer at a time. */
    private static final java.util.concurrent.ExecutorService PEERS = java.util.concurrent.Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("test-peer").unstarted(r));
    @TempDir
    Path dir;

    private int startProxy(int targetPort, ServerTls tls) throws Exception {
        return startProxy(targetPort, tls, ProxyServer.Io.BUFFERED);
    }

    /** Length and CRC-32 of everything {@code in} gives until end-of-file. */
    private static long[] drain(InputStream in) throws Exception {
        CRC32 crc = new CRC32();
        byte[] b = new byte[64 * 1024];
        long n = 0;
        for (int k; (k = in.read(b)) >= 0; ) {
            crc.update(b, 0, k);
            n += k;
        }
        return new long[] {n, crc.getValue()};
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /** Writes {@code data} in pieces, then ends the sending direction. */
    private static CompletableFuture<Void> sendThenShutdown(Socket s, byte[] data) {
        return CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = s.getOutputStream();
                for (int i = 0; i < data.length; i += 37_000) {
                    out.write(data, i, Math.min(37_000, data.length - i));
                }
                out.flush();
                s.shutdownOutput();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
    }

    @Test
    void everyByteIsForwardedExactlyBothWaysAndEachEndOfFileIsPassedOn() throws Exception {
        int proxyPort = startProxy(target(), null);
        byte[] up = random(8 << 20, 1);
        byte[] down = random(6 << 20, 2);
        CompletableFuture<long[]> targetGot = CompletableFuture.supplyAsync(() -> {
            try (Socket t = targetListener.accept()) {
                CompletableFuture<Void> sent = sendThenShutdown(t, down);
                long[] got = drain(t.getInputStream()); // ends when the client's end-of-file is passed on
                sent.get(60, TimeUnit.SECONDS);
                return got;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        try (Socket c = new Socket("127.0.0.1", proxyPort)) {
            CompletableFuture<Void> sent = sendThenShutdown(c, up);
            long[] clientGot = drain(c.getInputStream()); // ends when the target's end-of-file is passed on
            sent.get(60, TimeUnit.SECONDS);
            assertArrayEquals(new long[] {down.length, crc(down)}, clientGot, "target to client");
        }
        assertArrayEquals(new long[] {up.length, crc(up)}, targetGot.get(60, TimeUnit.SECONDS), "client to target");
        awaitNoOpenPairs();
    }

    @Test
    void aClientThatEndsFirstStillGetsTheTargetsWholeReply() throws Exception {
        int proxyPort = startProxy(target(), null);
        byte[] reply = random(3 << 20, 3);
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            try (Socket t = targetListener.accept()) {
                byte[] request = t.getInputStream().readAllBytes(); // the client's half-close arrives as end-of-file
                assertEquals("GET /\n", new String(request));
                t.getOutputStream().write(reply);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        try (Socket c = new Socket("127.0.0.1", proxyPort)) {
            c.getOutputStream().write("GET /\n".getBytes());
            c.shutdownOutput();
            assertArrayEquals(reply, c.getInputStream().readAllBytes());
        }
        served.get(30, TimeUnit.SECONDS);
        awaitNoOpenPairs();
    }

    /** Keeps writing to {@code s} from a thread until the socket is closed; returns the bytes written so far. */
    private static AtomicLong flood(Socket s) {
        AtomicLong sent = new AtomicLong();
        Thread.ofPlatform().daemon().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                OutputStream out = s.getOutputStream();
                while (sent.get() < (1L << 30)) {
                    out.write(chunk);
                    sent.addAndGet(chunk.length);
                }
            } catch (Exception closed) {
                // the end of the test
            }
        });
        return sent;
    }

    /** Waits until {@code sent} has not moved for half a second: TCP and the proxy hold the sender back. */
    private static long awaitStuck(AtomicLong sent) throws Exception {
        long last = -1;
        long since = System.nanoTime();
        long deadline = since + 30_000_000_000L;
        while (System.nanoTime() - since < 500_000_000L) {
            assertTrue(System.nanoTime() < deadline, "the sender was never held back: " + sent.get() + " bytes out");
            Thread.sleep(50);
            long now = sent.get();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }

    private void assertProxyHoldsLittle(long sent) throws Exception {
        long held = onLoop(proxy::segmentsAllocated) * SegmentPool.DEFAULT_SEGMENT_SIZE;
        long bound = 2 * (ProxyPair.WRITE_HIGH + 2 * ProxyPair.READ_HIGH) + 8L * SegmentPool.DEFAULT_SEGMENT_SIZE;
        assertTrue(held <= bound, "the proxy took " + held + " bytes of buffers (bound " + bound + "); the sender got "
                + sent + " bytes out");
        assertTrue(onLoop(proxy::bufferedBytes) <= bound);
    }

    @Test
    void aClientThatDoesNotReadHoldsTheTargetBackAndTheProxyHoldsABoundedAmount() throws Exception {
        int proxyPort = startProxy(target(), null);
        try (Socket c = new Socket()) {
            c.setReceiveBufferSize(64 * 1024);
            c.connect(new InetSocketAddress("127.0.0.1", proxyPort));
            try (Socket t = targetListener.accept()) {
                long sent = awaitStuck(flood(t));
                assertProxyHoldsLittle(sent);
            }
        }
    }

    @Test
    void aTargetThatDoesNotReadHoldsTheClientBackAndTheProxyHoldsABoundedAmount() throws Exception {
        int proxyPort = startProxy(target(), null);
        try (Socket c = new Socket("127.0.0.1", proxyPort)) {
            AtomicLong sent = flood(c);
            try (Socket t = targetListener.accept()) {
                t.setReceiveBufferSize(64 * 1024);
                assertProxyHoldsLittle(awaitStuck(sent));
            }
        }
    }

    static long openDescriptors() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void aRefusedTargetClosesTheClientAndLeavesNothingOpen() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        int proxyPort = startProxy(closedPort, null);
        long before = openDescriptors();
        for (int i = 0; i < 10; i++) {
            try (Socket c = new Socket("127.0.0.1", proxyPort)) {
                c.setSoTimeout(10_000);
                c.getOutputStream().write("hello".getBytes());
                int r;
                try {
                    r = c.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    r = -1;
                }
                assertEquals(-1, r, "the proxy closes the client");
            }
        }
        awaitNoOpenPairs();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (openDescriptors() > before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before, openDescriptors(), "no socket left open");
        assertEquals(10, proxy.connections());
    }

    @Test
    void tlsIsTerminatedAtTheProxyAndTheTargetSeesPlainBytes() throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "laio", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        int proxyPort = startProxy(target(), ServerTls.fromPkcs12(ks, PASSWORD.toCharArray()));
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            try (Socket t = targetListener.accept()) {
                t.getInputStream().transferTo(t.getOutputStream()); // plain bytes: an echo
                t.shutdownOutput();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        byte[] data = random(1 << 20, 4);
        try (SSLSocket s = (SSLSocket) trusting(ks).getSocketFactory().createSocket("localhost", proxyPort)) {
            var params = s.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            s.setSSLParameters(params);
            s.setSoTimeout(20_000);
            s.startHandshake();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    s.getOutputStream().write(data);
                    s.getOutputStream().flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, PEERS);
            assertArrayEquals(data, s.getInputStream().readNBytes(data.length));
            sent.get(30, TimeUnit.SECONDS);
            s.shutdownOutput(); // close_notify: passed on to the target as end-of-file
            echo.get(30, TimeUnit.SECONDS);
            assertEquals(-1, s.getInputStream().read(), "the target's end comes back as close_notify");
        }
        awaitNoOpenPairs();
    }

    private static SSLContext trusting(Path ks) throws Exception {
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

    @Test
    void aBadTargetIsRefusedInOneLine() {
        for (String bad : new String[] {"localhost", "localhost:0", "::1:80", ":80", "host:http"}) {
            StringWriter err = new StringWriter();
            picocli.CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            assertEquals(2, cl.execute("proxy", "--listen", "0", "--to", bad), err::toString);
            assertTrue(err.toString().startsWith("laio-examples proxy: ") && err.toString().contains("HOST:PORT"),
                    err::toString);
        }
    }

    @Test
    void theProxyCommandPrintsItsPortAndForwards() throws Exception {
        int targetPort = target();
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            try (Socket t = targetListener.accept()) {
                t.getInputStream().transferTo(t.getOutputStream());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.laio.examples.Main", "proxy", "--listen", "0", "--to", "127.0.0.1:" + targetPort, "--loops", "1")
                .redirectErrorStream(true).start();
        try {
            var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("listening on "), "first line: " + line);
            int port = Integer.parseInt(line.substring("listening on ".length()).trim());
            try (Socket c = new Socket("127.0.0.1", port)) {
                c.setSoTimeout(20_000);
                c.getOutputStream().write("ping\n".getBytes());
                assertEquals("ping\n", new String(c.getInputStream().readNBytes(5)));
            }
            echo.get(20, TimeUnit.SECONDS);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
