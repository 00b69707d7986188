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

package io.laio.buffer;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * An epoll base with an attached Laio and a pool, plus raw loopback listening sockets made
 * through a separate INLINE Laio (plain calls on the test thread). One made by
 * {@link #listening()} also has a listening socket of its own, the connections accepted from
 * it, and the peer threads at the other end, which {@link #close()} waits for.
 */
final class Loopback implements AutoCloseable {
    static final int SOCK_NONBLOCK = 04000;
    static final int SOCK_CLOEXEC = 02000000;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    final EventBase base = EventBase.create("epoll");
    final Laio laio = Laio.attach(base);
    final Laio plain = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build());
    final SegmentPool pool = SegmentPool.create();
    private final Event tick;
    /** Runs of the tick's callback, for tests that count the loop's callbacks. */
    private long ticks;
    private final MemorySegment sa = Arena.ofAuto().allocate(32, 8);
    private int listenFd = -1;
    private int port;
    private final List<Thread> peers = new ArrayList<>();
    private final List<Integer> fds = new ArrayList<>();

    Loopback() {
        // a persistent tick so loop(ONCE) always returns within 5 ms and conditions are re-checked
        tick = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> ticks++, null);
        tick.add(Duration.ofMillis(5));
    }

    /** A Loopback with a listening socket on 127.0.0.1 that {@link #connect()} and {@link #accepted} use. */
    static Loopback listening() {
        Loopback lo = new Loopback();
        int[] l = lo.listen();
        lo.listenFd = l[0];
        lo.port = l[1];
        return lo;
    }

    /** The loop's callbacks run so far, the tick's left out. */
    long callbacks() {
        return base.stats().callbacks() - ticks;
    }

    /** The port of the {@link #listening()} socket. */
    int port() {
        return port;
    }

    /** A client socket connected to the {@link #listening()} one. */
    Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    /** A client socket with {@code receiveBuffer} set before it connects (so the window is small from the start). */
    Socket connect(int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    /** The next connection on the {@link #listening()} socket, buffered with this pool. */
    BufferEvent accepted(BufferEventHandler h) throws InterruptedException {
        return accepted(pool, h);
    }

    /** The next connection on the {@link #listening()} socket, buffered with {@code segments}. */
    BufferEvent accepted(SegmentPool segments, BufferEventHandler h) throws InterruptedException {
        return BufferEvent.socket(laio, accept(listenFd), segments, h);
    }

    /** What a peer thread runs. */
    interface PeerBody {
        void run() throws Exception;
    }

    /** Starts a daemon thread {@code name} running {@code body}; what it throws is kept in {@code failure}. */
    void peer(String name, AtomicReference<Throwable> failure, PeerBody body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        t.setDaemon(true);
        peers.add(t);
        t.start();
    }

    /** Has {@link #close()} close {@code fd} once the peers are done; returns it. */
    int closeAtEnd(int fd) {
        fds.add(fd);
        return fd;
    }

    /** A listening TCP socket on 127.0.0.1; returns {fd, port}. */
    int[] listen() {
        int fd = (int) check(plain.syscall(Sys.SYS_socket, 2, 1 | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        sa.fill((byte) 0);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) 2);
        sa.set(ValueLayout.JAVA_INT, 4, 0x0100007f); // 127.0.0.1, network order on a little-endian machine
        check(plain.syscall(Sys.SYS_bind, fd, sa.address(), 16));
        check(plain.syscall(Sys.SYS_listen, fd, 16));
        MemorySegment len = sa.asSlice(16, 4);
        len.set(ValueLayout.JAVA_INT, 0, 16);
        check(plain.syscall(Sys.SYS_getsockname, fd, sa.address(), len.address()));
        return new int[] {fd, Short.toUnsignedInt(sa.get(SHORT_BE, 2))};
    }

    /** Accepts one connection (waiting up to 5 s for it), non-blocking. */
    int accept(int listenFd) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            long r = plain.syscall(Sys.SYS_accept4, listenFd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (r >= 0) {
                return (int) r;
            }
            if (Laio.errno() != Errno.EAGAIN || System.nanoTime() > deadline) {
                throw new AssertionError("accept4: errno " + Laio.errno());
            }
            Thread.sleep(1);
        }
    }

    void closeFd(int fd) {
        plain.close(fd);
    }

    /** Runs the loop until {@code done} holds; fails after {@code seconds}. */
    void runUntil(BooleanSupplier done, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in " + seconds + " s");
            }
            base.loop(Ev.LOOP_ONCE);
        }
    }

    /** Runs the loop for {@code millis}. */
    void runFor(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            base.loop(Ev.LOOP_ONCE);
        }
    }

    private static long check(long r) {
        if (r < 0) {
            throw new AssertionError("syscall failed: errno " + Laio.errno());
        }
        return r;
    }

    /**
     * For a {@link #listening()} one, first lets the loop run 50 ms (cancelled calls complete and
     * closed connections let go of their descriptors), waits up to 10 s for each peer, and closes
     * the descriptors of {@link #closeAtEnd} and the listening socket.
     */
    @Override
    public void close() {
        if (listenFd >= 0) {
            runFor(50);
            for (Thread t : peers) {
                try {
                    t.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + t.getName(), e);
                }
            }
            for (int fd : fds) {
                closeFd(fd);
            }
            closeFd(listenFd);
        }
        tick.del();
        laio.close();
        plain.close();
        base.close();
    }
}
