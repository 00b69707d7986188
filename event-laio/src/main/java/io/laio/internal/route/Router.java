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

package io.laio.internal.route;

import io.laio.BlockingOp;
import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.RingMode;
import io.laio.Sys;
import io.laio.abi.IovecLayout;
import io.laio.abi.StatxLayout;
import io.laio.event.EventBase;
import io.laio.event.spi.Loops;
import io.laio.internal.Iovecs;
import io.laio.internal.LaioCall;
import io.laio.internal.Syscalls;
import io.laio.internal.ThreadState;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.completion.Completions;
import io.laio.internal.completion.InFlight;
import io.laio.internal.epoll.EpollBackend;
import io.laio.internal.lanes.Background;
import io.laio.Descriptor;
import io.laio.uring.UringCalls;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a call from the facade to where it runs, by the policy for its number and, under
 * {@link Policy#LAZY}, by its {@link RouteTable} route: inline with a critical downcall, through
 * its probe, or — when the probe says it would block — to a helper lane or a socket wait in the
 * {@link Background}, continued past the bytes the probe already moved. Each step is one method
 * below, read top to bottom. Any thread.
 *
 * <p><b>The ring route.</b> Attached to a base on the {@code "uring"} backend, a call made on the
 * loop thread that has an io_uring opcode ({@link RingRoute#takes}) goes to the loop's ring
 * instead of a helper lane or a socket wait: after its probe said it would block
 * ({@link RingMode#LAZY}), or without a probe, queued for the pass's wait
 * ({@link RingMode#DEFERRED}). Its completion comes back to {@link #completed} on the loop
 * thread; a write the kernel did only in part goes on from where it stopped, as a socket wait's
 * retry would, so that it completes in its entirety.
 *
 * <p><b>Receives that skip their probe.</b> A {@code recvfrom} or {@code read} made on the
 * thread that receives this Laio's completions — the loop thread when attached, the thread that
 * polls when standalone — goes to its socket wait without its {@code MSG_DONTWAIT}/{@code RWF_NOWAIT}
 * probe when the last receive of the same descriptor number on that thread (inline, or a socket
 * wait's completion as it was delivered) returned fewer bytes than asked (and more than none)
 * from a stream socket ({@link ProbeHistory}, {@link LazyProbe#received}). On an {@code "epoll"}
 * base the loop's epoll must also hold an entry for the number already; on a base whose backend
 * cannot watch a raw descriptor (its socket waits go to the socket waiter) nothing more is asked;
 * on a {@code "uring"} base nothing is skipped. Such a call returns {@code -1}/{@code EINPROGRESS}
 * even if bytes arrived since the short receive, and completes once the wait's re-armed
 * level-triggered entry reports them, at once. That is the trade: one system call less per wait
 * on a request/response connection (the probe's {@code EAGAIN}), one loop pass (or waiter
 * round trip) more when the peer was faster than the receiver.
 */
public final class Router implements RingRoute.Completion, RingRoute.CloseFailure, Completions.Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private final Laio owner;
    private final LaioConfig config;
    private final CallCounters counters;
    public final LazyProbe probe;
    private final Completions completions;
    private final Background background;
    /** The loop's ring when attached to a uring base and the ring mode is not OFF, else null. */
    private final RingRoute ring;
    private final boolean deferred;
    /** The loop's epoll backend when attached to one, else null. */
    private final EpollBackend loopEpoll;
    /** Whether a receive whose socket was drained may skip its probe here ({@link #skipsProbe}): not on a uring base. */
    private final boolean skips;
    /** This Laio's failure sink on the ring ({@link RingRoute#openFailureSink}), -1 until its first unawaited close. */
    private int failureSink = -1;
    /** Set by {@link #closeRing}: a short write's rest is not submitted any more. */
    private volatile boolean closing;

    public Router(Laio owner, LaioConfig config, CallCounters counters, Completions completions, Background background) {
        this.owner = owner;
        this.config = config;
        this.counters = counters;
        this.probe = new LazyProbe(counters);
        this.completions = completions;
        this.background = background;
        this.ring = owner.base() != null && config.ringMode() != RingMode.OFF ? UringCalls.of(owner.base()) : null;
        this.deferred = ring != null && config.ringMode() == RingMode.DEFERRED;
        EventBase base = owner.base();
        this.loopEpoll = base != null ? Loops.backend(base, EpollBackend.class) : null;
        // the waits of a skipped receive must tell a reused number (an entry added anew): the
        // epoll base's LoopSocketWaits and the SocketWaiter can, the uring backend's waits not
        this.skips = base == null || loopEpoll != null || !Loops.canWatch(base, new Descriptor(0));
        if (skips) {
            completions.onDelivery(this);
        }
    }

    /** Runs system call {@code nr} as its policy says; {@link Laio#syscall}'s contract. */
    public long syscall(ThreadState ts, long nr, long a1, long a2, long a3, long a4, long a5, long a6, MemorySegment keepAlive) {
        int slot = CallCounters.slot(nr);
        beforeCall(nr, a1, a2, a3);
        return switch (config.policy(nr)) {
            case INLINE -> settle(ts, slot, Syscalls.call(ts.capture, nr, a1, a2, a3, a4, a5, a6));
            case EAGER -> toBackground(ts, slot, nr, a1, a2, a3, a4, a5, a6, 0, keepAlive,
                    laneOf(RouteTable.of(nr)));
            case LAZY -> lazy(ts, slot, nr, a1, a2, a3, a4, a5, a6, keepAlive);
        };
    }

    /**
     * {@link Laio#closeUnawaited}: on the loop thread of a {@link RingMode#DEFERRED} ring whose
     * kernel skips successful completions, {@code close(fd)} is queued for the pass's wait with
     * {@code IOSQE_CQE_SKIP_SUCCESS} and 0 returned — no record, handle or event; a failure comes
     * back to {@link #closeFailed}. Anywhere else it is {@code close(fd)} as {@link #syscall} runs it.
     */
    public long closeUnawaited(ThreadState ts, int fd) {
        if (fd >= 0 && deferred && config.policy(Sys.SYS_close) == Policy.LAZY && ring.closesUnawaited()
                && owner.base().inLoop()) {
            if (closing) {
                throw new IllegalStateException("Laio is closed");
            }
            if (failureSink < 0) {
                failureSink = ring.openFailureSink(this);
            }
            try {
                ring.closeUnawaited(failureSink, fd);
            } catch (UncheckedIOException e) {
                // the ring took no entry even after a submission: the plain close's route, which
                // goes to a helper when the ring refuses (a close may block: a lingering socket)
                return syscall(ts, Sys.SYS_close, fd, 0, 0, 0, 0, 0, null);
            }
            beforeCall(Sys.SYS_close, fd, 0, 0); // queued, not yet in the kernel: the number still names its file
            counters.background.incrementAndGet(CallCounters.slot(Sys.SYS_close));
            ts.errno = 0;
            return 0;
        }
        return syscall(ts, Sys.SYS_close, fd, 0, 0, 0, 0, 0, null);
    }

    /** Loop thread: an unawaited close failed; counted as the call's error and logged, as nobody waits for it. */
    @Override
    public void closeFailed(int fd, int errno) {
        counters.errors.incrementAndGet(CallCounters.slot(Sys.SYS_close));
        LOG.debug("close of descriptor {} failed: errno {}", fd, errno);
    }

    /** Runs blocking Java code: inline under INLINE, else on the Java lane; {@link Laio#call}'s contract. */
    public long call(ThreadState ts, BlockingOp op) {
        int slot = CallCounters.JAVA;
        if (config.policy() == Policy.INLINE) {
            counters.inline.incrementAndGet(slot);
            try {
                long r = op.run();
                ts.errno = 0;
                return r;
            } catch (Exception e) {
                counters.errors.incrementAndGet(slot);
                ts.errno = Errno.EIO;
                return -1;
            }
        }
        LaioCall h = completions.take(owner);
        h.init(-1, 0, 0, 0, 0, 0, 0, op, 0, null);
        return background.submit(ts, slot, h, Background.JAVA_LANE);
    }

    private long lazy(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            MemorySegment keepAlive) {
        RouteTable.Route route = RouteTable.of(nr);
        if (deferred && ring.defers(nr, a1, a2, a3, a4, a5) && owner.base().inLoop()) {
            return toRing(ts, slot, nr, a1, a2, a3, a4, a5, a6, 0, keepAlive, false); // no probe: with the pass's wait
        }
        if (route.neverBlocks(a2)) {
            long r = settle(ts, slot, Syscalls.fast(ts.capture, nr, a1, a2, a3, a4, a5, a6));
            if (r >= 0 && newDescriptor(nr)) {
                made(r, nr == Sys.SYS_socket && config.closesThroughLaio()); // a number closed behind laio's back names a new file now
                if (nr == Sys.SYS_socket && onConsumer()) {
                    probe.madeSocket(r, a2);
                }
            }
            return r;
        }
        boolean unprobed = skips && skipsProbe(nr, a1);
        long outcome;
        if (unprobed) {
            counters.probeSkipped.incrementAndGet(slot);
            outcome = ProbeOutcome.WOULD_BLOCK;
        } else {
            outcome = route.probe == null ? ProbeOutcome.WOULD_BLOCK
                    : route.probe.run(probe, ts, slot, a1, a2, a3, a4, a5, a6);
        }
        if (!ProbeOutcome.wouldBlock(outcome)) {
            counters.inline.incrementAndGet(slot);
            if (outcome == -1) {
                counters.errors.incrementAndGet(slot);
            }
            if (skips) {
                afterInline(ts, nr, a1, a3, a4, outcome);
            }
            return outcome; // the probe set ts.errno
        }
        long done = ProbeOutcome.done(outcome);
        if (done > 0) {
            // part done without blocking: the rest continues in the background, reported as the total
            switch (route.rest) {
                case RouteTable.REST_OF_SENDFILE -> a4 -= done; // the kernel moved the offset (or the file position) itself
                case RouteTable.REST_OF_IOVECS, RouteTable.REST_OF_IOVECS_AT -> {
                    MemorySegment rest = Iovecs.rest(Iovecs.array(a2, a3), a3, done);
                    a2 = rest.address();
                    a3 = rest.byteSize() / IovecLayout.SIZE;
                    a4 = route.rest == RouteTable.REST_OF_IOVECS_AT ? a4 + done : a4;
                    keepAlive = rest; // raw readv/preadv have no memory of their own to keep
                }
                default -> {
                    a2 += done;
                    a3 -= done;
                    a4 = route.rest == RouteTable.REST_OF_BUFFER_AT ? a4 + done : a4;
                }
            }
        }
        if (ring != null && onRing(nr, a1, a2, a3, a4, a5)) {
            long r = toRing(ts, slot, nr, a1, a2, a3, a4, a5, a6, done, keepAlive, true);
            if (r != REFUSED_BY_RING) {
                return r;
            }
        }
        int where = waitFor(ts, route, outcome, a1);
        if (!unprobed) {
            return toBackground(ts, slot, nr, a1, a2, a3, a4, a5, a6, done, keepAlive, where);
        }
        LaioCall h = completions.take(owner);
        h.init(nr, a1, a2, a3, a4, a5, a6, null, done, keepAlive);
        h.unprobed = true;
        return background.submit(ts, slot, h, where);
    }

    /**
     * Whether receive {@code nr} of {@code fd} goes to its wait without a probe: a {@code recvfrom}
     * or {@code read}, on the consumer thread, of a number whose last receive drained it — and,
     * on an epoll base, which the loop's epoll already watches, so that a number closed and
     * reused since shows as an entry added anew ({@link io.laio.internal.sockets.LoopSocketWaits#submit};
     * the socket waiter tries every receive whose entry it had to add). The mark is taken either
     * way: one skip per short receive.
     */
    private boolean skipsProbe(long nr, long fd) {
        if ((nr != Sys.SYS_recvfrom && nr != Sys.SYS_read) || !probe.history.drained(fd) || !onConsumer()) {
            return false;
        }
        probe.history.takeDrained(fd);
        return loopEpoll == null || loopEpoll.watched((int) fd);
    }

    /** Whether the calling thread receives the completions: the loop thread when attached, the polling one when standalone. */
    private boolean onConsumer() {
        EventBase base = owner.base();
        return base != null ? base.inLoop() : completions.consumes();
    }

    /** After an inline result: a receive on the consumer thread teaches the drained mark; a new descriptor resets its number. */
    private void afterInline(ThreadState ts, long nr, long fd, long len, long flags, long r) {
        if (nr == Sys.SYS_recvfrom) {
            if (onConsumer()) {
                probe.received(ts, fd, flags, r, len, true);
            }
        } else if (nr == Sys.SYS_read) {
            if (onConsumer()) {
                probe.received(ts, fd, 0, r, len, false); // no SO_TYPE question per short file read: known sockets only
            }
        } else if ((nr == Sys.SYS_accept4 || nr == Sys.SYS_accept) && r >= 0) {
            accepted(ts, r, fd);
        }
    }

    /** A connection {@code fd} was accepted from {@code listener}: a number made by laio, of its listener's socket type. */
    private void accepted(ThreadState ts, long fd, long listener) {
        made(fd, config.closesThroughLaio());
        if (onConsumer()) {
            probe.accepted(ts, fd, listener);
        }
    }

    /**
     * A call made descriptor {@code fd}: its number names a new file, so what was learnt of the
     * number goes (the probe's marks), and on the loop thread of an epoll base the loop's epoll
     * adds its entry at once instead of first re-arming the closed file's.
     */
    private void made(long fd, boolean keep) {
        probe.history.forget(fd);
        if (loopEpoll != null && onConsumer()) {
            loopEpoll.fresh((int) fd, keep);
        }
    }

    /** Any thread, before call {@code nr} with its first three arguments runs by any route: a close is seen ({@link #closing}). */
    public void beforeCall(long nr, long a1, long a2, long a3) {
        if (nr == Sys.SYS_close || nr == Sys.SYS_dup2 || nr == Sys.SYS_dup3 || nr == Sys.SYS_close_range) {
            closing(nr, a1, a2, a3);
        }
    }

    /**
     * Any thread, before a call that closes a number ({@code close}, {@code close_range}), or makes
     * it name another file ({@code dup2}/{@code dup3} onto it): what was learnt of the number
     * goes, and the loop's epoll deletes its kept entry while the number still names the file it
     * was made for ({@link EpollBackend#closing}).
     */
    private void closing(long nr, long a1, long a2, long a3) {
        EpollBackend mine = loopEpoll != null && onConsumer() ? loopEpoll : null;
        if (nr == Sys.SYS_close_range) {
            if ((a3 & CLOSE_RANGE_CLOEXEC) == 0) {
                EpollBackend.closingAnywhere(a1 & 0xffff_ffffL, a2 & 0xffff_ffffL, mine);
            }
            return; // the probe's marks of a range: a later call on a reused number learns afresh
        }
        long fd = nr == Sys.SYS_close ? a1 : a2;
        if (nr != Sys.SYS_close && fd == a1) {
            return; // dup2(n, n): nothing closed
        }
        if (nr == Sys.SYS_close) {
            probe.history.closed(fd); // the next file under the number is likely of the same file system
        } else {
            probe.history.forget(fd); // a dup of another descriptor's file
        }
        if (fd >= 0 && fd <= Integer.MAX_VALUE) {
            EpollBackend.closingAnywhere((int) fd, mine);
        }
    }

    /** {@code close_range}'s flag that marks the range close-on-exec instead of closing it. */
    private static final long CLOSE_RANGE_CLOEXEC = 4;

    /**
     * Consumer thread, a completion about to reach its receiver: a receive that waited on a
     * socket teaches the drained mark as an inline one does (this is where a keep-alive
     * connection's request arrives); an accepted connection's number starts afresh.
     */
    @Override
    public void delivering(LaioCall h) {
        long nr = h.nr;
        if (nr == Sys.SYS_recvfrom || nr == Sys.SYS_read) {
            if (h.route == Background.SOCKET_WAIT) {
                long r = h.errno == 0 ? h.result - h.bias : -1;
                probe.received(null, h.a1, nr == Sys.SYS_recvfrom ? h.a4 : 0, r, h.a3, true);
            }
        } else if ((nr == Sys.SYS_accept4 || nr == Sys.SYS_accept) && h.result >= 0) {
            accepted(null, h.result, h.a1);
        }
    }

    /** Whether call {@code nr} (one that never blocks) returns a new descriptor number. */
    private static boolean newDescriptor(long nr) {
        return nr == Sys.SYS_socket || nr == Sys.SYS_dup || nr == Sys.SYS_dup2 || nr == Sys.SYS_dup3;
    }

    /** Where a call that would block waits: a socket or pipe wait, or the helper lane of its route. */
    private static int waitFor(ThreadState ts, RouteTable.Route route, long outcome, long fd) {
        switch (route.waitsOn) {
            case RouteTable.SOCKET_WAIT -> {
                // recvfrom, sendto and accept answer ENOTSOCK on anything else: one that would
                // block is on a socket, and a statx per keep-alive wait is saved
                return Background.SOCKET_WAIT;
            }
            case RouteTable.SOCKET_OR_PIPE_WAIT -> {
                int type = LazyProbe.fileType(ts, fd);
                if (type == StatxLayout.S_IFSOCK) {
                    return Background.SOCKET_WAIT;
                } else if (type == StatxLayout.S_IFIFO) {
                    return Background.PIPE_WAIT;
                }
            }
            case RouteTable.NONBLOCKING_SOCKET_WAIT -> {
                // the socket is what it waits for; a sendfile of uncached pages would block whoever
                // retried it on reading them, so that one goes to a helper (sendfileAll) instead
                if (!ProbeOutcome.missedFile(outcome) && LazyProbe.isNonBlocking(ts, fd) && LazyProbe.isSocket(ts, fd)) {
                    return Background.SOCKET_WAIT;
                }
            }
            default -> {
                // a helper lane
            }
        }
        return laneOf(route);
    }

    private static int laneOf(RouteTable.Route route) {
        return route.waitsOn == RouteTable.METADATA_LANE ? Background.METADATA_LANE : Background.DATA_LANE;
    }

    private long toBackground(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            long done, MemorySegment keepAlive, int where) {
        LaioCall h = completions.take(owner);
        h.init(nr, a1, a2, a3, a4, a5, a6, null, done, keepAlive);
        return background.submit(ts, slot, h, where);
    }

    /** {@link #toRing}: the kernel answered EAGAIN at once; the caller takes the route it would have without the ring. */
    private static final long REFUSED_BY_RING = Long.MIN_VALUE;

    /** Whether call {@code nr} can go to the ring now: an opcode the kernel has, and the caller is the loop thread. */
    private boolean onRing(long nr, long a1, long a2, long a3, long a4, long a5) {
        return owner.base().inLoop() && ring.takes(nr, a1, a2, a3, a4, a5);
    }

    /**
     * The ring route: {@code h} becomes an entry on the loop's ring, counted against the bound
     * of calls that hold no thread. {@code now}: handed to the kernel at once, and its result
     * returned inline if the kernel completed it meanwhile; else queued for the loop's wait.
     */
    private long toRing(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            long done, MemorySegment keepAlive, boolean now) {
        if (closing) {
            throw new IllegalStateException("Laio is closed");
        }
        InFlight inFlight = background.inFlight;
        if (!inFlight.tryAcquire(true)) {
            return counters.refused(ts, slot, done);
        }
        LaioCall h = completions.take(owner);
        h.init(nr, a1, a2, a3, a4, a5, a6, null, done, keepAlive);
        h.viaWaiter = true; // holds no thread: released against the socket-wait bound
        h.start(); // RUNNING while the kernel has it: a cancel goes through the ring (cancelInFlight)
        long gen = h.generation();
        long res;
        try {
            res = ring.submit(h, this, now);
            while (res != RingRoute.IN_FLIGHT && more(h, res)) {
                res = ring.submit(h, this, true);
            }
        } catch (UncheckedIOException e) {
            // the ring took no entry: the helper route, as on any other base (h was not submitted)
            inFlight.release(true);
            completions.giveBack(h);
            return toBackground(ts, slot, nr, a1, a2, a3, a4, a5, a6, done, keepAlive,
                    laneOf(RouteTable.of(nr)));
        }
        if (res == -Errno.EAGAIN && now && h.progress == 0) {
            // the kernel would not wait (a non-blocking descriptor on a kernel that honours
            // O_NONBLOCK in io_uring): the call goes where it would have gone without the ring
            inFlight.release(true);
            completions.giveBack(h);
            return REFUSED_BY_RING;
        }
        if (res == RingRoute.IN_FLIGHT) {
            counters.background.incrementAndGet(slot);
            ts.lastCall = h;
            ts.lastGen = gen;
            ts.errno = Errno.EINPROGRESS;
            return -1;
        }
        inFlight.release(true);
        long r = settleRing(h, (int) res);
        counters.inline.incrementAndGet(slot);
        if (r == -1) {
            counters.errors.incrementAndGet(slot);
        }
        ts.errno = h.errno;
        completions.giveBack(h);
        return r;
    }

    /** The ring's completion of {@code h}, on the loop thread: its rest goes on, or it is done. */
    @Override
    public void completed(LaioCall h, int res) {
        if (!closing && more(h, res)) {
            try {
                ring.submit(h, this, false); // with the loop's next wait: this runs inside its reaping
                return;
            } catch (UncheckedIOException e) {
                // no room on the ring: the call ends with the bytes it moved
            }
        }
        int slot = CallCounters.slot(h.nr);
        long r = settleRing(h, res);
        if (r == -1) {
            counters.errors.incrementAndGet(slot);
            if (h.errno == Errno.ECANCELED) {
                counters.cancelled.incrementAndGet(slot);
            }
        }
        completions.completeOnLoop(h);
    }

    /**
     * Whether a write the kernel did in part ({@code res} bytes of what was asked) has a rest to
     * submit; if so, advances {@code h}'s arguments past them. Reads complete with what they
     * returned; a call cancelled meanwhile ends with the bytes it moved.
     */
    private static boolean more(LaioCall h, long res) {
        if (res <= 0 || (h.word() & LaioCall.CANCEL_REQUESTED) != 0) {
            return false;
        }
        long nr = h.nr;
        if (nr == Sys.SYS_write || nr == Sys.SYS_pwrite64 || nr == Sys.SYS_sendto) {
            if (res >= h.a3) {
                return false;
            }
            h.progress += res;
            h.a2 += res;
            h.a3 -= res;
            h.a4 = nr == Sys.SYS_pwrite64 ? h.a4 + res : h.a4;
            return true;
        }
        if (nr == Sys.SYS_writev || nr == Sys.SYS_pwritev) {
            MemorySegment iov = Iovecs.array(h.a2, h.a3);
            long total = IovecLayout.total(iov, h.a3);
            if (res >= total) {
                return false;
            }
            MemorySegment rest = Iovecs.rest(iov, h.a3, res);
            h.progress += res;
            h.keepAlive = rest; // the caller's buffers stay the caller's; the new array is ours to keep
            h.a2 = rest.address();
            h.a3 = rest.byteSize() / IovecLayout.SIZE;
            h.a4 = nr == Sys.SYS_pwritev ? h.a4 + res : h.a4;
            return true;
        }
        return false;
    }

    /** A ring call's outcome from the kernel's {@code res}, with the bytes moved before (inline, or by earlier parts). */
    private static long settleRing(LaioCall h, int res) {
        long moved = h.bias + h.progress;
        if (res >= 0) {
            h.result = res + moved;
            h.errno = 0;
        } else if (moved > 0) {
            h.result = moved; // what was done before the error: a short count, as from a plain call
            h.errno = 0;
        } else {
            h.result = -1;
            h.errno = -res;
        }
        return h.result;
    }

    /**
     * Laio.cancel of {@code c} (generation {@code gen}) that found it running: a call in flight on
     * the ring is cancelled there ({@code IORING_OP_ASYNC_CANCEL}) — at once on the loop thread,
     * which then knows whether it was stopped; from another thread by a task on the loop, and
     * the answer is {@code false} (it completes cancelled or normally). Else {@code false}.
     */
    public boolean cancelInFlight(LaioCall c, long gen) {
        // ringSlot is the loop thread's: another thread may read it stale. A stale -1 leaves the
        // call running to its normal end, as a cancel of a running helper call does; a stale slot
        // posts a task that the generation check there turns into nothing
        if (ring == null || c.ringSlot < 0) {
            return false;
        }
        if (owner.base().inLoop()) {
            return ring.cancel(c, gen);
        }
        try {
            owner.base().execute(() -> ring.cancel(c, gen)); // rare: one task allocated
        } catch (IllegalStateException e) {
            // the base is closed: its ring and every entry went with it
        }
        return false;
    }

    /**
     * Laio.close(): the calls in flight on the ring are cancelled and waited for until
     * {@code deadlineNanos}. Laio's close contract puts it on the loop thread, or on the owning
     * thread while no loop runs: the ring's one user either way.
     */
    public void closeRing(long deadlineNanos) {
        closing = true;
        if (ring != null) {
            if (failureSink >= 0) {
                try {
                    ring.flush(); // unawaited closes still queued: no later pass may come to submit them
                } catch (UncheckedIOException e) {
                    LOG.warn("closing a Laio: the ring refused its queued closes", e);
                }
            }
            ring.closeCalls(owner, deadlineNanos);
            if (failureSink >= 0) {
                ring.releaseFailureSink(failureSink); // a failure still to come is logged by the ring
                failureSink = -1;
            }
        }
    }

    /** An inline call's result: the thread's errno and the counters. */
    private long settle(ThreadState ts, int slot, long r) {
        counters.inline.incrementAndGet(slot);
        if (r == -1) {
            ts.errno = Syscalls.errno(ts.capture);
            counters.errors.incrementAndGet(slot);
        } else {
            ts.errno = 0;
        }
        return r;
    }
}
