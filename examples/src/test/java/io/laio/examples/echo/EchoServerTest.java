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

import com.sun.management.UnixOperatingSystemMXBean;
import io.laio.event.EventBase;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(60)
class EchoServerTest {

    private static long[] echoOnLoops(boolean handOff) throws Exception {
        io.laio.event.EventLoopGroup group = io.laio.event.EventLoopGroup.create(2);
        try {
            java.util.List<EchoServer> servers = EchoServer.onLoops(group, new InetSocketAddress("127.0.0.1", 0), handOff);
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", servers.get(0).port());
            for (int i = 0; i < 40; i++) {
                try (Socket s = new Socket(addr.getAddress(), addr.getPort())) {
                    s.getOutputStream().write(i);
                    assertEquals(i, s.getInputStream().read(), "echoed by whichever loop took it");
                }
            }
            long[] perLoop = {servers.get(0).connections(), servers.get(1).connections()};
            EchoServer.closeAll(group, servers);
            return perLoop;
        } finally {
            group.close();
        }
    }

    @Test
    void connectionsLandOnEveryLoopThroughReusePortListeners() throws Exception {
        long[] perLoop = echoOnLoops(false);
        assertEquals(40, perLoop[0] + perLoop[1]);
        assertTrue(perLoop[0] > 0 && perLoop[1] > 0, "both loops served: " + java.util.Arrays.toString(perLoop));
    }

    @Test
    void theAcceptorHandsConnectionsToTheLoopsInTurn() throws Exception {
        assertArrayEquals(new long[] {20, 20}, echoOnLoops(true));
    }


    @Test
    void tenThousandLoopbackConnectionsAreAcceptedAndEchoedOnOneLoop() throws Exception {
        long maxFds = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        // each connection costs two descriptors here (client and server side, one process)
        int n = (int) Math.min(10_000, (maxFds - 512) / 2);
        Assumptions.assumeTrue(n >= 1_000, "descriptor limit " + maxFds + " too low for this test");
        if (n < 10_000) {
            LoggerFactory.getLogger(EchoServerTest.class)
                    .info("descriptor limit {} allows {} connection pairs in one process (not 10,000)", maxFds, n);
        }
        try (EventBase base = EventBase.create(); EchoServer server = new EchoServer(base, new InetSocketAddress("127.0.0.1", 0))) {
            Thread loop = Thread.ofPlatform().start(base::dispatch);
            SocketChannel[] clients = new SocketChannel[n];
            try {
                InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.port());
                for (int i = 0; i < n; i++) {
                    clients[i] = SocketChannel.open(addr);
                }
                ByteBuffer b = ByteBuffer.allocate(4);
                for (int i = 0; i < n; i++) {
                    b.clear().putInt(i).flip();
                    clients[i].write(b);
                }
                for (int i = 0; i < n; i++) {
                    b.clear();
                    while (b.hasRemaining()) {
                        if (clients[i].read(b) < 0) {
                            throw new AssertionError("connection " + i + " closed early");
                        }
                    }
                    assertEquals(i, b.flip().getInt());
                }
            } finally {
                for (var c : clients) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
            base.execute(base::loopBreak);
            loop.join();
            assertEquals(n, server.connections());
        }
    }

