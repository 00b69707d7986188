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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * An epoll base with an attached Laio and a pool, plus raw loopback listening sockets made
 * through a separate INLINE Laio (plain calls on the test thread).
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
    private final MemorySegment sa = Arena.ofAuto().allocate(32, 8);

    Loopback() {
        // a persistent tick so loop(ONCE) always returns within 5 ms and conditions are re-checked
        tick = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> { }, null);
        tick.add(Duration.ofMillis(5));
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

    @Override
    public void close() {
        tick.del();
        laio.close();
        plain.close();
        base.close();
    }
}
