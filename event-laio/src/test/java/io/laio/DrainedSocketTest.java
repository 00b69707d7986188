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
import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On an epoll base, a receive whose stream socket was drained by the last receive goes to its
 * socket wait without the {@code MSG_DONTWAIT} probe that would have answered EAGAIN: a
 * request/response connection pays one {@code recvfrom} per request less. Every guess that can
 * be wrong — bytes that came after the short read, a number closed behind laio's back and reused
 * — costs at most a loop pass, never the call. Real sockets, on the loop thread.
 */
@Timeout(60)
class DrainedSocketTest {
    private static final long PENDING = Long.MIN_VALUE;
    private static final long AF_INET = 2;
    private static final long SOCK_STREAM_CLOEXEC = 1 | 0x80000;
    private static final long SOCK_DGRAM_CLOEXEC = 2 | 0x80000;

    private final CrossThreadFailures failures = new CrossThreadFailures();
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void noFailureOnTheLoop() {
        failures.assertNone();
        arena.close();
    }

    /** A receive's outcome: inline, or delivered to an LAIO event. */
    private static final class Outcome {
        long result = PENDING;
        int errno;
        boolean inline;
    }

    private EventBase epollBase() {
        EventBase base = EventBase.create("epoll");
        base.setUncaughtHandler(failures.uncaughtHandler());
        return base;
    }

    /** Runs {@code task} on the loop thread, in one pass that does not wait. */
    private static void onLoop(EventBase base, Runnable task) {
        base.execute(task);
        base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
    }

