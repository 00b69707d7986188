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

import static io.laio.abi.AtFlags.AT_FDCWD;

import io.laio.abi.IovecLayout;
import io.laio.abi.PollfdLayout;
import io.laio.abi.StatxLayout;
import io.laio.abi.TimespecLayout;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.spi.LoopSource;
import io.laio.event.spi.Loops;
import io.laio.event.spi.Waker;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * Lazy Asynchronous I/O: {@link #syscall(long, long, long, long, long, long, long) syscall}
 * runs any Linux system call; if it completes without blocking you get its result at once, as
 * from a plain call; if it would block you get {@code -1} with {@link #errno()} ==
 * {@link Errno#EINPROGRESS}, it finishes in the background, and it is reported once, complete,
 * as an {@link io.laio.event.Ev#LAIO} event (attached mode) or through {@link #poll}
 * (standalone mode).
 *
 * <p><b>Threading.</b> {@code syscall}, the typed helpers, {@link #call}, {@link #errno()},
 * {@link #gethandle()}, {@link #cancel} and {@link #stats()} may be called from any thread;
 * {@code errno()} and {@code gethandle()} report the calling thread's own last call. In
 * attached mode completions are delivered on the loop thread of the base; in standalone mode
 * one thread at a time calls {@link #poll}. {@link #close()} from the owning thread (the loop
 * thread, when attached and the loop runs).
 *
 * <p><b>Return convention</b> (that of {@code syscall(2)}; the typed helpers keep it):
 * <ul>
 *   <li>{@code >= 0} (or any value other than {@code -1}): the call completed inline; its result.
 *       {@link #gethandle()} returns {@code null}.</li>
 *   <li>{@code -1}, {@code errno() == EINPROGRESS}: it continues in the background;
 *       {@link #gethandle()} returns its handle. Keep every buffer it uses alive and
 *       unchanged until it is reported.</li>
 *   <li>{@code -1}, {@code errno() == EAGAIN} <em>with</em> {@code gethandle() == null} and a
 *       call that would have blocked: the background is full ({@code maxHelpers + maxQueued}
 *       calls in flight); nothing was started, retry later. (A kernel EAGAIN from a
 *       non-blocking descriptor looks the same: it, too, means "retry later".)</li>
 *   <li>a read or write that had already moved some bytes without blocking when the background
 *       refused the rest: that many, a short count as from a plain call (never {@code EAGAIN},
 *       which would make a retry skip or repeat them).</li>
 *   <li>{@code -1}, any other errno: the call failed inline, as the kernel said.</li>
 * </ul>
 * A background call's own outcome has the same shape: {@link io.laio.event.Event#result()} /
 * {@link LaioCompletion#returnValue()} is the kernel's return value, {@code -1} with the errno
 * in {@link io.laio.event.Event#error()} / {@link LaioCompletion#errno()} on failure, and
 * {@link Errno#ECANCELED} for a call cancelled before it ran.
 *
 * <p><b>Policies</b> ({@link LaioConfig}): {@link Policy#LAZY} (default) tries each call without
 * blocking first; {@link Policy#EAGER} sends every call to a helper thread; {@link Policy#INLINE}
 * makes plain blocking calls. Numbers are {@link Sys}'s x86_64 numbers on every architecture.
 *
 * <p><b>Where a background call runs.</b> Under LAZY, a socket or pipe call that would block
 * waits on one internal epoll thread (the socket waiter) that retries it without blocking until
 * it completes in its entirety; it holds no helper, so thousands may wait. Every other
 * background call runs on a helper thread of one of three lanes — file data, metadata (path
 * lookups, directories) and {@link #call Java calls} — so a flood of one kind cannot starve
 * the others.
 *
 * <p><b>Allocation.</b> A background call allocates nothing in the steady state: its record is
 * pooled per Laio and the queues are intrusive. Only its {@link LaioHandle} (24 bytes) is made,
 * and only when asked for ({@link #gethandle()}, {@link LaioCompletion#handle()}); a handle
 * becomes stale once its record is recycled (see {@link LaioHandle} for exactly when).
 *
 * <p><b>Hand-off.</b> Helpers spin up to 20 µs for new work before they park, and an attached
 * loop about to sleep spins up to 50 µs for a completion while helper calls are in flight
 * (completions then need no wake-up), both only while the machine has a core to spare: at most
 * as many runnable threads as cores in {@code /proc/loadavg}, sampled every 20 ms. Otherwise
 * they sleep and the loop is woken only when it is (about to be) asleep. Both spins are set in
 * {@link LaioConfig} ({@code helperSpin}, {@code loopSpin}; zero turns one off). A spinning loop
 * answers other event sources up to one spin later.
 */
public final class Laio implements AutoCloseable {
    private final LaioConfig config;
    private final EventBase base;
    /**
     * Helper lanes, so a flood of one kind of slow call cannot starve the others (libuv's
     * getaddrinfo-starves-the-filesystem problem): file data, metadata (path lookups, directory
     * reads), and Java {@link BlockingOp}s. Each lane has up to {@code maxHelpers} threads; the
     * in-flight bound is shared.
     */
    private final HelperPool dataLane;
    private final HelperPool metaLane;
    private final HelperPool javaLane;
    /** Completed calls, from helpers and the waiter to the loop (or poll): intrusive, allocates nothing. */
    private final CallQueue completions = new CallQueue(false);
    /** Recycled call records, reused by the next background calls (any thread takes, the consumer returns). */
    private final MpmcAtomicArrayQueue<LaioCall> pool = new MpmcAtomicArrayQueue<>(POOL_SIZE);
    static final int POOL_SIZE = 1024;
    /**
     * Consumer side: calls reported (to an event, or by the last poll) and not yet recycled —
     * each waits until its receiver is done with it (see {@link LaioHandle}).
     */
    private LaioCall[] reportedCalls = new LaioCall[64];
    private int reportedCount;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private final CallCounters counters = new CallCounters();
    final LazyProbe probe; // package-private: tests mark what a descriptor's file system refuses
    private final Waker loopWaker;
    private final CompletionSource source;
    /** Socket calls waiting for readiness have their own bound: they hold no thread. */
    static final int MAX_WAITING_SOCKETS = 1 << 20;
    /** {@link #MAX_WAITING_SOCKETS}, lowered by tests that need a refused wait. */
    int maxWaitingSockets = MAX_WAITING_SOCKETS;
    private final AtomicInteger waitingSockets = new AtomicInteger();
    private volatile SocketWaiter waiter;
    /** Socket waits on the loop's own epoll, when the base polls with one (else null: the waiter thread). */
    private final LoopSocketWaits loopWaits;
    /**
     * Attached mode: whether the loop may be asleep (or about to sleep) without having seen the
     * completion queue. Only then does a helper that completes a call wake it. The loop sets it
     * in {@link CompletionSource#isEmpty()} — the last thing it checks before it sleeps — and
     * then re-reads the queue; it clears it at the start of {@link CompletionSource#drain}, before
     * it reads the queue. The helper enqueues, then reads it (a Dekker pair of volatile accesses:
     * either the helper sees {@code true} and wakes the loop, or the loop's re-read sees the
     * call). While the loop is awake and will drain, or spins on the queue, completions cost no
     * wake-up at all — not even the loop waker's atomic swap.
     */
    private volatile boolean loopMaySleep;
    private volatile Thread poller;
    private volatile boolean closed;
    /**
     * Submitters inside {@link #submit}; closed by {@link #close()}, which then waits for them:
     * close's cancel passes run after every accepted call is in its queue, so no call is stranded
     * behind them and none is handed to a stopped waiter.
     */
    private final SubmitGate submitGate = new SubmitGate();

    private Laio(EventBase base, LaioConfig config) {
        this.config = config;
        this.base = base;
        this.maxInFlight = config.maxHelpers() + config.maxQueued();
        long idle = config.helperIdle().toNanos();
        long spin = config.helperSpin().toNanos();
        this.dataLane = new HelperPool("laio-helper-data", config.maxHelpers(), idle, spin, this::runInBackground,
                this::refuse);
        this.metaLane = new HelperPool("laio-helper-meta", config.maxHelpers(), idle, spin, this::runInBackground,
                this::refuse);
        this.javaLane = new HelperPool("laio-helper-java", config.maxHelpers(), idle, spin, this::runInBackground,
                this::refuse);
        this.loopSpinNanos = config.loopSpin().toNanos();
        this.loopSpins = Runtime.getRuntime().availableProcessors() > 1 && loopSpinNanos > 0;
        this.probe = new LazyProbe(counters);
        if (base != null) {
            source = new CompletionSource();
            loopWaker = Loops.attach(base, source);
        } else {
            source = null;
            loopWaker = null;
        }
        loopWaits = base != null && base.backendName().equals("epoll") ? new LoopSocketWaits(base, this::complete) : null;
    }

    /** A standalone Laio with the default configuration: collect completions with {@link #poll}. */
    public static Laio create() {
        return create(LaioConfig.defaults());
    }

    /** A standalone Laio: collect completions with {@link #poll}. */
    public static Laio create(LaioConfig c) {
        return new Laio(null, java.util.Objects.requireNonNull(c, "config"));
    }

    /**
     * A Laio whose completions are {@link io.laio.event.Ev#LAIO} events on {@code b}. Call it on
     * the thread that owns the base (before the loop runs) or on the loop thread.
     */
    public static Laio attach(EventBase b) {
        return attach(b, LaioConfig.defaults());
    }

    /**
     * A Laio with configuration {@code c} whose completions are {@link io.laio.event.Ev#LAIO}
     * events on {@code b}. Call it on the thread that owns the base (before the loop runs) or on
     * the loop thread. On a base whose backend is {@code epoll}, the Laio waits for its socket
     * calls on the loop's own epoll; on any other, on the shared socket-waiter thread.
     *
     * @param b the base that runs the completion events
     * @param c the configuration
     * @return a new Laio attached to {@code b}; close it before the base
     * @throws NullPointerException if {@code b} or {@code c} is {@code null}
     */
    public static Laio attach(EventBase b, LaioConfig c) {
        return new Laio(java.util.Objects.requireNonNull(b, "base"), java.util.Objects.requireNonNull(c, "config"));
    }

    /** The base this Laio is attached to, or {@code null} when standalone. */
    public EventBase base() {
        return base;
    }

    /**
     * The configuration it was made with.
     *
     * @return the configuration given to {@code create} or {@code attach}, or
     *         {@link LaioConfig#defaults()}
     */
    public LaioConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ syscall

    /**
     * Runs system call {@code nr} with no arguments: the same as
     * {@link #syscall(long, long, long, long, long, long, long)} with all six 0 (the kernel
     * ignores the arguments a call does not take). Pointer arguments are
     * {@link MemorySegment#address()}.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @return per the class comment's return convention: the result when it completed inline;
     *         {@code -1} with {@link #errno()} {@link Errno#EINPROGRESS} when it continues in the
     *         background ({@link #gethandle()} has its handle); {@code -1} with another errno
     *         when it failed or was refused
     * @throws IllegalStateException if this Laio is closed
     */
    public long syscall(long nr) {
        return syscall(nr, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Runs system call {@code nr} with one argument: the same as
     * {@link #syscall(long, long, long, long, long, long, long)} with the other five 0 (the kernel
     * ignores the arguments a call does not take). Pointer arguments are
     * {@link MemorySegment#address()}.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @return per the class comment's return convention: the result when it completed inline;
     *         {@code -1} with {@link #errno()} {@link Errno#EINPROGRESS} when it continues in the
     *         background ({@link #gethandle()} has its handle); {@code -1} with another errno
     *         when it failed or was refused
     * @throws IllegalStateException if this Laio is closed
     */
    public long syscall(long nr, long a1) {
        return syscall(nr, a1, 0, 0, 0, 0, 0);
    }

    /**
     * Runs system call {@code nr} with two arguments: the same as
     * {@link #syscall(long, long, long, long, long, long, long)} with arguments 3 to 6 0 (the kernel
     * ignores the arguments a call does not take). Pointer arguments are
     * {@link MemorySegment#address()}.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @return per the class comment's return convention: the result when it completed inline;
     *         {@code -1} with {@link #errno()} {@link Errno#EINPROGRESS} when it continues in the
     *         background ({@link #gethandle()} has its handle); {@code -1} with another errno
     *         when it failed or was refused
     * @throws IllegalStateException if this Laio is closed
     */
    public long syscall(long nr, long a1, long a2) {
        return syscall(nr, a1, a2, 0, 0, 0, 0);
    }

    /**
     * Runs system call {@code nr} with three arguments: the same as
     * {@link #syscall(long, long, long, long, long, long, long)} with arguments 4 to 6 0 (the kernel
     * ignores the arguments a call does not take). Pointer arguments are
     * {@link MemorySegment#address()}.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @param a3 argument 3 of the call
     * @return per the class comment's return convention: the result when it completed inline;
     *         {@code -1} with {@link #errno()} {@link Errno#EINPROGRESS} when it continues in the
     *         background ({@link #gethandle()} has its handle); {@code -1} with another errno
     *         when it failed or was refused
     * @throws IllegalStateException if this Laio is closed
     */
    public long syscall(long nr, long a1, long a2, long a3) {
        return syscall(nr, a1, a2, a3, 0, 0, 0);
    }

    /**
     * Runs system call {@code nr} with four arguments: the same as
     * {@link #syscall(long, long, long, long, long, long, long)} with arguments 5 to 6 0 (the kernel
     * ignores the arguments a call does not take). Pointer arguments are
     * {@link MemorySegment#address()}.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @param a3 argument 3 of the call
     * @param a4 argument 4 of the call
     * @return per the class comment's return convention: the result when it completed inline;
     *         {@code -1} with {@link #errno()} {@link Errno#EINPROGRESS} when it continues in the
     *         background ({@link #gethandle()} has its handle); {@code -1} with another errno
     *         when it failed or was refused
     * @throws IllegalStateException if this Laio is closed
     */
    public long syscall(long nr, long a1, long a2, long a3, long a4) {
        return syscall(nr, a1, a2, a3, a4, 0, 0);
    }

    /**
     * Runs system call {@code nr} with five arguments: the same as
     * {@link #syscall(long, long, long, long, long, long, long)} with arguments 6 to 6 0 (the kernel
     * ignores the arguments a call does not take). Pointer arguments are
     * {@link MemorySegment#address()}.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @param a3 argument 3 of the call
     * @param a4 argument 4 of the call
     * @param a5 argument 5 of the call
     * @return per the class comment's return convention: the result when it completed inline;
     *         {@code -1} with {@link #errno()} {@link Errno#EINPROGRESS} when it continues in the
     *         background ({@link #gethandle()} has its handle); {@code -1} with another errno
     *         when it failed or was refused
     * @throws IllegalStateException if this Laio is closed
     */
    public long syscall(long nr, long a1, long a2, long a3, long a4, long a5) {
        return syscall(nr, a1, a2, a3, a4, a5, 0);
    }

    /**
     * Runs system call {@code nr} ({@link Sys}) with up to six arguments (unused ones are 0;
     * pointers are {@link MemorySegment#address()}). See the class comment for what it returns.
     *
     * @throws IllegalStateException if this Laio is closed
     */
    public long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return syscall(nr, a1, a2, a3, a4, a5, a6, null);
    }

    /**
     * {@code keepAlive}: native memory the call uses, kept reachable until the call is done —
     * through the downcall here when it completes inline, by its record when it goes on in the
     * background. Only its address reaches the kernel, and a segment the Java code no longer
     * uses may be collected (its auto arena freed) while the kernel is still reading or filling
     * it: the fence below is what stops that, for INLINE and for every probe.
     */
    private long syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6, MemorySegment keepAlive) {
        ThreadState ts = ThreadState.current();
        ts.lastCall = null;
        int slot = CallCounters.slot(nr);
        long r = switch (config.policy(nr)) {
            case INLINE -> inline(ts, slot, nr, a1, a2, a3, a4, a5, a6);
            case EAGER -> background(ts, slot, nr, a1, a2, a3, a4, a5, a6, null, 0, keepAlive);
            case LAZY -> lazy(ts, slot, nr, a1, a2, a3, a4, a5, a6, keepAlive);
        };
        Reference.reachabilityFence(keepAlive);
        return r;
    }

    private long inline(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        long r = Syscalls.call(ts.capture, nr, a1, a2, a3, a4, a5, a6);
        counters.inline.incrementAndGet(slot);
        return settle(ts, slot, r);
    }

    private long settle(ThreadState ts, int slot, long r) {
        if (r == -1) {
            ts.errno = Syscalls.errno(ts.capture);
            counters.errors.incrementAndGet(slot);
        } else {
            ts.errno = 0;
        }
        return r;
    }

    private long lazy(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            MemorySegment keepAlive) {
        if (LazyProbe.neverBlocks(nr, a2)) {
            if (nr == Sys.SYS_close) {
                probe.history.forget(a1);
            }
            long r = Syscalls.fast(ts.capture, nr, a1, a2, a3, a4, a5, a6);
            counters.inline.incrementAndGet(slot);
            return settle(ts, slot, r);
        }
        long r = probe.tryInline(ts, slot, nr, a1, a2, a3, a4, a5, a6);
        if (r == LazyProbe.WOULD_BLOCK) {
            long done = ts.partial;
            ts.partial = 0;
            boolean fileMiss = ts.fileMiss;
            ts.fileMiss = false;
            if (done > 0) {
                // part done without blocking: the rest continues in the background, reported as the total
                if (nr == Sys.SYS_sendfile) {
                    a4 -= done; // the kernel moved the offset (or the file position) itself
                } else if (nr == Sys.SYS_readv || nr == Sys.SYS_preadv) {
                    MemorySegment rest = ts.partialIov; // the caller's iovecs, moved past what was read
                    ts.partialIov = null;
                    a2 = rest.address();
                    a3 = rest.byteSize() / IovecLayout.SIZE;
                    a4 = LazyProbe.advanceOffset(nr, a4, done);
                    keepAlive = rest; // raw readv/preadv have no memory of their own to keep
                } else {
                    a2 += done;
                    a3 -= done;
                    a4 = LazyProbe.advanceOffset(nr, a4, done);
                }
            }
            if (SocketWaiter.handles(nr)) {
                // recvfrom, sendto and accept answer ENOTSOCK on anything else: one that would
                // block is on a socket, and a statx per keep-alive wait is saved
                int type = nr == Sys.SYS_read || nr == Sys.SYS_write ? LazyProbe.fileType(ts, a1) : StatxLayout.S_IFSOCK;
                boolean pipe = type == StatxLayout.S_IFIFO && (nr == Sys.SYS_read || nr == Sys.SYS_write);
                if (type == StatxLayout.S_IFSOCK || pipe) {
                    return waitForSocket(ts, slot, nr, a1, a2, a3, a4, a5, a6, done, pipe, keepAlive);
                }
            } else if (SocketWaiter.handlesOnNonBlockingSocket(nr) && !fileMiss && LazyProbe.isNonBlocking(ts, a1)
                    && LazyProbe.isSocket(ts, a1)) {
                // the socket is what it waits for; a sendfile of uncached pages would block whoever
                // retried it on reading them, so that one goes to a helper (sendfileAll) instead
                return waitForSocket(ts, slot, nr, a1, a2, a3, a4, a5, a6, done, false, keepAlive);
            }
            return background(ts, slot, nr, a1, a2, a3, a4, a5, a6, null, done, keepAlive);
        }
        counters.inline.incrementAndGet(slot);
        if (r == -1) {
            counters.errors.incrementAndGet(slot);
        }
        return r; // the probe set ts.errno
    }

    private long background(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            BlockingOp op, long bias, MemorySegment keepAlive) {
        return submit(ts, slot, nr, a1, a2, a3, a4, a5, a6, op, bias, keepAlive, false, false);
    }

    /**
     * A socket (or pipe) call that would block waits on the socket waiter's epoll: no thread per
     * blocked descriptor.
     */
    private long waitForSocket(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            long bias, boolean pipe, MemorySegment keepAlive) {
        return submit(ts, slot, nr, a1, a2, a3, a4, a5, a6, null, bias, keepAlive, true, pipe);
    }

    /**
     * Starts a background call: counted at submission against its bound (helpers: maxHelpers +
     * maxQueued; socket waits: {@link #MAX_WAITING_SOCKETS}, since they hold no thread), beyond
     * which it is refused with EAGAIN and nothing starts.
     */
    private long submit(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            BlockingOp op, long bias, MemorySegment keepAlive, boolean viaWaiter, boolean pipe) {
        if (!submitGate.enter()) {
            throw new IllegalStateException("Laio is closed");
        }
        try {
            return enqueue(ts, slot, nr, a1, a2, a3, a4, a5, a6, op, bias, keepAlive, viaWaiter, pipe);
        } finally {
            submitGate.leave();
        }
    }

    /** Inside {@link #submitGate}: counts, fills and hands over the call. */
    private long enqueue(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            BlockingOp op, long bias, MemorySegment keepAlive, boolean viaWaiter, boolean pipe) {
        AtomicInteger count = viaWaiter ? waitingSockets : inFlight;
        if (count.incrementAndGet() > (viaWaiter ? maxWaitingSockets : maxInFlight)) {
            count.decrementAndGet();
            return refused(ts, slot, bias);
        }
        LaioCall h = pool.poll();
        if (h == null) {
            h = new LaioCall(this);
        }
        h.init(nr, a1, a2, a3, a4, a5, a6, op, bias, keepAlive, viaWaiter, pipe);
        counters.background.incrementAndGet(slot);
        ts.lastCall = h;
        ts.lastGen = h.generation(); // before it is published: afterwards it may complete and be recycled
        ts.errno = Errno.EINPROGRESS;
        if (viaWaiter) {
            if (loopWaits != null && base.inLoop()) {
                loopWaits.submit(h); // the loop's own epoll watches it: no thread hand-off
            } else {
                toWaiter(h);
            }
        } else {
            lane(nr, op).submit(h);
        }
        return -1;
    }

    /**
     * The background is full: nothing starts, {@code -1}/{@code EAGAIN}. But when the probe had
     * already moved {@code done} bytes (and the file position, or the pipe's contents), "nothing
     * was started" would be false: a retried read would skip them, a retried write send them
     * twice. Those bytes are the call's result then — a legal short count, completed inline.
     */
    private long refused(ThreadState ts, int slot, long done) {
        if (done > 0) {
            counters.inline.incrementAndGet(slot);
            ts.errno = 0;
            return done;
        }
        counters.rejected.incrementAndGet(slot);
        ts.errno = Errno.EAGAIN;
        return -1;
    }

    private HelperPool lane(long nr, BlockingOp op) {
        if (op != null) {
            return javaLane;
        }
        return LazyProbe.isMetadata(nr) ? metaLane : dataLane;
    }

    /**
     * Hands a socket wait to the waiter thread. A waiter whose epoll failed has stopped (it ended
     * the calls it held with that errno) and refuses new ones: a new waiter takes over. Not while
     * closing: close stops the waiter only after every submitter has left {@link #submitGate}.
     */
    private void toWaiter(LaioCall h) {
        SocketWaiter w = waiter;
        while (w == null || !w.submit(h)) {
            w = newWaiter(w);
        }
    }

    private synchronized SocketWaiter newWaiter(SocketWaiter dead) {
        SocketWaiter w = waiter;
        if (w == dead) { // null, or stopped: no other submitter replaced it yet
            w = new SocketWaiter(this::complete);
            waiter = w;
        }
        return w;
    }

    /** On a helper thread. */
    private void runInBackground(LaioCall h, ThreadState ts) {
        long r;
        int err = 0;
        if (h.op != null) {
            try {
                r = h.op.run();
            } catch (Throwable t) {
                h.exception = t;
                r = -1;
                err = Errno.EIO;
            }
        } else if (h.nr == Sys.SYS_sendfile) {
            r = sendfileAll(ts, h);
            if (r == -1) {
                err = Syscalls.errno(ts.capture);
            }
        } else {
            r = Syscalls.call(ts.capture, h.nr, h.a1, h.a2, h.a3, h.a4, h.a5, h.a6);
            if (r == -1) {
                err = Syscalls.errno(ts.capture);
            }
        }
        if (h.bias > 0) {
            // the inline part succeeded: report the total, or what was done if the rest failed
            r = r == -1 ? h.bias : r + h.bias;
            err = 0;
        }
        h.result = r;
        h.errno = err;
        if (r == -1) {
            counters.errors.incrementAndGet(CallCounters.slot(h.nr));
        }
        complete(h);
    }

    /** A helper lane could start no helper and has none alive: the call will not run and ends with {@code errno}. */
    private void refuse(LaioCall h, int errno) {
        h.endUnfinished(errno);
        if (h.result == -1) {
            counters.errors.incrementAndGet(CallCounters.slot(h.nr));
        }
        complete(h);
    }

    /**
     * On a helper: sendfile until all {@code count} bytes are sent, end of file, or an error. The
     * disk reads block this helper, not the loop; a non-blocking socket that fills up is waited
     * for here with {@code ppoll} (a helper may block). Returns the bytes sent, or -1 with errno
     * set if nothing was.
     */
    private static long sendfileAll(ThreadState ts, LaioCall h) {
        long done = 0;
        while (done < h.a4) {
            long r = Syscalls.call(ts.capture, Sys.SYS_sendfile, h.a1, h.a2, h.a3, h.a4 - done);
            if (r > 0) {
                done += r;
            } else if (r == 0) {
                break; // end of file
            } else if (Syscalls.errno(ts.capture) == Errno.EAGAIN) {
                if (Ppoll.one(ts.capture, ts.scratch, (int) h.a1, PollfdLayout.POLLOUT, true) == -1 && Syscalls.errno(ts.capture) != Errno.EINTR) {
                    return done > 0 ? done : -1;
                }
            } else if (Syscalls.errno(ts.capture) != Errno.EINTR) {
                return done > 0 ? done : -1; // an error after progress: report what was sent (POSIX)
            }
        }
        return done;
    }

    private void complete(LaioCall h) {
        if (h.state() != LaioCall.DONE) {
            h.finish();
        }
        counters.latency(System.nanoTime() - h.submittedNanos);
        AtomicInteger count = h.viaWaiter ? waitingSockets : inFlight;
        completions.offer(h); // from here on the loop (or poll) may recycle h: do not touch it
        count.decrementAndGet(); // after the offer: a loop spinning while inFlight > 0 never misses the last one
        if (loopWaker != null) {
            if (loopMaySleep) { // otherwise the loop will drain (or is spinning on) the queue
                loopWaker.wakeup();
            }
        } else {
            Thread p = poller;
            if (p != null) {
                LockSupport.unpark(p);
            }
        }
    }

    // ------------------------------------------------------------------ the calling thread's state

    /** The errno of the calling thread's last {@link #syscall} (0 after success). */
    public static int errno() {
        return ThreadState.current().errno;
    }

    /**
     * The handle of the calling thread's last background call, or {@code null} if its last call
     * completed inline (or was refused). Ask for it right after the call: it stays valid until
     * the call's completion has been reported and its receiver is done with it — in attached
     * mode once the callback of the {@link io.laio.event.Ev#LAIO} event that received it has
     * returned (or that event was deleted), in standalone mode until the next {@link #poll} on
     * this Laio after the one that returned it. After that the handle is <em>stale</em>: the
     * record behind it is reused by a later call, and every use of the old handle throws
     * {@link IllegalArgumentException} (see {@link LaioHandle}).
     */
    public LaioHandle gethandle() {
        ThreadState ts = ThreadState.current();
        LaioCall c = ts.lastCall;
        return c == null ? null : c.handle(ts.lastGen);
    }

    // ------------------------------------------------------------------ completions

    /**
     * Standalone mode: fills {@code out[0..]} with up to {@code max} completed background calls,
     * each reported exactly once, waiting up to {@code timeout} for the first ({@code null}:
     * no limit; {@link Duration#ZERO}: do not wait).
     *
     * <p>Entering {@code poll} ends the previous poll's completions: their handles become stale
     * and their records are reused (the values copied into each {@link LaioCompletion} stay).
     *
     * @return how many were filled (0 if the timeout elapsed)
     * @throws IllegalStateException    when attached to an event base (completions are events)
     * @throws IllegalArgumentException if {@code max < 1} or {@code max > out.length}
     */
    public synchronized int poll(LaioCompletion[] out, int max, Duration timeout) {
        if (base != null) {
            throw new IllegalStateException("poll() is for a standalone Laio; this one is attached to an EventBase,"
                    + " so its completions arrive as Ev.LAIO events");
        }
        if (max < 1 || max > out.length) {
            throw new IllegalArgumentException("max must be 1.." + out.length + ", was " + max);
        }
        recycleReported(false);
        int n = drainInto(out, max);
        if (n > 0 || (timeout != null && timeout.isZero())) {
            return n;
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        poller = Thread.currentThread();
        try {
            while (true) {
                n = drainInto(out, max); // after publishing poller: a helper either sees us or we see its item
                if (n > 0) {
                    return n;
                }
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return 0;
                }
                LockSupport.parkNanos(this, Math.min(left, 1_000_000_000L)); // re-check interrupts now and then
            }
        } finally {
            poller = null;
        }
    }

    private int drainInto(LaioCompletion[] out, int max) {
        int n = 0;
        LaioCall h;
        while (n < max && (h = completions.poll()) != null) {
            h.drained = true;
            h.reported = true;
            out[n++].fill(h);
            reported(h);
        }
        return n;
    }

    /** Consumer thread: {@code h} was reported; recycle it once its receiver is done with it. */
    void reported(LaioCall h) {
        if (h.pinned || closed) {
            return; // still linked into the queue it was cancelled in: never reused
        }
        if (reportedCount == reportedCalls.length) {
            reportedCalls = java.util.Arrays.copyOf(reportedCalls, reportedCount * 2);
        }
        reportedCalls[reportedCount++] = h;
    }

    /**
     * Consumer thread: recycles the reported calls whose receiver is done — all of them after a
     * poll; in attached mode those whose event is neither active nor pending any more (its
     * callback returned, or it was deleted). Those still waiting keep their order.
     */
    private void recycleReported(boolean attached) {
        int keep = 0;
        LaioCall[] calls = reportedCalls;
        if (closed) { // nothing is reused any more
            java.util.Arrays.fill(calls, 0, reportedCount, null);
            reportedCount = 0;
            return;
        }
        for (int i = 0, n = reportedCount; i < n; i++) {
            LaioCall h = calls[i];
            calls[i] = null;
            Event ev = h.waiting;
            if (attached && ev != null && ev.pending(Ev.LAIO)) {
                calls[keep++] = h; // its callback has not run yet (or it is a persistent event, still added)
                continue;
            }
            h.recycle();
            pool.offer(h); // a full pool drops it: the garbage collector takes it
        }
        reportedCount = keep;
    }

    /** Attached mode: the loop drains completions and delivers them to the events waiting on them. */
    private final class CompletionSource implements LoopSource {
        @Override
        public int drain(int max) {
            if (loopMaySleep) {
                loopMaySleep = false; // before reading the queue: from here on a helper relies on this drain
            }
            if (reportedCount != 0) {
                recycleReported(true); // a pass later: the callbacks of what was delivered before have run
            }
            int n = 0;
            LaioCall h;
            while (n < max && (h = completions.poll()) != null) {
                n++;
                h.drained = true;
                if (h.waiting != null && !h.reported) {
                    h.reported = true;
                    Loops.deliver(h.waiting, h.result, h.errno);
                    reported(h);
                }
            }
            return n;
        }

        /** Loop thread only: consecutive spins that ended without a completion. */
        private int spinMisses;
        private int spinSkips;

        /**
         * Whether nothing is queued. The loop calls it right before it sleeps (after every drain,
         * before every sleep). On the loop thread, with nothing queued: if calls are in flight on
         * helpers, a second core exists, the machine has a core to spare ({@link SpinGate}) and
         * recent spins paid, it first spins up to
         * {@link LaioConfig#loopSpin()} for a completion — a sleeping hand-off costs 15-30 µs here
         * (docs/design/costs.md), a helper's getpid 1 µs; spins that keep missing (long calls) back off:
         * after 8 misses in a row it spins only every 8th time. Then it publishes
         * {@link #loopMaySleep} and re-reads the queue.
         */
        @Override
        public boolean isEmpty() {
            if (!completions.isEmpty()) {
                return false; // the loop will drain: no helper needs to wake it
            }
            if (!base.inLoop()) {
                return true;
            }
            if (loopSpins && inFlight.get() != 0 && (spinMisses < 8 || (++spinSkips & 7) == 0) && SpinGate.open()) {
                long end = System.nanoTime() + loopSpinNanos;
                boolean got;
                do {
                    Thread.onSpinWait();
                    got = !completions.isEmpty();
                } while (!got && inFlight.get() != 0 && System.nanoTime() - end < 0 && !closed);
                spinMisses = got ? 0 : spinMisses + 1;
                if (got) {
                    return false;
                }
            }
            loopMaySleep = true;
            return completions.isEmpty(); // after publishing: a helper that did not wake us is seen here
        }
    }

    /** How long the loop spins for a completion before it sleeps ({@link LaioConfig#loopSpin()}). */
    private final long loopSpinNanos;
    /** The loop spins for completions only when another core can run the helper meanwhile. */
    private final boolean loopSpins;

    /**
     * Cancels a background call: if no helper has started it, it never runs and completes with
     * {@code -1}/{@link Errno#ECANCELED} (still reported once) — or, when its inline attempt had
     * already moved bytes before the rest went to the background (a partial send, a read of the
     * cached part of a range), with that count and errno 0, a short read or write, because the
     * bytes did move (and a file position with them); if it is running or done, it completes
     * normally and {@link LaioHandle#cancelled()} is set.
     *
     * <p>A socket (or pipe) call waiting for readiness is QUEUED between retries, so a cancel
     * then stops it ({@code true}). A cancel that arrives while a retry runs returns
     * {@code false}, and the retry decides: if it completes the call, the call completes
     * normally; if it would block again, the call does not wait again but completes as
     * cancelled — {@code -1}/{@link Errno#ECANCELED}, or, for a write that already moved bytes
     * (in earlier retries, or inline before it went to the background), that count with errno 0,
     * like a short write, since {@code -1} would hide that bytes went out. Either way a cancel of
     * a socket wait is never lost. Any thread; the wait's descriptor stops being watched (on an
     * epoll base, the loop thread drops it at its next pass).
     *
     * @return whether the call was stopped before it ran (or between two retries)
     * @throws IllegalArgumentException if the handle belongs to another Laio, or is stale (its
     *                                  call was reported and the handle recycled; see {@link #gethandle()})
     */
    public boolean cancel(LaioHandle h) {
        LaioCall c = h.call;
        if (c.owner != this) {
            throw new IllegalArgumentException("the handle belongs to another Laio");
        }
        int r = c.cancel(h.gen);
        if (r < 0) {
            throw LaioHandle.stale("cancel", h);
        }
        if (r == 0) {
            return false;
        }
        c.pinned = true; // it stays in the work queue (or the waiter's) until a helper skips it
        c.endUnfinished(Errno.ECANCELED);
        counters.cancelled.incrementAndGet(CallCounters.slot(c.nr));
        int fd = (int) c.a1;
        boolean watched = loopWaits != null && c.viaWaiter;
        complete(c); // from here on c may be recycled: fd was read before
        if (watched) {
            forgetWait(fd);
        }
        return true;
    }

    /**
     * A cancelled socket wait may sit in the loop's per-descriptor record (only the loop thread
     * touches it): stop watching a descriptor nothing waits on any more — now on the loop thread,
     * else by a task the loop runs next. (If the loop reuses the number first, its submit prunes
     * the cancelled call itself, {@link LoopSocketWaits#submit}.)
     */
    private void forgetWait(int fd) {
        if (base.inLoop()) {
            loopWaits.cancelled(fd);
            return;
        }
        try {
            base.execute(() -> loopWaits.cancelled(fd)); // a cancel from another thread is rare: one task allocated
        } catch (IllegalStateException e) {
            // the base is closed: its epoll and every registration went with it
        }
    }

    /** close(): a queued call never runs. */
    private void cancelQueued(LaioCall c) {
        if (c.cancelQueued()) {
            c.pinned = true;
            c.endUnfinished(Errno.ECANCELED);
            counters.cancelled.incrementAndGet(CallCounters.slot(c.nr));
            complete(c);
        }
    }

    /**
     * A snapshot of the counters: per-syscall calls, inline and background completions, errors,
     * cancellations, refusals and probe answers since this Laio was made, and the helpers alive,
     * calls queued and calls in flight now. Any thread; each counter is read once, so the
     * snapshot of a busy Laio need not be consistent across counters.
     *
     * @return a new snapshot
     */
    public LaioStats stats() {
        return new LaioStats(counters, dataLane.alive() + metaLane.alive() + javaLane.alive(),
                dataLane.queued() + metaLane.queued() + javaLane.queued(), inFlight.get() + waitingSockets.get());
    }

    /**
     * Cancels queued calls (they complete with {@link Errno#ECANCELED}, delivered to their
     * events when attached), waits up to {@link LaioConfig#closeWait()} for running ones, and
     * stops every helper thread. Later calls that need the background throw
     * {@link IllegalStateException}. Closing twice does nothing.
     *
     * <p><b>A submit racing close</b> from another thread has one of two outcomes: it throws
     * {@link IllegalStateException} (nothing started), or it returns {@code -1}/{@code EINPROGRESS}
     * and its call is cancelled by this close like any queued one ({@code ECANCELED}; reported by
     * the last drain of this close in attached mode, by {@link #poll} when standalone), or
     * completes normally if a helper took it first. Close waits for submitters already inside to
     * hand their call over before it cancels, so no call is stranded in a queue nobody serves and
     * no wake-up is written to a descriptor this close has closed.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        submitGate.close(); // from here on every accepted call is in its queue
        long deadline = System.nanoTime() + config.closeWait().toNanos();
        for (HelperPool lane : new HelperPool[] {dataLane, metaLane, javaLane}) {
            lane.drainQueued(this::cancelQueued);
        }
        for (HelperPool lane : new HelperPool[] {dataLane, metaLane, javaLane}) {
            lane.stop(Math.max(1, deadline - System.nanoTime()));
        }
        SocketWaiter w;
        synchronized (this) {
            w = waiter;
        }
        if (w != null) {
            w.stop(config.closeWait().toNanos()); // waiting socket calls complete with ECANCELED
        }
        if (loopWaits != null) {
            loopWaits.cancelAll();
        }
        if (source != null) {
            source.drain(Integer.MAX_VALUE); // cancelled and finished calls reach their events
            Loops.detach(base, source);
        }
    }

    // ------------------------------------------------------------------ typed helpers
    // Each passes the segment whose address it hands down as keepAlive: reachable through an
    // inline call (the fence in syscall) and held by the record of a background one.

    /** {@code openat(AT_FDCWD, path, flags, mode)}; the path is copied to native memory kept until the call completes. */
    public long open(String path, int flags, int mode) {
        MemorySegment p = Arena.ofAuto().allocateFrom(path);
        return syscall(Sys.SYS_openat, AT_FDCWD, p.address(), flags, mode, 0, 0, p);
    }

    /** {@code read(fd, buf, count)}. */
    public long read(int fd, MemorySegment buf, long count) {
        checkRange(buf, count);
        return syscall(Sys.SYS_read, fd, buf.address(), count, 0, 0, 0, buf);
    }

    /** {@code pread64(fd, buf, count, offset)}. */
    public long pread(int fd, MemorySegment buf, long count, long offset) {
        checkRange(buf, count);
        return syscall(Sys.SYS_pread64, fd, buf.address(), count, offset, 0, 0, buf);
    }

    /** {@code write(fd, buf, count)}. */
    public long write(int fd, MemorySegment buf, long count) {
        checkRange(buf, count);
        return syscall(Sys.SYS_write, fd, buf.address(), count, 0, 0, 0, buf);
    }

    /** {@code close(fd)}. */
    public long close(int fd) {
        return syscall(Sys.SYS_close, fd);
    }

    /** {@code fstat(fd, statbuf)}; {@code statbuf} holds a {@code struct stat} (144 bytes on x86_64). */
    public long fstat(int fd, MemorySegment statbuf) {
        return syscall(Sys.SYS_fstat, fd, statbuf.address(), 0, 0, 0, 0, statbuf);
    }

    /** {@code newfstatat(AT_FDCWD, path, statbuf, 0)}: {@code stat(2)}. */
    public long stat(String path, MemorySegment statbuf) {
        MemorySegment p = Arena.ofAuto().allocateFrom(path);
        long r = syscall(Sys.SYS_newfstatat, AT_FDCWD, p.address(), statbuf.address(), 0, 0, 0, p);
        Reference.reachabilityFence(statbuf); // the record keeps only the path: the caller keeps statbuf (class comment)
        return r;
    }

    /** {@code sendfile(outFd, inFd, offsetPtr, count)}; {@code offsetPtr} may be {@link MemorySegment#NULL}. */
    public long sendfile(int outFd, int inFd, MemorySegment offsetPtr, long count) {
        return syscall(Sys.SYS_sendfile, outFd, inFd, offsetPtr.address(), count, 0, 0, offsetPtr);
    }

    /** {@code accept4(fd, NULL, NULL, flags)}. */
    public long accept(int fd, int flags) {
        return syscall(Sys.SYS_accept4, fd, 0, 0, flags);
    }

    /** {@code connect(fd, addr, addrlen)}. */
    public long connect(int fd, MemorySegment addr, int addrlen) {
        return syscall(Sys.SYS_connect, fd, addr.address(), addrlen, 0, 0, 0, addr);
    }

    /** {@code fsync(fd)}. */
    public long fsync(int fd) {
        return syscall(Sys.SYS_fsync, fd);
    }

    /** {@code nanosleep(d)}: always a background call under LAZY. */
    public long nanosleep(Duration d) {
        MemorySegment ts = Arena.ofAuto().allocate(TimespecLayout.LAYOUT);
        TimespecLayout.set(ts, d.getSeconds(), d.getNano());
        return syscall(Sys.SYS_nanosleep, ts.address(), 0, 0, 0, 0, 0, ts);
    }

    /**
     * Runs blocking Java code like a system call: on a helper thread under LAZY and EAGER (Java
     * code cannot be probed), on the caller's thread under INLINE. Returns what {@code op}
     * returns (inline), or {@code -1}/{@link Errno#EINPROGRESS} with the handle in
     * {@link #gethandle()}. An exception completes it with {@code -1}/{@link Errno#EIO}; in the
     * background the exception is kept in {@link LaioHandle#exception()}.
     */
    public long call(BlockingOp op) {
        ThreadState ts = ThreadState.current();
        ts.lastCall = null;
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
        return background(ts, slot, -1, 0, 0, 0, 0, 0, 0, op, 0, null);
    }

    private static void checkRange(MemorySegment buf, long count) {
        if (count < 0 || count > buf.byteSize()) {
            throw new IndexOutOfBoundsException("count " + count + " outside a buffer of " + buf.byteSize() + " bytes");
        }
    }

    @Override
    public String toString() {
        return "Laio[" + (base == null ? "standalone" : "attached") + ", " + config + (closed ? ", closed" : "") + "]";
    }
}
