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

package io.laio.event.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.event.spi.ReadySink;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What only the selector backend does (TCP, UNIX-domain and datagram channels, NIO's refusals,
 * closed channels); what every backend does is in {@link NioBackendContractTest}.
 */
@Timeout(60)
class NioBackendTest {
    private EventBase base;
    private final List<String> log = new ArrayList<>();

    /** A callback that throws (an IOException wrapped) would only be logged by the loop: it reports here. */
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @BeforeEach
    void setUp() {
        base = EventBase.create();
        base.setUncaughtHandler(failures.uncaughtHandler());
        base.loopExit(Duration.ofSeconds(30)); // hang guard only
    }

    @AfterEach
    void tearDown() {
        base.close();
        failures.assertNone();
    }

    @Test
    void eventBaseCreatePicksTheNioBackendThroughServiceLoader() {
        assertEquals("nio", base.backendName());
    }

    @Test
    void registeringABlockingChannelSwitchesItToNonBlockingMode() throws Exception {
        Pipe pipe = Pipe.open();
        try (var src = pipe.source(); var snk = pipe.sink()) {
            assertTrue(src.isBlocking());
            Event ev = Event.set(base, src, Ev.READ, (e, w, a) -> { }, null);
            ev.add();
            assertFalse(src.isBlocking(), "registering switched it to non-blocking mode");
            ev.del();
        }
    }

