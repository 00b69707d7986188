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

package io.laio.internal.epoll;

import io.laio.Errno;
import io.laio.Sys;
import io.laio.abi.EpollEventLayout;
import io.laio.internal.ErrnoException;
import io.laio.internal.Syscalls;
import io.laio.internal.ThreadState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An epoll instance with an eventfd that wakes whoever waits on it: the poller under both the
 * socket waiter's thread and the {@link EpollBackend}. Level-triggered unless the mask says
 * {@code EPOLLONESHOT}; an entry's data is the descriptor.
 *
 * <p>Threading: one owner thread calls everything but {@link #signal()}, which any thread may
 * call; {@link #close()} after the owner has stopped.
 */
public final class WakeableEpoll implements AutoCloseable {
    static final int MAX_EVENTS = 256;
    private static final long WAKE = -1;
    private static final long CLOEXEC = 0x80000;
    private static final long EFD_NONBLOCK = 0x800;
    private static final int ADD = 1;
    private static final int DEL = 2;
    private static final int MOD = 3;

    private final MemorySegment capture;
    private final MemorySegment events;
    private final MemorySegment ctl;
    private final MemorySegment drained;
    private final int epfd;
    private final int wakeFd;
    private boolean closed;
    /** Entries {@link #watch} added ({@code EPOLL_CTL_ADD}), first or after their number was reused. */
    private long adds;
    private long ctls;
    private long waits;

    public WakeableEpoll() throws ErrnoException {
        Arena arena = Arena.ofAuto();
        capture = Syscalls.newCapture(arena);
        events = arena.allocate(EpollEventLayout.SIZE * MAX_EVENTS, 8);
        ctl = arena.allocate(EpollEventLayout.SIZE, 8);
        drained = arena.allocate(8, 8);
        long ep = Syscalls.call(capture, Sys.SYS_epoll_create1, CLOEXEC);
        if (ep == -1) {
            throw new ErrnoException("epoll_create1", Syscalls.errno(capture));
        }
        epfd = (int) ep;
        long efd = Syscalls.call(capture, Sys.SYS_eventfd2, 0, CLOEXEC | EFD_NONBLOCK);
        int err = efd == -1 ? Syscalls.errno(capture) : 0;
        if (efd != -1) {
            EpollEventLayout.set(ctl, 0, EpollEventLayout.EPOLLIN, WAKE);
            if (Syscalls.call(capture, Sys.SYS_epoll_ctl, epfd, ADD, efd, ctl.address()) == -1) {
                err = Syscalls.errno(capture);
                Syscalls.call(capture, Sys.SYS_close, efd);
            }
        }
        if (err != 0) {
            Syscalls.call(capture, Sys.SYS_close, epfd);
            throw new ErrnoException(efd == -1 ? "eventfd2" : "epoll_ctl(eventfd)", err);
        }
        wakeFd = (int) efd;
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: no limit) for ready descriptors; a wake-up is
     * consumed here and shows as an entry whose {@link #fd} is negative.
     *
     * @return the number of entries, 0 if a signal interrupted the wait
     */
    public int await(long timeoutMillis) throws ErrnoException {
        waits++;
        long n = Syscalls.call(capture, Sys.SYS_epoll_pwait, epfd, events.address(), MAX_EVENTS,
                Math.min(timeoutMillis, Integer.MAX_VALUE), 0, 8);
        if (n == -1) {
            int err = Syscalls.errno(capture);
            if (err == Errno.EINTR) {
                return 0;
            }
            throw new ErrnoException("epoll_pwait", err);
        }
        for (int i = 0; i < n; i++) {
            if (EpollEventLayout.data(events, i) == WAKE) {
                Syscalls.call(capture, Sys.SYS_read, wakeFd, drained.address(), 8); // EAGAIN: drained already
            }
        }
        return (int) n;
    }

    /** The descriptor of entry {@code i} of the last {@link #await}, or -1 for the wake-up. */
    public int fd(int i) {
        long data = EpollEventLayout.data(events, i);
        return data == WAKE ? -1 : (int) data;
    }

    /** The {@code EPOLL*} bits of entry {@code i} of the last {@link #await}. */
    public int readiness(int i) {
        return EpollEventLayout.events(events, i);
    }

    /**
     * Watches {@code fd} for {@code mask}: MOD when it is {@code watched} already, else ADD. A
     * number closed and reused since (MOD: ENOENT) is added again; one still in the set (ADD:
     * EEXIST) is modified.
     *
     * @return 0, or the errno that refused it (EBADF, EPERM for a regular file, …)
     */
    public int watch(int fd, int mask, boolean watched) {
        EpollEventLayout.set(ctl, 0, mask, fd);
        int op = watched ? MOD : ADD;
        ctls++;
        if (Syscalls.fast(capture, Sys.SYS_epoll_ctl, epfd, op, fd, ctl.address()) == 0) {
            adds += op == ADD ? 1 : 0;
            return 0;
        }
        int err = Syscalls.errno(capture);
        int other = err == Errno.ENOENT && op == MOD ? ADD : err == Errno.EEXIST && op == ADD ? MOD : 0;
        if (other == 0) {
            return err;
        }
        ctls++;
        if (Syscalls.fast(capture, Sys.SYS_epoll_ctl, epfd, other, fd, ctl.address()) != 0) {
            return Syscalls.errno(capture);
        }
        adds += other == ADD ? 1 : 0;
        return 0;
    }

    /**
     * Removes {@code fd}'s entry ({@code EPOLL_CTL_DEL}) before the number is closed, so that an
     * entry of a file that outlives the number (another descriptor shares it) cannot go on
     * reporting under it. Any thread (the kernel serialises {@code epoll_ctl}); a caller other
     * than the owner must keep the epoll open meanwhile, and its call is not counted in
     * {@link #ctls()}.
     *
     * @return 0, or the errno (ENOENT: the entry was gone; EBADF: the number was closed)
     */
    public int unwatch(int fd, boolean owner) {
        MemorySegment c = owner ? capture : ThreadState.current().capture;
        if (owner) {
            ctls++;
        }
        return Syscalls.fast(c, Sys.SYS_epoll_ctl, epfd, DEL, fd, 0) == 0 ? 0 : Syscalls.errno(c);
    }

    /** Owner thread: how many waits ({@code epoll_pwait}) {@link #await} has made so far (tests: a loop that spins). */
    public long waits() {
        return waits;
    }

    /** Owner thread: how many {@code epoll_ctl} calls {@link #watch} has made so far (tests). */
    public long ctls() {
        return ctls;
    }

    /**
     * Owner thread: how many entries {@link #watch} has added so far. An ADD where a MOD was
     * asked for means the number was closed since it was last watched (the kernel dropped the
     * entry) and now names another file.
     */
    public long adds() {
        return adds;
    }

    /** Any thread: makes a current or the next {@link #await} return. */
    public void signal() {
        ThreadState ts = ThreadState.current();
        MemorySegment one = ts.scratch.counter; // per thread: signallers are many
        one.set(ValueLayout.JAVA_LONG, 0, 1);
        if (Syscalls.call(ts.capture, Sys.SYS_write, wakeFd, one.address(), 8) == -1
                && Syscalls.errno(ts.capture) != Errno.EAGAIN) { // EAGAIN: the counter is full, a wake-up is pending
            throw new IllegalStateException("eventfd write failed: " + Errno.name(Syscalls.errno(ts.capture)));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Syscalls.call(capture, Sys.SYS_close, wakeFd);
            Syscalls.call(capture, Sys.SYS_close, epfd);
        }
    }
}
