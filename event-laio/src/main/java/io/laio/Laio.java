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

import io.laio.abi.TimespecLayout;
import io.laio.event.EventBase;
import io.laio.internal.LaioCall;
import io.laio.internal.ThreadState;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.completion.Completions;
import io.laio.internal.completion.InFlight;
import io.laio.internal.lanes.Background;
import io.laio.internal.route.Router;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Objects;

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
 * the others. Attached to a base on the {@code "uring"} backend, a call made on the loop thread
 * whose system call has an io_uring opcode runs as an entry on the loop's own ring instead, with
 * no thread at all ({@link LaioConfig.Builder#ringMode}, {@link RingMode}).
 *
 * <p><b>Allocation.</b> A background call allocates nothing in the steady state: its record is
 * pooled per Laio and the queues are intrusive. Only its {@link LaioHandle} (32 bytes) is made,
 * and only when asked for ({@link #gethandle()}, {@link LaioCompletion#handle()}); a handle
 * becomes stale once its record is recycled (see {@link LaioHandle} for exactly when). A caller
 * that waits again and again makes none: {@link #gethandle(LaioHandle)} re-points a handle it
 * owns, and {@link io.laio.event.Event#assign} an event.
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
    private final CallCounters counters = new CallCounters();
    final InFlight inFlight; // package-private: tests lower its bounds
    private final Completions completions;
    private final Background background;
    final Router router; // package-private: tests mark what a descriptor's file system refuses
    volatile boolean closed; // package-private: a LaioBatch refuses to submit once it is set

    private Laio(EventBase base, LaioConfig config) {
        this.config = config;
        this.base = base;
        this.inFlight = new InFlight(config.maxHelpers() + config.maxQueued());
        this.completions = new Completions(base, config, counters, inFlight);
        this.background = new Background(base, config, counters, completions, inFlight);
        this.router = new Router(this, config, counters, completions, background);
    }

    /** A standalone Laio with the default configuration: collect completions with {@link #poll}. */
    public static Laio create() {
        return create(LaioConfig.defaults());
    }

    /** A standalone Laio: collect completions with {@link #poll}. */
    public static Laio create(LaioConfig c) {
        return new Laio(null, Objects.requireNonNull(c, "config"));
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
     * the loop thread. On a base whose backend can watch raw descriptors ({@code epoll},
     * {@code uring}), the Laio waits for its socket calls on the loop's own poller; on any other,
     * on its socket-waiter thread.
     *
     * @param b the base that runs the completion events
     * @param c the configuration
     * @return a new Laio attached to {@code b}; close it before the base
     * @throws NullPointerException if {@code b} or {@code c} is {@code null}
     */
    public static Laio attach(EventBase b, LaioConfig c) {
        return new Laio(Objects.requireNonNull(b, "base"), Objects.requireNonNull(c, "config"));
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
     * System call {@code nr} with no arguments: {@link #syscall(long, long, long, long, long, long, long)}
     * with the others 0 (the kernel ignores those a call does not take).
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @return as {@link #syscall(long, long, long, long, long, long, long)}
     * @throws IllegalStateException if this Laio is closed and the call needs the background
     */
    public long syscall(long nr) {
        return syscall(nr, 0, 0, 0, 0, 0, 0);
    }

    /**
     * System call {@code nr} with one argument: {@link #syscall(long, long, long, long, long, long, long)}
     * with the others 0 (the kernel ignores those a call does not take).
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @return as {@link #syscall(long, long, long, long, long, long, long)}
     * @throws IllegalStateException if this Laio is closed and the call needs the background
     */
    public long syscall(long nr, long a1) {
        return syscall(nr, a1, 0, 0, 0, 0, 0);
    }

    /**
     * System call {@code nr} with two arguments: {@link #syscall(long, long, long, long, long, long, long)}
     * with the others 0 (the kernel ignores those a call does not take).
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @return as {@link #syscall(long, long, long, long, long, long, long)}
     * @throws IllegalStateException if this Laio is closed and the call needs the background
     */
    public long syscall(long nr, long a1, long a2) {
        return syscall(nr, a1, a2, 0, 0, 0, 0);
    }

    /**
     * System call {@code nr} with three arguments: {@link #syscall(long, long, long, long, long, long, long)}
     * with the others 0 (the kernel ignores those a call does not take).
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @param a3 argument 3 of the call
     * @return as {@link #syscall(long, long, long, long, long, long, long)}
     * @throws IllegalStateException if this Laio is closed and the call needs the background
     */
    public long syscall(long nr, long a1, long a2, long a3) {
        return syscall(nr, a1, a2, a3, 0, 0, 0);
    }

    /**
     * System call {@code nr} with four arguments: {@link #syscall(long, long, long, long, long, long, long)}
     * with the others 0 (the kernel ignores those a call does not take).
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @param a3 argument 3 of the call
     * @param a4 argument 4 of the call
     * @return as {@link #syscall(long, long, long, long, long, long, long)}
     * @throws IllegalStateException if this Laio is closed and the call needs the background
     */
    public long syscall(long nr, long a1, long a2, long a3, long a4) {
        return syscall(nr, a1, a2, a3, a4, 0, 0);
    }

    /**
     * System call {@code nr} with five arguments: {@link #syscall(long, long, long, long, long, long, long)}
     * with the others 0 (the kernel ignores those a call does not take).
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @param a3 argument 3 of the call
     * @param a4 argument 4 of the call
     * @param a5 argument 5 of the call
     * @return as {@link #syscall(long, long, long, long, long, long, long)}
     * @throws IllegalStateException if this Laio is closed and the call needs the background
     */
    public long syscall(long nr, long a1, long a2, long a3, long a4, long a5) {
        return syscall(nr, a1, a2, a3, a4, a5, 0);
    }

    /**
     * Runs system call {@code nr} ({@link Sys}) with up to six arguments (unused ones are 0;
     * pointers are {@link MemorySegment#address()}), by the policy for {@code nr}.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1 of the call
     * @param a2 argument 2 of the call
     * @param a3 argument 3 of the call
     * @param a4 argument 4 of the call
     * @param a5 argument 5 of the call
     * @param a6 argument 6 of the call
     * @return per the class comment's return convention: the result when it completed inline;
     *         {@code -1} with {@link #errno()} {@link Errno#EINPROGRESS} when it continues in the
     *         background ({@link #gethandle()} has its handle); {@code -1} with another errno
     *         when it failed or was refused
     * @throws IllegalStateException if this Laio is closed and the call needs the background
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
        long r = router.syscall(ts, nr, a1, a2, a3, a4, a5, a6, keepAlive);
        Reference.reachabilityFence(keepAlive);
        return r;
    }

    /**
     * A reusable {@link LaioBatch} of up to {@code capacity} calls, posted together with one
     * callback when all are done: on a {@code "uring"} base the calls with an io_uring opcode are
     * entries on the loop's ring with no record, handle or event each; elsewhere the calls take
     * the normal route one by one (see {@link LaioBatch}). Call it on the loop thread, or on the
     * thread that owns the base while no loop runs.
     *
     * @param capacity the most calls one submission holds, 1..{@link LaioBatch#MAX_CAPACITY}
     * @return a new, empty batch
     * @throws IllegalArgumentException if {@code capacity} is out of range
     * @throws IllegalStateException    if this Laio is standalone (a batch's callback runs on the
     *                                  loop), or off the loop thread while the loop runs
     */
    public LaioBatch batch(int capacity) {
        return new LaioBatch(this, capacity, counters);
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

    /**
     * {@link #gethandle()} without allocating: the handle of the calling thread's last background
     * call is {@code reuse} itself, re-pointed at that call, so a connection can keep one handle
     * (and one {@link io.laio.event.Event}) for every wait of its life. {@code null} if the last
     * call completed inline (or was refused); {@code reuse} is then left as it is.
     *
     * <p>{@code reuse} must be a handle of this Laio whose own call is over for its receiver:
     * stale, or reported and received — attached, from the start of the callback of the
     * {@link io.laio.event.Ev#LAIO} event that received it on (a non-persistent event has then
     * left the handle; a {@link io.laio.event.Ev#PERSIST persistent} one must be deleted first);
     * standalone, once a {@link #poll} returned it. From then on {@code reuse} names the new call
     * only: its old call's completion is never delivered through it, {@link #cancel} on it
     * cancels the new call, and its accessors report the new call. (Whoever kept the handle for
     * the old call must be done with it, exactly as with a handle that turned stale.) A
     * {@link LaioCompletion} of the old call that is asked for its {@link LaioCompletion#handle()}
     * afterwards returns another object.
     *
     * <p>If the last call already has a handle (an earlier {@code gethandle()} for it), that
     * handle is returned and {@code reuse} is left as it is: a call always has one handle. Asking
     * again with the handle it returned returns it again. So
     * {@code h = laio.gethandle(h)} is the idiom, starting from {@code h == null} (which is
     * {@link #gethandle()}).
     *
     * <p><b>Threading.</b> Call it on the thread that receives {@code reuse}'s completions (the
     * loop thread when attached, the polling thread when standalone) — it reads where that
     * receiver stands — and, as {@link #gethandle()}, right after the call whose handle it is.
     *
     * @param reuse a handle to re-point, or {@code null} for {@link #gethandle()}
     * @return {@code reuse} naming the last background call, or that call's existing handle, or
     *         {@code null} if the last call completed inline
     * @throws IllegalArgumentException if {@code reuse} belongs to another Laio
     * @throws IllegalStateException    if {@code reuse}'s call is still in flight, completed but
     *                                  not reported yet, or delivered to an event whose callback
     *                                  has not run (or that is still pending); {@code reuse} is
     *                                  then left as it is and nothing else changes, so the caller
     *                                  may fall back to {@link #gethandle()}
     */
    public LaioHandle gethandle(LaioHandle reuse) {
        ThreadState ts = ThreadState.current();
        LaioCall c = ts.lastCall;
        if (reuse == null) {
            return c == null ? null : c.handle(ts.lastGen);
        }
        if (c != null && reuse.names(c, ts.lastGen)) {
            return reuse; // asked again for the same call
        }
        reuse.checkReusable(this); // before looking at the last call: a misuse fails whether it blocked or not
        return c == null ? null : c.handle(ts.lastGen, reuse);
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
    public int poll(LaioCompletion[] out, int max, Duration timeout) {
        if (base != null) {
            throw new IllegalStateException("poll() is for a standalone Laio; this one is attached to an EventBase,"
                    + " so its completions arrive as Ev.LAIO events");
        }
        if (max < 1 || max > out.length) {
            throw new IllegalArgumentException("max must be 1.." + out.length + ", was " + max);
        }
        return completions.poll(out, max, timeout);
    }

    /** Loop thread: an event was added on the handle of {@code h}, whose completion was drained already. */
    void deliverLate(LaioCall h) {
        completions.deliver(h);
    }

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
        return h.cancelFor(this);
    }

    /** {@link LaioHandle#cancelFor}: {@code c} (of generation {@code gen}) is running; on the loop's ring it may still be stopped. */
    boolean cancelRunning(LaioCall c, long gen) {
        return router.cancelInFlight(c, gen);
    }

    /** {@link LaioHandle#cancelFor}: {@code c} was stopped while queued. */
    boolean cancelledQueued(LaioCall c) {
        background.cancelled(c);
        return true;
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
        return new LaioStats(counters, background.helpersAlive(), background.queued(), inFlight.total());
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
        completions.markClosed();
        background.close();
        router.closeRing(System.nanoTime() + config.closeWait().toNanos());
        completions.detach(); // cancelled and finished calls reach their events
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

    /**
     * {@code close(fd)} for a caller that does not wait for its outcome. On the loop thread of a
     * base on the {@code "uring"} backend with {@link RingMode#DEFERRED} (and a kernel with
     * {@code IOSQE_CQE_SKIP_SUCCESS}, 5.17), the close is queued on the ring and goes to the
     * kernel with the pass's wait, ahead of every call queued after it; it returns 0 at once and,
     * when the close works, nothing else happens: no record, no handle, no event. A close that
     * fails there is counted in {@link LaioStats#errors} of {@link Sys#SYS_close} and logged at
     * debug level with its errno. Until that wait has run, the number still names the file (a
     * call queued after it on the same number fails with {@link Errno#EBADF}). Anywhere else it
     * is exactly {@link #close(int)}, whose result it returns.
     *
     * @param fd the descriptor to close
     * @return 0 when queued on the ring; else what {@link #close(int)} returns
     * @throws IllegalStateException if this Laio is closed and the close needs the ring
     */
    public long closeUnawaited(int fd) {
        ThreadState ts = ThreadState.current();
        ts.lastCall = null;
        return router.closeUnawaited(ts, fd);
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
        return router.call(ts, op);
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