    @Test
    void tcpAcceptReadAndWriteEachFireTheirEvent() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel client = SocketChannel.open()) {
            SocketChannel[] accepted = new SocketChannel[1];
            Event acceptEv = Event.set(base, server, Ev.READ, (e, w, a) -> {
                try {
                    accepted[0] = server.accept();
                    log.add("accept");
                    accepted[0].configureBlocking(false);
                    Event.set(base, accepted[0], Ev.READ, (e2, w2, a2) -> {
                        ByteBuffer b = ByteBuffer.allocate(16);
                        try {
                            accepted[0].read(b);
                        } catch (IOException x) {
                            throw new RuntimeException(x);
                        }
                        log.add("read " + b.position());
                        base.loopBreak();
                    }, null).add();
                } catch (IOException x) {
                    throw new RuntimeException(x);
                }
            }, null);
            acceptEv.add();
            client.configureBlocking(false);
            client.connect(server.getLocalAddress());
            Event connectEv = Event.set(base, client, Ev.WRITE, (e, w, a) -> {
                try {
                    client.finishConnect();
                    client.write(ByteBuffer.wrap("hello".getBytes()));
                    log.add("connected+wrote");
                } catch (IOException x) {
                    throw new RuntimeException(x);
                }
            }, null);
            connectEv.add();
            base.dispatch();
            assertTrue(log.contains("accept") && log.contains("connected+wrote") && log.contains("read 5"), log.toString());
            accepted[0].close();
        }
    }

    @Test
    void unixDomainAndDatagramChannelsWork() throws Exception {
        Path sock = Files.createTempDirectory("laio-nio").resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(sock));
                SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(sock));
                DatagramChannel udpA = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                DatagramChannel udpB = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            assertTrue(client.isConnected(), "the UNIX-domain connect is pending on the server");
            Event.set(base, server, Ev.READ, (e, w, a) -> log.add("unix-accept"), null).add();
            Event.set(base, udpB, Ev.READ, (e, w, a) -> log.add("udp-read"), null).add();
            udpA.send(ByteBuffer.wrap(new byte[] {7}), udpB.getLocalAddress());
            base.once(null, Ev.TIMEOUT, (e, w, a) -> base.loopBreak(), null, Duration.ofSeconds(10));
            Event stopper = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
                if (log.size() == 2) {
                    base.loopBreak();
                }
            }, null);
            stopper.add(Duration.ofMillis(5));
            base.dispatch();
            assertTrue(log.containsAll(List.of("unix-accept", "udp-read")), log.toString());
        } finally {
            Files.deleteIfExists(sock);
        }
    }

    @Test
    void readAndWriteEventsOnOneChannelShareOneKeyAndFireIndependently() throws Exception {
        try (var pair = SocketPair.open()) {
            Event r = Event.set(base, pair.a, Ev.READ | Ev.PERSIST, (e, w, a) -> log.add("r"), null);
            Event wv = Event.set(base, pair.a, Ev.WRITE, (e, w, a) -> log.add("w"), null);
            r.add();
            wv.add();
            base.loop(Ev.LOOP_ONCE); // writable at once: only the write event fires
            assertEquals(List.of("w"), log);
            pair.b.write(ByteBuffer.wrap(new byte[] {1}));
            base.loop(Ev.LOOP_ONCE);
            assertEquals(List.of("w", "r"), log);
            assertTrue(r.pending(Ev.READ));
            r.del();
        }
    }

    @Test
    void aPersistentReadWithATimeoutReportsTimeoutWhileIdleAndRestartsAfterActivity() throws Exception {
        try (var pair = SocketPair.open()) {
            Event ev = Event.set(base, pair.a, Ev.READ | Ev.PERSIST, (e, w, a) -> {
                log.add(Ev.toString(w));
                if ((w & Ev.READ) != 0) {
                    drain(pair.a);
                }
                if (log.size() == 3) {
                    e.del();
                }
            }, null);
            ev.add(Duration.ofMillis(30));
            base.loop(Ev.LOOP_ONCE);
            pair.b.write(ByteBuffer.wrap(new byte[] {1}));
            base.loop(Ev.LOOP_ONCE);
            base.loop(Ev.LOOP_ONCE);
            assertEquals(List.of("TIMEOUT", "READ", "TIMEOUT"), log);
        }
    }

    @Test
    void aChannelClosedWhileItsEventIsPendingNeverFiresAndTheLoopEnds() throws Exception {
        EventBase own = EventBase.create();
        try (var pair = SocketPair.open()) {
            Event ev = Event.set(own, pair.a, Ev.READ | Ev.PERSIST, (e, w, a) -> log.add("fired"), null);
            ev.add();
            pair.a.close();
            long t0 = System.nanoTime();
            assertEquals(1, own.dispatch(), "no event pending any more: dispatch returns 1");
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
            assertFalse(ev.pending(Ev.READ));
            assertTrue(log.isEmpty());
        } finally {
            own.close();
        }
    }

    @Test
    void addingAClosedChannelFailsWithAClearErrorAndLeavesNothingPending() throws Exception {
        Pipe pipe = Pipe.open();
        pipe.source().close();
        pipe.sink().close();
        Event ev = Event.set(base, pipe.source(), Ev.READ, (e, w, a) -> { }, null);
        assertThrows(java.io.UncheckedIOException.class, ev::add);
        assertFalse(ev.pending(Ev.READ));
    }

    @Test
    void closedAloneAndEdgeTriggeredAreRefusedClearly() throws Exception {
        try (var pair = SocketPair.open()) {
            Event closedOnly = Event.set(base, pair.a, Ev.CLOSED, (e, w, a) -> { }, null);
            UnsupportedOperationException e1 = assertThrows(UnsupportedOperationException.class, closedOnly::add);
            assertTrue(e1.getMessage().contains("CLOSED"));
            Event et = Event.set(base, pair.a, Ev.READ | Ev.ET, (e, w, a) -> { }, null);
            UnsupportedOperationException e2 = assertThrows(UnsupportedOperationException.class, et::add);
            assertTrue(e2.getMessage().contains("ET"));
        }
    }

    @Test
    void aWakeUpThatReachedTheOldSelectorDuringARebuildWakesTheNextPollOnTheNewOne() throws Exception {
        // the window: a producer's wakeup() lands after the last select returned and before the
        // rebuild swapped the selector; the wake-up belongs to the next poll, on the new selector
        NioBackend backend = new NioBackend();
        try {
            ReadySink none = new ReadySink() {
                @Override
                public void ready(Object attachment, int events) {
                }

                @Override
                public void invalid(Object attachment) {
                }
            };
            backend.wakeup();
            backend.rebuildSelector();
            long t0 = System.nanoTime();
            backend.poll(Duration.ofSeconds(10).toNanos(), none);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 5_000, "the poll after the rebuild slept " + ms + " ms: the wake-up was lost with the old selector");
        } finally {
            backend.close();
        }
    }

    @Test
    void lateSelectorWakeUpsBetweenWokenPollsNeverRebuildTheSelector() throws Exception {
        // a producer sets wokenUp, the loop reads and clears it, then the producer's
        // Selector.wakeup() lands: the next select returns at once, empty, unflagged. Under a
        // stream of cross-thread wake-ups this recurs, but never many times in a row.
        NioBackend backend = new NioBackend();
        try {
            java.nio.channels.Selector first = backend.selector();
            for (int i = 0; i < 2 * NioBackend.SPIN_REBUILD_THRESHOLD; i++) {
                backend.wakeup();
                backend.poll(Duration.ofSeconds(10).toNanos(), NONE); // woken
                backend.selector().wakeup(); // the late half of a wake-up whose flag was consumed
                backend.poll(Duration.ofSeconds(10).toNanos(), NONE); // returns at once, empty
            }
            assertSame(first, backend.selector(), "rebuilt with no spin: the warning would be a false alarm");
        } finally {
            backend.close();
        }
    }

    @Test
    void selectsReturningEarlyAndEmptyManyTimesInARowRebuildTheSelector() throws Exception {
        NioBackend backend = new NioBackend();
        try {
            java.nio.channels.Selector first = backend.selector();
            for (int i = 0; i < NioBackend.SPIN_REBUILD_THRESHOLD; i++) {
                backend.selector().wakeup(); // the selector returns at once, as under the JDK bug
                backend.poll(Duration.ofSeconds(10).toNanos(), NONE);
            }
            assertNotSame(first, backend.selector(), "a real spin rebuilds the selector");
        } finally {
            backend.close();
        }
    }

    private static final ReadySink NONE = new ReadySink() {
        @Override
        public void ready(Object attachment, int events) {
        }

        @Override
        public void invalid(Object attachment) {
        }
    };

    static void drain(SocketChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(256);
            while (ch.read(b) > 0) {
                b.clear();
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** A connected pair of loopback TCP sockets, non-blocking. */
    static final class SocketPair implements AutoCloseable {
        final SocketChannel a;
        final SocketChannel b;

        private SocketPair(SocketChannel a, SocketChannel b) {
            this.a = a;
            this.b = b;
        }

        static SocketPair open() throws IOException {
            try (ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
                SocketChannel a = SocketChannel.open(s.getLocalAddress());
                SocketChannel b = s.accept();
                a.configureBlocking(false);
                b.configureBlocking(false);
                return new SocketPair(a, b);
            }
        }

        @Override
        public void close() throws IOException {
            a.close();
            b.close();
        }
    }
}