    /** Loop thread: a {@code recvfrom} of {@code len} bytes into {@code buf}; a background one is delivered to an event. */
    private static Outcome recv(EventBase base, Laio laio, int fd, MemorySegment buf, long len, long flags) {
        Outcome o = new Outcome();
        long r = laio.syscall(Sys.SYS_recvfrom, fd, buf.address(), len, flags, 0, 0);
        if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
            Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                o.result = ev.result();
                o.errno = ev.error();
            }, null).add();
        } else {
            o.result = r;
            o.errno = Laio.errno();
            o.inline = true;
        }
        return o;
    }

    /** Loops until {@code o} is delivered (at most 20 s). */
    private static void await(EventBase base, Outcome o) {
        Event limit = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null);
        limit.add(Duration.ofSeconds(20));
        while (o.result == PENDING && !base.gotBreak()) {
            base.loop(Ev.LOOP_ONCE);
        }
        limit.del();
        assertTrue(o.result != PENDING, "the receive was never delivered");
    }

    /**
     * Runs passes that never wait until {@code o} is delivered, at most three: the epoll wait that
     * reports the socket, the retry's completion reaching its event. Delivered in them means the
     * loop did not need any more input to complete the call.
     */
    private static void promptly(EventBase base, Outcome o) {
        for (int i = 0; i < 3 && o.result == PENDING; i++) {
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
        }
    }

    /** A connected stream pair: a unix socketpair, or TCP over loopback ({server end, client end}). */
    private static int[] streamPair(String kind) {
        if (kind.equals("unix")) {
            return SocketWaiterTest.socketPair();
        }
        MemorySegment addr = Arena.ofAuto().allocate(16, 4);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        addr.set(ValueLayout.JAVA_INT, 4, 0x0100007f); // 127.0.0.1 in network order
        MemorySegment len = Arena.ofAuto().allocate(4, 4);
        len.set(ValueLayout.JAVA_INT, 0, 16);
        int listener = (int) Native.sys(Sys.SYS_socket, AF_INET, SOCK_STREAM_CLOEXEC, 0);
        try {
            Native.sys(Sys.SYS_bind, listener, addr.address(), 16);
            Native.sys(Sys.SYS_listen, listener, 1);
            Native.sys(Sys.SYS_getsockname, listener, addr.address(), len.address());
            int client = (int) Native.sys(Sys.SYS_socket, AF_INET, SOCK_STREAM_CLOEXEC, 0);
            Native.sys(Sys.SYS_connect, client, addr.address(), 16);
            int server = (int) Native.sys(Sys.SYS_accept4, listener, 0, 0, 0x80000);
            return new int[] {server, client};
        } finally {
            Native.close(listener);
        }
    }

    private static void write(int fd, MemorySegment bytes, long n) {
        assertEquals(n, Native.sys(Sys.SYS_write, fd, bytes.address(), n));
    }

    private static void readExactly(int fd, long n) {
        MemorySegment m = Arena.ofAuto().allocate(Math.max(1, n));
        assertEquals(n, Native.sys(Sys.SYS_read, fd, m.address(), n));
    }

    /** recvfrom system calls laio made: its probes and its socket waits' retries. */
    private static long recvfromCalls(LaioStats s) {
        return s.probeHits(Sys.SYS_recvfrom) + s.probeWouldBlock(Sys.SYS_recvfrom) + s.probeUnsupported(Sys.SYS_recvfrom)
                + s.socketRetries(Sys.SYS_recvfrom);
    }

    /**
     * N request/response rounds, each request arriving after the server's receive waits. A
     * request shorter than the buffer drains the socket: from the second round on the receive
     * skips its probe, N + 1 recvfrom calls in all. A request that fills the buffer exactly may
     * leave more behind: every round probes, 2 N calls.
     */
    @ParameterizedTest
    @ValueSource(strings = {"unix", "tcp"})
    void aDrainedStreamSocketsNextReceiveSkipsItsProbeOneRecvfromPerRoundLess(String kind) {
        int rounds = 50;
        for (long requestSize : new long[] {16, 64}) {
            int[] sp = streamPair(kind);
            try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
                MemorySegment buf = arena.allocate(64);
                MemorySegment request = arena.allocate(64);
                MemorySegment reply = arena.allocate(8);
                for (int round = 0; round < rounds; round++) {
                    Outcome[] o = new Outcome[1];
                    onLoop(base, () -> {
                        o[0] = recv(base, laio, sp[0], buf, 64, 0);
                        write(sp[1], request, requestSize); // only now: the request finds the receive waiting
                    });
                    assertFalse(o[0].inline, "the socket was empty: the receive waits");
                    await(base, o[0]);
                    assertEquals(requestSize, o[0].result);
                    onLoop(base, () -> assertEquals(8, laio.syscall(Sys.SYS_sendto, sp[0], reply.address(), 8, 0, 0, 0)));
                    readExactly(sp[1], 8);
                }
                LaioStats s = laio.stats();
                assertEquals(rounds, s.background(Sys.SYS_recvfrom), s.toString());
                assertEquals(rounds, s.socketRetries(Sys.SYS_recvfrom), "one retry per wait, when the request came: " + s);
                if (requestSize < 64) {
                    assertEquals(rounds - 1, s.probeSkipped(Sys.SYS_recvfrom), s.toString());
                    assertEquals(rounds + 1, recvfromCalls(s), "one probe, then one recvfrom per round: " + s);
                } else {
                    assertEquals(0, s.probeSkipped(Sys.SYS_recvfrom), "a full buffer says nothing of what is left: " + s);
                    assertEquals(2L * rounds, recvfromCalls(s), "a failing probe and a retry per round: " + s);
                }
            } finally {
                Native.close(sp[0]);
                Native.close(sp[1]);
            }
        }
    }

    /** One round that leaves {@code fd}'s socket drained and watched by the loop: a waiting receive, a short request. */
    private void drain(EventBase base, Laio laio, int fd, int peer, MemorySegment buf) {
        Outcome[] o = new Outcome[1];
        onLoop(base, () -> {
            o[0] = recv(base, laio, fd, buf, 64, 0);
            Native.writeByte(peer, (byte) 1);
        });
        await(base, o[0]);
        assertEquals(1, o[0].result);
    }

    @Test
    void bytesThatArriveBetweenTheShortReadAndTheNextReceiveAreDeliveredByTheNextPass() {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = arena.allocate(64);
            drain(base, laio, sp[0], sp[1], buf);
            Outcome[] o = new Outcome[1];
            onLoop(base, () -> {
                Native.writeByte(sp[1], (byte) 42); // after the short read, before the next receive
                o[0] = recv(base, laio, sp[0], buf, 64, 0);
            });
            assertFalse(o[0].inline, "the drained socket's receive went to its wait without a probe");
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
            promptly(base, o[0]); // the re-armed entry reported the byte at once
            assertEquals(1, o[0].result, "delivered by the next passes, without waiting");
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void aNumberClosedBehindLaiosBackAndReusedByASocketWithDataStillCompletes() {
        int[] sp = SocketWaiterTest.socketPair();
        int[] again = null;
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = arena.allocate(64);
            drain(base, laio, sp[0], sp[1], buf);
            int number = sp[0];
            Native.close(sp[0]); // a plain close: laio still believes the number drained and watched
            sp[0] = -1;
            again = SocketWaiterTest.socketPair();
            assertEquals(number, again[0], "the new socket took the number");
            Native.writeByte(again[1], (byte) 9);
            int[] reused = again;
            Outcome[] o = new Outcome[1];
            onLoop(base, () -> o[0] = recv(base, laio, reused[0], buf, 64, 0));
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom), "the stale guess was taken");
            promptly(base, o[0]);
            assertEquals(1, o[0].result, "the new socket's byte, delivered without waiting");
            assertEquals(9, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            closeAll(sp, again);
        }
    }

    @Test
    void aNumberReusedByAPipeAnswersEnotsockAtOnceRatherThanWaitForInput() {
        int[] sp = SocketWaiterTest.socketPair();
        int[] pipe = null;
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = arena.allocate(64);
            drain(base, laio, sp[0], sp[1], buf);
            int number = sp[0];
            Native.close(sp[0]);
            sp[0] = -1;
            pipe = Native.pipe(); // empty: a wait for input would never end
            assertEquals(number, pipe[0], "the pipe took the number");
            int[] p = pipe;
            Outcome[] o = new Outcome[1];
            onLoop(base, () -> o[0] = recv(base, laio, p[0], buf, 64, 0));
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
            promptly(base, o[0]);
            assertEquals(-1, o[0].result, "the kernel's answer to a recvfrom on a pipe, as the probe would have had it");
            assertEquals(Errno.ENOTSOCK, o[0].errno);
        } finally {
            closeAll(sp, pipe);
        }
    }

    @Test
    void aNumberReusedByARegularFileAnswersEnotsockNotEperm() throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        Path file = Files.createTempFile("laio-drained", ".bin");
        int fileFd = -1;
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = arena.allocate(64);
            drain(base, laio, sp[0], sp[1], buf);
            int number = sp[0];
            Native.close(sp[0]);
            sp[0] = -1;
            fileFd = Native.openRead(file.toString());
            assertEquals(number, fileFd, "the file took the number");
            int f = fileFd;
            Outcome[] o = new Outcome[1];
            onLoop(base, () -> o[0] = recv(base, laio, f, buf, 64, 0));
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
            promptly(base, o[0]);
            assertEquals(-1, o[0].result);
            assertEquals(Errno.ENOTSOCK, o[0].errno, "epoll cannot watch a file (EPERM); the call's own answer is ENOTSOCK");
        } finally {
            if (fileFd >= 0) {
                Native.close(fileFd);
            }
            closeAll(sp, null);
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aCancelledSkippedWaitEndsWithEcanceledAndTheNextReceiveProbesAgain() {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = arena.allocate(64);
            drain(base, laio, sp[0], sp[1], buf);
            Outcome[] o = new Outcome[1];
            onLoop(base, () -> {
                o[0] = recv(base, laio, sp[0], buf, 64, 0);
                assertTrue(laio.cancel(laio.gethandle()), "a waiting call stops");
            });
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            assertEquals(-1, o[0].result);
            assertEquals(Errno.ECANCELED, o[0].errno);
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));

            Native.writeByte(sp[1], (byte) 5); // the cancel told nothing of the queue: the next receive probes, and finds it
            Outcome[] next = new Outcome[1];
            onLoop(base, () -> next[0] = recv(base, laio, sp[0], buf, 64, 0));
            assertTrue(next[0].inline, "probed, inline");
            assertEquals(1, next[0].result);
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void closingLaioEndsASkippedWaitWithEcanceled() {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = epollBase()) {
            Laio laio = Laio.attach(base);
            MemorySegment buf = arena.allocate(64);
            drain(base, laio, sp[0], sp[1], buf);
            Outcome[] o = new Outcome[1];
            onLoop(base, () -> o[0] = recv(base, laio, sp[0], buf, 64, 0));
            assertFalse(o[0].inline);
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
            laio.close();
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            assertEquals(-1, o[0].result);
            assertEquals(Errno.ECANCELED, o[0].errno);
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void aShortDatagramOrAPeekSaysNothingOfTheQueueAndTheNextReceiveProbes() {
        MemorySegment sv = Arena.ofAuto().allocate(8, 4);
        Native.sys(Sys.SYS_socketpair, 1 /* AF_UNIX */, SOCK_DGRAM_CLOEXEC, 0, sv.address());
        int[] dg = {sv.get(ValueLayout.JAVA_INT, 0), sv.get(ValueLayout.JAVA_INT, 4)};
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = arena.allocate(64);
            drain(base, laio, dg[0], dg[1], buf); // a one-byte datagram into 64 bytes
            Native.writeByte(dg[1], (byte) 2); // the next datagram waits already
            Outcome[] o = new Outcome[1];
            onLoop(base, () -> o[0] = recv(base, laio, dg[0], buf, 64, 0));
            assertTrue(o[0].inline, "a datagram socket is probed: the next datagram is there");
            assertEquals(1, o[0].result);

            drain(base, laio, sp[0], sp[1], buf);
            Native.writeByte(sp[1], (byte) 3);
            onLoop(base, () -> o[0] = recv(base, laio, sp[0], buf, 64, 2 /* MSG_PEEK */));
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom), "the peek itself skipped (the stream was drained)");
            promptly(base, o[0]);
            assertEquals(1, o[0].result, "peeked");
            onLoop(base, () -> o[0] = recv(base, laio, sp[0], buf, 64, 0));
            assertTrue(o[0].inline, "a short peek leaves the bytes queued: the receive after it probes and finds them");
            assertEquals(1, o[0].result);
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
        } finally {
            closeAll(dg, sp);
        }
    }

    /**
     * The drained mark needs to know whether a socket is a stream: a connection accepted through
     * laio is of its listener's type, asked once per listener rather than once per connection
     * (one {@code getsockopt} per accepted connection saved), and a socket made through laio is of
     * the type it was made with. A unix SEQPACKET listener's connections are not streams.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anAcceptedConnectionIsKnownAsItsListenersTypeBeforeItsFirstReceive(boolean stream) {
        MemorySegment addr = arena.allocate(110);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) 1); // AF_UNIX, abstract name
        byte[] name = ("laio-accept-kind-" + ProcessHandle.current().pid() + "-" + stream).getBytes();
        MemorySegment.copy(name, 0, addr, ValueLayout.JAVA_BYTE, 3, name.length);
        long addrLen = 3 + name.length;
        long type = (stream ? 1 : 5) | 0x80000; // SOCK_STREAM or SOCK_SEQPACKET, CLOEXEC
        int listener = (int) Native.sys(Sys.SYS_socket, 1, type, 0);
        int[] client = {-1};
        long[] accepted = {-1, -1};
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            Native.sys(Sys.SYS_bind, listener, addr.address(), addrLen);
            Native.sys(Sys.SYS_listen, listener, 4);
            for (int i = 0; i < 2; i++) {
                client[0] = (int) Native.sys(Sys.SYS_socket, 1, type, 0);
                Native.sys(Sys.SYS_connect, client[0], addr.address(), addrLen);
                int at = i;
                onLoop(base, () -> accepted[at] = laio.syscall(Sys.SYS_accept4, listener, 0, 0, 0x80000, 0, 0));
                assertTrue(accepted[i] >= 0, "accepted");
                assertEquals(stream, laio.router.probe.history.knownStream(accepted[i]), "known from the listener");
                Native.close(client[0]);
            }
            long[] made = {-1};
            onLoop(base, () -> made[0] = laio.syscall(Sys.SYS_socket, AF_INET, SOCK_DGRAM_CLOEXEC, 0, 0, 0, 0));
            assertEquals(false, laio.router.probe.history.knownStream(made[0]), "a datagram socket made through laio");
            onLoop(base, () -> laio.close((int) made[0]));
        } finally {
            Native.close(listener);
            for (long a : accepted) {
                if (a >= 0) {
                    Native.close((int) a);
                }
            }
        }
    }

    @Test
    void aSocketReadIsSkippedToo() {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = arena.allocate(64);
            long[] got = {PENDING, PENDING};
            for (int round = 0; round < 3; round++) {
                got[0] = PENDING;
                onLoop(base, () -> {
                    assertEquals(-1, laio.read(sp[0], buf, 64));
                    Event.set(base, laio.gethandle(), Ev.LAIO, (ev, w, a) -> got[0] = ev.result(), null).add();
                    Native.writeByte(sp[1], (byte) 1);
                });
                Event limit = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null);
                limit.add(Duration.ofSeconds(20));
                while (got[0] == PENDING && !base.gotBreak()) {
                    base.loop(Ev.LOOP_ONCE);
                }
                limit.del();
                assertEquals(1, got[0]);
            }
            assertEquals(2, laio.stats().probeSkipped(Sys.SYS_read), laio.stats().toString());
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    private static void closeAll(int[] a, int[] b) {
        for (int[] fds : new int[][] {a, b}) {
            if (fds != null) {
                for (int fd : fds) {
                    if (fd >= 0) {
                        Native.close(fd);
                    }
                }
            }
        }
    }
}