    @Test
    void everyByteComesBackIncludingALargeWriteThatNeedsBackPressure() throws Exception {
        try (EventBase base = EventBase.create(); EchoServer server = new EchoServer(base, new InetSocketAddress("127.0.0.1", 0))) {
            Thread loop = Thread.ofPlatform().start(base::dispatch);
            byte[] payload = new byte[4 * 1024 * 1024];
            new Random(1).nextBytes(payload);
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                Thread writer = Thread.ofPlatform().start(() -> {
                    try {
                        out.write(payload);
                        out.flush();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                byte[] back = in.readNBytes(payload.length);
                writer.join();
                assertArrayEquals(payload, back);
            }
            base.execute(base::loopBreak);
            loop.join();
            assertEquals(1, server.connections());
        }
    }

    private static long openDescriptors() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Two loops of either echo server with clients connected; closes the servers and ends the group; how long that took. */
    private static long echoAndClose(boolean buffered, boolean handOff, int clients) throws Exception {
        io.laio.event.EventLoopGroup group = io.laio.event.EventLoopGroup.builder().loops(2).threadName("echo-close")
                .backend(buffered ? "epoll" : null).build();
        java.util.List<Socket> connected = new java.util.ArrayList<>();
        try {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", 0);
            Runnable closeAll;
            int port;
            if (buffered) {
                java.util.List<BufferedEchoServer> servers = BufferedEchoServer.onLoops(group, at, handOff, null);
                closeAll = () -> BufferedEchoServer.closeAll(group, servers);
                port = servers.get(0).port();
            } else {
                java.util.List<EchoServer> servers = EchoServer.onLoops(group, at, handOff);
                closeAll = () -> EchoServer.closeAll(group, servers);
                port = servers.get(0).port();
            }
            for (int i = 0; i < clients; i++) {
                Socket c = new Socket("127.0.0.1", port);
                c.setSoTimeout(5_000);
                connected.add(c);
                c.getOutputStream().write(i);
                assertEquals(i, c.getInputStream().read());
            }
            long t0 = System.nanoTime();
            closeAll.run();
            group.shutdownGracefully(java.time.Duration.ZERO, java.time.Duration.ofSeconds(10));
            for (Socket c : connected) {
                assertEquals(-1, c.getInputStream().read(), "the server closed the connection");
            }
            assertTrue(group.awaitTermination(java.time.Duration.ofSeconds(30)));
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        } finally {
            for (Socket c : connected) {
                c.close();
            }
            group.close();
        }
    }

    /**
     * Closing the servers closes the connections still open on every loop: their clients see
     * the end, every loop ends at once (not at the shutdown's timeout), and no descriptor of
     * theirs is left behind. Before, a connected client kept its loop to the timeout and its
     * socket open for good.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "buffered {0}, hand-off {1}")
    @org.junit.jupiter.params.provider.CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void closingTheServersEndsTheConnectionsStillOpenOnEveryLoop(boolean buffered, boolean handOff) throws Exception {
        echoAndClose(buffered, handOff, 0); // loads what the JDK keeps open for good
        long fds = openDescriptors();
        long ms = echoAndClose(buffered, handOff, 6);
        assertTrue(ms < 5_000, "the loops ended at once, not at the timeout: " + ms + " ms");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (openDescriptors() > fds && System.nanoTime() < deadline) {
            Thread.sleep(20); // a background close may still be on its way
        }
        assertEquals(fds, openDescriptors(), "every connection's socket closed");
    }

    /**
     * A second echo group on the port another's {@code SO_REUSEPORT} listeners hold fails as on
     * a plain listener's port, instead of quietly sharing its connections.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "buffered {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aSecondGroupOnTheReusePortOfARunningOneIsRefused(boolean buffered) throws Exception {
        try (io.laio.event.EventLoopGroup a = io.laio.event.EventLoopGroup.builder().loops(2).threadName("echo-first")
                        .backend(buffered ? "epoll" : null).build();
                io.laio.event.EventLoopGroup b = io.laio.event.EventLoopGroup.builder().loops(2).threadName("echo-second")
                        .backend(buffered ? "epoll" : null).build()) {
            InetSocketAddress any = new InetSocketAddress("127.0.0.1", 0);
            if (buffered) {
                java.util.List<BufferedEchoServer> first = BufferedEchoServer.onLoops(a, any, false, null);
                InetSocketAddress same = new InetSocketAddress("127.0.0.1", first.get(0).port());
                java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> BufferedEchoServer.onLoops(b, same, false, null));
                assertTrue(refused.getMessage().contains("in use"), refused.toString());
                BufferedEchoServer.closeAll(a, first);
            } else {
                java.util.List<EchoServer> first = EchoServer.onLoops(a, any, false);
                InetSocketAddress same = new InetSocketAddress("127.0.0.1", first.get(0).port());
                java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> EchoServer.onLoops(b, same, false));
                assertTrue(refused.getMessage().contains("in use"), refused.toString());
                EchoServer.closeAll(a, first);
            }
        }
    }

    @Test
    void theEchoCommandPrintsItsPortAndEchoes() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.laio.examples.Main", "echo", "--port", "0").redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = r.readLine();
            assertTrue(line != null && line.startsWith("listening on "), "first line: " + line);
            int port = Integer.parseInt(line.substring("listening on ".length()).trim());
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals("ping\n".getBytes(StandardCharsets.US_ASCII), s.getInputStream().readNBytes(5));
            }
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
