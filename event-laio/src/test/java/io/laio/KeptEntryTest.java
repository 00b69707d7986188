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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.event.spi.Loops;
import io.laio.internal.Native;
import io.laio.internal.epoll.EpollBackend;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LaioConfig.Builder#closesThroughLaio}: on an epoll base, a socket that laio accepted on
 * the loop thread keeps its entry in the loop's epoll between socket waits, so a keep-alive
 * connection's waits cost no {@code epoll_ctl}; and a close through laio (on the loop or on
 * another thread) deletes the entry, so the number's next file — opened by anyone — is watched
 * again, and a file that outlives the number (shared with another descriptor) does not go on
 * reporting under it.
 */
@Timeout(60)
class KeptEntryTest {
    private final CrossThreadFailures failures = new CrossThreadFailures();
    private EventBase base;
    private Laio laio;
    private EpollBackend epoll;
    private Arena arena;
    private MemorySegment buf;
    private int listener = -1;
    private SocketChannel client;
    /** The accepted connection's number (laio made it on the loop thread). */
    private int conn = -1;

    private void open(boolean promise) throws IOException {
        base = EventBase.create("epoll");
        base.setUncaughtHandler(failures.uncaughtHandler());
        laio = Laio.attach(base, LaioConfig.builder().closesThroughLaio(promise).build());
        epoll = Loops.backend(base, EpollBackend.class);
        arena = Arena.ofShared();
        buf = arena.allocate(64);
        MemorySegment addr = arena.allocate(16);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) 2); // AF_INET, port 0 (any)
        addr.set(ValueLayout.JAVA_BYTE, 4, (byte) 127);
        addr.set(ValueLayout.JAVA_BYTE, 7, (byte) 1);
        MemorySegment len = arena.allocate(4);
        len.set(ValueLayout.JAVA_INT, 0, 16);
        onLoop(() -> {
            listener = (int) laio.syscall(Sys.SYS_socket, 2, 1 | 0x800 | 0x80000, 0, 0, 0, 0); // SOCK_STREAM|NONBLOCK|CLOEXEC
            assertTrue(listener >= 0, "socket: " + Errno.name(Laio.errno()));
            assertEquals(0, laio.syscall(Sys.SYS_bind, listener, addr.address(), 16, 0, 0, 0));
            assertEquals(0, laio.syscall(Sys.SYS_listen, listener, 16, 0, 0, 0, 0));
            assertEquals(0, laio.syscall(Sys.SYS_getsockname, listener, addr.address(), len.address(), 0, 0, 0));
        });
        int port = Short.toUnsignedInt(Short.reverseBytes(addr.get(ValueLayout.JAVA_SHORT, 2)));
        client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port)); // queued: the accept below is inline
        onLoop(() -> {
                conn = (int) laio.syscall(Sys.SYS_accept4, listener, 0, 0, 0x800 | 0x80000, 0, 0);
                assertTrue(conn >= 0, "accept4: " + Errno.name(Laio.errno()));
        });
    }

    @BeforeEach
    void none() {
        base = null;
    }

    @AfterEach
    void close() throws IOException {
        try {
            if (client != null) {
                client.close();
            }
            if (base != null) {
                if (conn >= 0) {
                    onLoop(() -> laio.close(conn));
                }
                onLoop(() -> laio.close(listener));
                laio.close();
                base.close();
                arena.close();
            }
        } finally {
            failures.assertNone();
        }
    }

    /** Runs {@code r} on the loop thread, the loop driven by this one until it ran. */
    private void onLoop(Runnable r) {
        boolean[] ran = {false};
        base.execute(() -> {
            try {
                r.run();
            } finally {
                ran[0] = true;
                base.loopBreak(); // a task is no event: LOOP_ONCE would go on waiting for one
            }
        });
        loopUntil(() -> ran[0]);
    }

    /** Runs the loop until {@code done}; fails after 10 s. */
    private void loopUntil(BooleanSupplier done) {
        SharedDescriptorTest.loopUntil(base, done);
        assertTrue(done.getAsBoolean(), "not done after 10 s: a wait was never reported");
    }

    /** Runs the loop for {@code ms} milliseconds. */
    private void loopFor(long ms) {
        boolean[] over = {false};
        Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> over[0] = true, null).add(Duration.ofMillis(ms));
        while (!over[0]) {
            base.loop(Ev.LOOP_ONCE);
        }
    }

    /** Loop thread: a receive of up to 64 bytes on {@code fd}, inline or as an {@code Ev.LAIO} completion, into {@code got}. */
    private void receive(int fd, long[] got) {
        long r = laio.syscall(Sys.SYS_recvfrom, fd, buf.address(), 64, 0, 0, 0);
        if (r >= 0) {
            got[0] = r;
            return;
        }
        assertEquals(Errno.EINPROGRESS, Laio.errno(), "the receive waits");
        Event.set(base, laio.gethandle(), Ev.LAIO, (ev, w, a) -> got[0] = ev.result(), null).add();
    }

    /** One request/response round whose receive waits: issued first, then the client writes. */
    private void waitedRound(int fd) throws IOException {
        long[] got = {-2};
        onLoop(() -> receive(fd, got));
        assertEquals(-2, got[0], "nothing sent yet: the receive waits");
        client.write(ByteBuffer.wrap(new byte[] {7}));
        loopUntil(() -> got[0] != -2);
        assertEquals(1, got[0]);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void keepAliveWaitsCostNoEpollCtlWithThePromiseAndOneEachWithout(boolean promise) throws IOException {
        open(promise);
        waitedRound(conn); // the first wait adds the entry
        long[] before = new long[1];
        onLoop(() -> before[0] = epoll.ctls());
        for (int i = 0; i < 20; i++) {
            waitedRound(conn);
        }
        long[] after = new long[1];
        onLoop(() -> after[0] = epoll.ctls());
        if (promise) {
            assertEquals(0, after[0] - before[0], "a kept entry is armed once");
        } else {
            assertTrue(after[0] - before[0] >= 20, "one-shot entries re-arm per wait: " + (after[0] - before[0]));
        }
    }

    /**
     * A server with more than 65,536 descriptors: its connections' numbers are kept as a low
     * one's (the kept-number table used to end there, and every wait above it cost an
     * {@code epoll_ctl}), and their socket kind is learned. The numbers below are filled with
     * descriptors of /dev/null first, so that the listener and the connection get numbers above;
     * the soft {@code RLIMIT_NOFILE} is raised to the hard one for it if needed.
     */
    @Test
    void aConnectionAcceptedAboveSixtyFiveThousandKeepsItsEntry() throws IOException {
        int above = 70_000;
        MemorySegment rlimit = Arena.ofAuto().allocate(16, 8);
        Native.sys(Sys.SYS_prlimit64, 0, 7 /* RLIMIT_NOFILE */, 0, rlimit.address());
        long soft = rlimit.get(ValueLayout.JAVA_LONG, 0);
        long hard = rlimit.get(ValueLayout.JAVA_LONG, 8);
        Assumptions.assumeTrue(hard < 0 || hard > above + 1024,
                "the hard RLIMIT_NOFILE is " + hard + ": no descriptor number above " + above + " in this process");
        boolean raised = soft >= 0 && soft <= above + 1024;
        if (raised) {
            rlimit.set(ValueLayout.JAVA_LONG, 0, hard);
            Native.sys(Sys.SYS_prlimit64, 0, 7, rlimit.address(), 0);
        }
        java.util.List<Integer> fillers = new java.util.ArrayList<>();
        try {
            int devNull = Native.openRead("/dev/null");
            fillers.add(devNull);
            while (fillers.getLast() < above) {
                fillers.add((int) Native.sys(Sys.SYS_dup, devNull)); // the lowest free number each time
            }
            open(true);
            Assumptions.assumeTrue(conn > 1 << 16, "another thread closed a number below, which the connection took: " + conn);
            waitedRound(conn); // the first wait adds the entry
            assertTrue(epoll.keeps(conn), "number " + conn + " is kept");
            long[] before = new long[1];
            onLoop(() -> before[0] = epoll.ctls());
            for (int i = 0; i < 5; i++) {
                waitedRound(conn);
            }
            long[] after = new long[1];
            onLoop(() -> after[0] = epoll.ctls());
            assertEquals(0, after[0] - before[0], "a kept entry above 65,536 is armed once");
            assertEquals(Boolean.TRUE, laio.router.probe.history.knownStream(conn), "its socket kind is known from its listener");
        } finally {
            for (int fd : fillers) {
                Native.close(fd);
            }
            if (raised) {
                rlimit.set(ValueLayout.JAVA_LONG, 0, soft);
                Native.sys(Sys.SYS_prlimit64, 0, 7, rlimit.address(), 0); // the numbers above stay open; new ones obey it
            }
        }
    }

    /**
     * A kept number closed through laio — on the loop, on another thread, or through another
     * loop's Laio (a socket handed there) — and reused by a file laio did not make: the loop that
     * made it watches the new file.
     */
    @ParameterizedTest
    @ValueSource(strings = {"on the loop", "on another thread", "through another loop's Laio"})
    void aNumberClosedThroughLaioAndReusedByAFileLaioDidNotMakeIsWatchedAgain(String how) throws IOException {
        open(true);
        waitedRound(conn); // the kept entry is armed
        assertTrue(epoll.keeps(conn));
        int number = conn;
        int[] pair = SocketWaiterTest.socketPair(); // before the close: the pair must not take the number
        try (EventBase other = EventBase.create("epoll"); Laio otherLaio = Laio.attach(other)) {
            switch (how) {
                case "on the loop" -> onLoop(() -> assertEquals(0, laio.close(number)));
                case "on another thread" -> assertEquals(0, laio.close(number)); // the loop learns at the next wait
                default -> assertEquals(0, otherLaio.close(number));
            }
            conn = -1;
            assertFalse(epoll.keeps(number), "closed through laio: no longer kept");
            assertEquals(number, Native.sys(Sys.SYS_dup2, pair[0], number), "the number names a file laio did not make");
            long[] got = {-2};
            onLoop(() -> receive(number, got));
            Native.writeByte(pair[1], (byte) 9);
            loopUntil(() -> got[0] != -2);
            assertEquals(1, got[0], "the wait on the new file under the old number completes");
            assertEquals(9, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(number);
            Native.close(pair[0]);
            Native.close(pair[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFileThatOutlivesItsNumberStopsReportingUnderItWhenLaioClosesTheNumber(boolean closeOnLoop) throws IOException {
        open(true);
        waitedRound(conn);
        int shared = (int) Native.sys(Sys.SYS_dup, conn); // the connection's file, under a second number
        try {
            int number = conn;
            if (closeOnLoop) {
                onLoop(() -> assertEquals(0, laio.close(number)));
            } else {
                assertEquals(0, laio.close(number));
            }
            conn = -1;
            client.write(ByteBuffer.wrap(new byte[] {1})); // the file is readable, and stays so: nobody reads
            long[] waits = new long[2];
            onLoop(() -> waits[0] = epoll.waits());
            loopFor(300);
            onLoop(() -> waits[1] = epoll.waits());
            assertTrue(waits[1] - waits[0] < 20, "the loop slept; it did not wake for an entry reporting for nobody: "
                    + (waits[1] - waits[0]) + " waits in 300 ms");
        } finally {
            Native.close(shared);
        }
    }

    @Test
    void anApplicationEventOnAKeptNumberStaysLevelTriggeredAndAnEntryReportingForNobodyIsDisarmed() throws IOException {
        open(true);
        waitedRound(conn);
        int[] calls = {0};
        Event ev = Event.set(base, new Descriptor(conn), Ev.READ | Ev.PERSIST, (e, w, a) -> calls[0]++, null);
        ev.add();
        client.write(ByteBuffer.wrap(new byte[] {1, 2}));
        loopUntil(() -> calls[0] >= 5); // nobody reads: reported in every pass
        ev.del();
        long[] waits = new long[2];
        onLoop(() -> waits[0] = epoll.waits());
        loopFor(300);
        onLoop(() -> waits[1] = epoll.waits());
        assertTrue(waits[1] - waits[0] < 20, "a readable kept entry with no event is disarmed, not reported in every wait: "
                + (waits[1] - waits[0]) + " waits in 300 ms");
        int before = calls[0];
        ev.add();
        loopUntil(() -> calls[0] > before); // re-armed: the bytes are still there
        ev.del();
        long[] got = {-2};
        onLoop(() -> receive(conn, got));
        loopUntil(() -> got[0] != -2);
        assertEquals(2, got[0]);
    }

    @Test
    void bytesThatArriveAfterADrainingReceiveAndBeforeTheNextWaitAreDelivered() throws IOException {
        open(true);
        long[] second = {-2};
        long[] first = {-2};
        onLoop(() -> receive(conn, first));
        client.write(ByteBuffer.wrap(new byte[] {1}));
        loopUntil(() -> first[0] != -2);
        assertEquals(1, first[0]); // short: the socket is drained, so the next receive skips its probe
        onLoop(() -> {
            try {
                client.write(ByteBuffer.wrap(new byte[] {2, 3})); // before the next receive
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            receive(conn, second);
        });
        loopUntil(() -> second[0] != -2);
        assertEquals(2, second[0]);
    }
}
