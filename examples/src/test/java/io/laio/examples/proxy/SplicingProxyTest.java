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

import io.laio.examples.Main;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy with {@code --io splice} between JDK sockets: exact bytes both ways on many
 * connections at once, requests and replies that never end their streams, a slow reader held
 * back with the pipes as the only buffer, half-close both ways, a refused target, a reset
 * mid-stream, the proxy closed with full pipes, and no descriptor left behind.
 */
// a separate thread: a JDK socket read ignores the interrupt of a same-thread timeout, and a hang would never end
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SplicingProxyTest extends ProxyLoop {
    private static final ExecutorService PEERS = Executors.newCachedThreadPool(
            r -> Thread.ofPlatform().daemon().name("splice-test-peer").unstarted(r));

    private int startProxy(int targetPort) throws Exception {
        return startProxy(targetPort, null, ProxyServer.Io.SPLICE);
    }

    private static void awaitDescriptors(long baseline) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProxyServerTest.openDescriptors() > baseline && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(baseline, ProxyServerTest.openDescriptors(), "descriptors left open (sockets or pipes)");
    }

    /** One round trip through the proxy, so that whatever LAIO opens once (helper lanes) is open before a baseline. */
    private void warmUp() throws Exception {
        CompletableFuture<Void> echo = CompletableFuture.runAsync(() -> {
            try (Socket t = targetListener.accept()) {
                t.getInputStream().transferTo(t.getOutputStream());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        try (Socket c = new Socket("127.0.0.1", proxy.port())) {
            c.getOutputStream().write("ping".getBytes());
            c.shutdownOutput();
            assertEquals("ping", new String(c.getInputStream().readAllBytes()));
        }
        echo.get(20, TimeUnit.SECONDS);
        awaitNoOpenPairs();
    }

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

    private static long[] sum(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return new long[] {b.length, c.getValue()};
    }

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
    void manyConnectionsAtOnceGetEveryByteBothWaysAndNoDescriptorStaysOpen() throws Exception {
        int proxyPort = startProxy(target());
        warmUp();
        long baseline = ProxyServerTest.openDescriptors();
        int n = 16;
        List<CompletableFuture<long[]>> targets = new ArrayList<>();
        List<CompletableFuture<long[]>> clients = new ArrayList<>();
        // each target echoes the connection's first 4 bytes (its index) back as its seed
        for (int i = 0; i < n; i++) {
            targets.add(CompletableFuture.supplyAsync(() -> {
                try (Socket t = targetListener.accept()) {
                    int id = new java.io.DataInputStream(t.getInputStream()).readInt();
                    CompletableFuture<Void> sent = sendThenShutdown(t, random((1 << 20) + id * 4099, 1000 + id));
                    long[] got = drain(t.getInputStream());
                    sent.get(60, TimeUnit.SECONDS);
                    return new long[] {id, got[0], got[1]};
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, PEERS));
        }
        for (int i = 0; i < n; i++) {
            int id = i;
            clients.add(CompletableFuture.supplyAsync(() -> {
                try (Socket c = new Socket("127.0.0.1", proxyPort)) {
                    byte[] up = random((2 << 20) + id * 8191, id);
                    new java.io.DataOutputStream(c.getOutputStream()).writeInt(id);
                    CompletableFuture<Void> sent = sendThenShutdown(c, up);
                    long[] got = drain(c.getInputStream());
                    sent.get(60, TimeUnit.SECONDS);
                    assertArrayEquals(sum(random((1 << 20) + id * 4099, 1000 + id)), got, "target to client " + id);
                    return got;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, PEERS));
        }
        for (CompletableFuture<long[]> c : clients) {
            c.get(90, TimeUnit.SECONDS);
        }
        for (CompletableFuture<long[]> t : targets) {
            long[] r = t.get(90, TimeUnit.SECONDS);
            int id = (int) r[0];
            assertArrayEquals(sum(random((2 << 20) + id * 8191, id)), new long[] {r[1], r[2]}, "client to target " + id);
        }
        awaitNoOpenPairs();
        awaitDescriptors(baseline);
    }

    /**
     * Requests and replies of many sizes, each side waiting for the other's whole message and
     * never ending its stream: every byte the proxy took in must go out without more arriving
     * behind it (the last bytes of a message must not wait in a pipe for the next message).
     */
    @Test
    void everyMessageIsForwardedWholeWithoutWaitingForTheNext() throws Exception {
        int proxyPort = startProxy(target());
        Random sizes = new Random(11);
        int[] size = new int[120];
        for (int i = 0; i < size.length; i++) {
            size[i] = 1 + sizes.nextInt(i % 3 == 0 ? 1 << 20 : 64 * 1024);
        }
        CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
            try (Socket t = targetListener.accept()) {
                t.setSoTimeout(10_000);
                for (int i = 0; i < size.length; i++) {
                    byte[] request = t.getInputStream().readNBytes(size[i]);
                    assertArrayEquals(random(size[i], i), request, "request " + i);
                    t.getOutputStream().write(random(size[i], -i - 1));
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        try (Socket c = new Socket("127.0.0.1", proxyPort)) {
            c.setSoTimeout(10_000); // a message stuck in a pipe: the read times out
            for (int i = 0; i < size.length; i++) {
                c.getOutputStream().write(random(size[i], i));
                assertArrayEquals(random(size[i], -i - 1), c.getInputStream().readNBytes(size[i]), "reply " + i);
            }
        }
        server.get(30, TimeUnit.SECONDS);
    }

    @Test
    void halfCloseIsPassedOnInBothDirections() throws Exception {
        int proxyPort = startProxy(target());
        byte[] reply = random(3 << 20, 3);
        byte[] after = random(1 << 20, 4);
        CompletableFuture<long[]> served = CompletableFuture.supplyAsync(() -> {
            try (Socket t = targetListener.accept()) {
                t.getOutputStream().write(reply);
                t.shutdownOutput(); // the target ends first; the client goes on sending
                return drain(t.getInputStream());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        try (Socket c = new Socket("127.0.0.1", proxyPort)) {
            assertArrayEquals(reply, c.getInputStream().readAllBytes(), "the target's bytes, then its end-of-file");
            c.getOutputStream().write(after); // still forwarded after the other direction ended
            c.shutdownOutput();
            assertArrayEquals(sum(after), served.get(30, TimeUnit.SECONDS), "the client's bytes, then its end-of-file");
        }
        awaitNoOpenPairs();

        // the other way round: the client ends first
        byte[] answer = random(2 << 20, 5);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            try (Socket t = targetListener.accept()) {
                assertEquals("GET /\n", new String(t.getInputStream().readAllBytes()));
                t.getOutputStream().write(answer);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, PEERS);
        try (Socket c = new Socket("127.0.0.1", proxyPort)) {
            c.getOutputStream().write("GET /\n".getBytes());
            c.shutdownOutput();
            assertArrayEquals(answer, c.getInputStream().readAllBytes());
        }
        second.get(30, TimeUnit.SECONDS);
        awaitNoOpenPairs();
    }

    /** Waits until {@code sent} has not moved for half a second: TCP and the proxy hold the sender back. */
    private static long awaitStuck(java.util.concurrent.atomic.AtomicLong sent, long total) throws Exception {
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
        assertTrue(last < total, "the sender got all its " + total + " bytes out: nothing held it back");
        return last;
    }

    private void slowReader(boolean clientReadsSlowly) throws Exception {
        int proxyPort = startProxy(target());
        byte[] data = random(24 << 20, 6);
        var sent = new java.util.concurrent.atomic.AtomicLong();
        try (Socket c = new Socket()) {
            c.setReceiveBufferSize(64 * 1024);
            c.connect(new InetSocketAddress("127.0.0.1", proxyPort));
            try (Socket t = targetListener.accept()) {
                t.setReceiveBufferSize(64 * 1024);
                Socket writer = clientReadsSlowly ? t : c;
                Socket reader = clientReadsSlowly ? c : t;
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = writer.getOutputStream();
                        for (int i = 0; i < data.length; i += 16 * 1024) {
                            out.write(data, i, 16 * 1024);
                            sent.addAndGet(16 * 1024);
                        }
                        writer.shutdownOutput();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, PEERS);
                awaitStuck(sent, data.length);
                long held = onLoop(proxy::bufferedBytes);
                assertTrue(held > 0 && held <= SplicePair.PIPE_SIZE,
                        "the proxy holds " + held + " bytes, its pipe at most " + SplicePair.PIPE_SIZE);
                assertArrayEquals(sum(data), drain(reader.getInputStream()), "every byte, once the reader reads");
                sending.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsTheTargetBackWithOnlyThePipeAsBuffer() throws Exception {
        slowReader(true);
    }

    @Test
    void aTargetThatDoesNotReadHoldsTheClientBackWithOnlyThePipeAsBuffer() throws Exception {
        slowReader(false);
    }

    @Test
    void aRefusedTargetClosesTheClientAndLeavesNothingOpen() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        int proxyPort = startProxy(closedPort);
        long baseline = -1;
        for (int i = 0; i < 11; i++) {
            try (Socket c = new Socket("127.0.0.1", proxyPort)) {
                c.setSoTimeout(10_000);
                c.getOutputStream().write("hello".getBytes());
                int r;
                try {
                    r = c.getInputStream().read();
                } catch (SocketException reset) {
                    r = -1;
                }
                assertEquals(-1, r, "the proxy closes the client");
            }
            if (i == 0) {
                awaitNoOpenPairs(); // the first resolve opened what LAIO opens once
                Thread.sleep(100);
                baseline = ProxyServerTest.openDescriptors();
            }
        }
        awaitNoOpenPairs();
        awaitDescriptors(baseline);
        assertEquals(11, proxy.connections());
    }

    @Test
    void aResetMidStreamClosesBothSidesAndLeavesNothingOpen() throws Exception {
        int proxyPort = startProxy(target());
        warmUp();
        long baseline = ProxyServerTest.openDescriptors();
        for (boolean clientResets : new boolean[] {true, false}) {
            Socket c = new Socket("127.0.0.1", proxyPort);
            Socket t = targetListener.accept();
            Socket resetter = clientResets ? c : t;
            Socket survivor = clientResets ? t : c;
            survivor.setSoTimeout(20_000);
            // bytes in flight both ways, then an abortive close (RST) on one side
            byte[] chunk = random(256 * 1024, 7);
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = survivor.getOutputStream();
                    while (true) {
                        out.write(chunk);
                    }
                } catch (Exception closed) {
                    // the proxy closed it: what the test waits for
                }
            }, PEERS);
            resetter.getOutputStream().write(chunk);
            resetter.getInputStream().readNBytes(1000);
            resetter.setSoLinger(true, 0);
            resetter.close();
            try {
                drain(survivor.getInputStream()); // end-of-file or a reset: the proxy closed the other side
            } catch (SocketException reset) {
                // as good
            }
            flood.get(20, TimeUnit.SECONDS);
            survivor.close();
            awaitNoOpenPairs();
        }
        awaitDescriptors(baseline);
    }

    /** Reads until end-of-file or a reset: the bytes read, or -1 for a reset; a read that times out throws. */
    private static long readToEnd(Socket s) {
        try {
            return drain(s.getInputStream())[0];
        } catch (java.net.SocketTimeoutException stuck) {
            throw new RuntimeException("no end within the read timeout", stuck);
        } catch (Exception reset) {
            return -1; // a reset is an end as good
        }
    }

    @Test
    void closingTheProxyWithTransfersInFlightEndsEveryPeerAndLeavesNothingOpen() throws Exception {
        int proxyPort = startProxy(target());
        warmUp();
        long baseline = ProxyServerTest.openDescriptors();
        int n = 4;
        List<Socket> peers = new ArrayList<>();
        List<CompletableFuture<Void>> floods = new ArrayList<>();
        byte[] chunk = random(64 * 1024, 8);
        for (int i = 0; i < n; i++) {
            Socket c = new Socket("127.0.0.1", proxyPort);
            Socket t = targetListener.accept();
            peers.add(c);
            peers.add(t);
        }
        for (Socket s : peers) {
            s.setSoTimeout(20_000);
            // both ways, nobody reading: the pipes fill and stay full
            floods.add(CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    while (true) {
                        out.write(chunk);
                    }
                } catch (Exception closed) {
                    // the proxy closed the connection: what the test waits for
                }
            }, PEERS));
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (onLoop(proxy::bufferedBytes) < 2L * n * SplicePair.PIPE_SIZE / 2) {
            assertTrue(System.nanoTime() < deadline, "the pipes never filled: " + onLoop(proxy::bufferedBytes));
            Thread.sleep(20);
        }
        assertEquals(n, onLoop(proxy::openPairs));
        onLoop(() -> {
            proxy.close();
            return null;
        });
        assertEquals(0, onLoop(proxy::openPairs), "closed at once, with bytes in its pipes");
        assertEquals(0L, onLoop(proxy::bufferedBytes));
        List<CompletableFuture<Long>> ends = new ArrayList<>();
        for (Socket s : peers) {
            ends.add(CompletableFuture.supplyAsync(() -> readToEnd(s), PEERS));
        }
        for (CompletableFuture<Long> e : ends) {
            e.get(30, TimeUnit.SECONDS); // each peer sees its end (a read that timed out throws here)
        }
        for (CompletableFuture<Void> f : floods) {
            f.get(30, TimeUnit.SECONDS); // and no writer is held back forever
        }
        for (Socket s : peers) {
            s.close();
        }
        // the listener is gone with the proxy; every socket and pipe of the pairs too
        awaitDescriptors(baseline - 1);
    }

    @Test
    void tlsWithSpliceIsRefusedInOneLine() {
        StringWriter err = new StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("proxy", "--listen", "0", "--to", "127.0.0.1:9", "--io", "splice", "--tls",
                "no-such.p12"), err::toString);
        assertTrue(err.toString().contains("--tls needs --io buffered"), err::toString);
    }
}
