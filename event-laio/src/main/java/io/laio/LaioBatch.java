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

import io.laio.abi.IovecLayout;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import io.laio.internal.Iovecs;
import io.laio.internal.LaioCall;
import io.laio.internal.ThreadState;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.route.RingRoute;
import io.laio.uring.UringCalls;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.Arrays;
import java.util.Objects;

/**
 * A reusable batch of system calls posted together and reported together: libflexsc's
 * exception-less model (calls written to a shared page, posted at once, one callback when they
 * are done) on the loop's io_uring. Made by {@link Laio#batch(int)} for an attached Laio.
 *
 * <p><b>Threading.</b> {@link #add add}, the typed adders, {@link #submit}, {@link #cancel} on the
 * loop thread of the Laio's base while the loop runs (an {@link IllegalStateException}
 * otherwise); {@link #result}, {@link #errno}, {@link #size()} and {@link #inFlight()} on that
 * thread too (or, once the loop has returned, on the thread that ran it). The
 * {@link Callback} runs on the loop thread.
 *
 * <p><b>Life of a batch.</b>
 * <pre>
 *   OPEN ──add()…──► OPEN ──submit(cb)──► IN FLIGHT ──its last call completes──► callback runs ──► COMPLETED
 *    ▲                                                                                                 │
 *    └──────────────────────── the first add() after it starts a new batch (size 0) ◄──────────────────┘
 * </pre>
 * A batch is reused only once its callback has started: {@link #add}, {@link #submit} while it is
 * in flight throw {@link IllegalStateException} and change nothing. Inside the callback (and
 * after it) {@link #result}/{@link #errno} give each call's outcome until the next {@code add}.
 * A batch allocates nothing per submission in the steady state: its arrays, its one
 * {@link Event} and the handles and events of calls that go to the background (one per index,
 * made the first time that index needs one) are reused.
 *
 * <p><b>Where each call runs.</b>
 * <ul>
 *   <li>Attached to a base on the {@code "uring"} backend with {@link RingMode#LAZY} or
 *       {@link RingMode#DEFERRED}: every call whose system call has an io_uring opcode the
 *       kernel offers (the list in {@link RingMode}; {@code statx} excepted, which the kernel
 *       always hands to a worker thread) becomes a submission entry on the loop's ring, with no
 *       probe, no record and no event of its own; its completion is matched to its index by the
 *       entry's {@code user_data}. <b>When they reach the kernel</b> follows the Laio's ring
 *       mode: {@code DEFERRED}, with the loop's next wait, in the same {@code io_uring_enter}
 *       (no system call at {@code submit}: a batch of cached reads costs one enter in all);
 *       {@code LAZY}, at {@code submit}, in one {@code io_uring_enter} for the whole batch, so
 *       they start before the rest of the pass runs (a second enter: the loop's wait then reaps
 *       them).</li>
 *   <li>Every other call — no opcode, {@code statx}, {@link RingMode#OFF}, or a base on another
 *       backend ({@code epoll}, {@code nio}, the parking base) — takes the normal LAIO route
 *       at {@code submit}, one by one in index order, exactly as {@link Laio#syscall} would:
 *       if it completes without blocking (its probe, or an inline call) its outcome is recorded
 *       at once; if it would block it runs in the background (a helper lane, a socket wait, or
 *       the ring as a single call) and is awaited. Either way it counts toward the batch's one
 *       completion.</li>
 * </ul>
 * The calls of a batch are independent: the kernel and the helpers may run them in any order
 * and at the same time (no linking).
 *
 * <p><b>Outcomes</b> have {@link Laio}'s convention: {@link #result(int)} is the call's return
 * value, {@code -1} with {@link #errno(int)} on failure ({@code errno} is 0 on success); a write
 * the kernel did in part goes on until it completes in its entirety, as a background write
 * does; a call refused because the background is full has {@code -1}/{@link Errno#EAGAIN}.
 * Memory: the kernel or a helper reads and writes a call's buffers until the batch's callback
 * runs, so keep them alive and unchanged until then (the typed adders keep their segments
 * reachable; raw addresses are the caller's to keep).
 *
 * <p>{@link Laio#errno()} and {@link Laio#gethandle()} are not changed by a batch: they still
 * answer for the thread's own last {@code syscall}.
 *
 * <p><b>Cancel and close.</b> {@link #cancel()} asks every call still in flight to stop; a call
 * stopped before it ran completes with {@code -1}/{@link Errno#ECANCELED}, one already running
 * or done with its own outcome; the callback still runs once, when the last call is reported.
 * {@link Laio#close()} with a batch in flight does the same for it: its calls on the ring are
 * cancelled and taken back before close returns, its background calls are cancelled or finish
 * as close says, each call completes exactly once and the callback runs once (at the loop's
 * next pass), with {@code ECANCELED} for the calls stopped. Close the Laio before its base: a
 * base closed first takes the ring, and the batch's entries, with it, and the callback never
 * runs.
 */
public final class LaioBatch {
    /**
     * What runs when every call of a submitted batch has completed: once per
     * {@link #submit}, on the loop thread. Adding to {@code batch} inside it starts the batch's
     * next round (read the results first). An exception it throws is the loop's to report
     * (logged, or the base's uncaught handler), and the batch is reusable all the same.
     */
    @FunctionalInterface
    public interface Callback {
        /**
         * The batch's calls are all done.
         *
         * @param batch the batch, with {@link LaioBatch#result}/{@link LaioBatch#errno} filled
         */
        void onBatch(LaioBatch batch);
    }

    /** The largest capacity: what fits the index bits of an entry's {@code user_data}. */
    public static final int MAX_CAPACITY = 1 << 16;

    /** Longs per call in {@link #args}: nr, a1..a6, and the bytes moved by a write's earlier parts. */
    private static final int STRIDE = 8;
    private static final int PROGRESS = 7;

    private static final byte OPEN = 0;
    private static final byte IN_FLIGHT = 1;
    private static final byte COMPLETED = 2;

    /** Where call i is: done (outcome recorded), an entry on the ring, or awaited through its event. */
    private static final byte DONE = 0;
    private static final byte ON_RING = 1;
    private static final byte IN_BACKGROUND = 2;

    private final Laio laio;
    private final EventBase base;
    private final CallCounters counters;
    /** The loop's ring for this Laio's calls, or null: every call takes the normal route. */
    private final RingRoute ring;
    private final boolean flushAtSubmit;
    private final long[] args;
    private final MemorySegment[] keep;
    private final long[] results;
    private final int[] errnos;
    private final byte[] where;
    private LaioHandle[] handles;
    private Event[] events;
    private Integer[] indexes;
    /** The batch's one completion: activated when its last call is done; runs {@link #onDone}. */
    private final Event done;
    private final EventCallback onDone = (ev, what, arg) -> ((LaioBatch) arg).completed();
    private final EventCallback onCall = (ev, what, arg) -> callDone((Integer) arg, ev.result(), ev.error());
    private final RingSide ringSide = new RingSide();
    private Callback callback;
    private byte state = OPEN;
    private int size;
    /** Calls of the batch in flight not yet reported. */
    private int pending;
    /** Of those, entries on the ring; the ring id is held while this is not 0. */
    private int onRing;
    private int ringId = -1;
    private boolean cancelRequested;

    LaioBatch(Laio laio, int capacity, CallCounters counters) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("batch capacity must be 1.." + MAX_CAPACITY + ", was " + capacity);
        }
        EventBase b = laio.base();
        if (b == null) {
            throw new IllegalStateException("a batch needs a Laio attached to an EventBase: its callback runs on the loop");
        }
        this.laio = laio;
        this.base = b;
        this.counters = counters;
        RingMode mode = laio.config().ringMode();
        this.ring = mode == RingMode.OFF ? null : UringCalls.of(b);
        this.flushAtSubmit = mode == RingMode.LAZY;
        this.args = new long[capacity * STRIDE];
        this.keep = new MemorySegment[capacity];
        this.results = new long[capacity];
        this.errnos = new int[capacity];
        this.where = new byte[capacity];
        this.done = Event.set(b, null, 0, onDone, this);
    }

    // ------------------------------------------------------------------ filling

    /**
     * Adds system call {@code nr} with six arguments (unused ones 0; pointers as
     * {@link MemorySegment#address()}); it runs at {@link #submit}. After a completed batch the
     * first {@code add} starts a new one: the previous calls and outcomes are dropped.
     *
     * @param nr the system call's number ({@link Sys}, x86_64 numbering)
     * @param a1 argument 1
     * @param a2 argument 2
     * @param a3 argument 3
     * @param a4 argument 4
     * @param a5 argument 5
     * @param a6 argument 6
     * @return the call's index, for {@link #result}/{@link #errno}: 0, 1, … in the order added
     * @throws IllegalStateException if the batch is in flight (its callback has not started), if
     *                               it holds {@link #capacity()} calls already (submit it, or make
     *                               a larger one), or off the loop thread; nothing is added
     */
    public int add(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        int i = slot("add");
        put(i, nr, a1, a2, a3, a4, a5, a6, null);
        return i;
    }

    /**
     * Adds system call {@code nr} with three arguments: {@link #add(long, long, long, long, long, long, long)}
     * with the others 0.
     *
     * @param nr the system call's number ({@link Sys})
     * @param a1 argument 1
     * @param a2 argument 2
     * @param a3 argument 3
     * @return the call's index
     * @throws IllegalStateException as {@link #add(long, long, long, long, long, long, long)}
     */
    public int add(long nr, long a1, long a2, long a3) {
        return add(nr, a1, a2, a3, 0, 0, 0);
    }

    /**
     * Adds {@code pread64(fd, buf, count, offset)}; {@code buf} is kept reachable until the batch
     * is reset by the next {@code add} after its completion.
     *
     * @param fd     the descriptor
     * @param buf    native memory the bytes are read into
     * @param count  bytes to read, at most {@code buf.byteSize()}
     * @param offset the file offset
     * @return the call's index
     * @throws IndexOutOfBoundsException if {@code count} is negative or larger than {@code buf}
     * @throws IllegalArgumentException  if {@code buf} is not native memory (a heap segment has
     *                                   no address the kernel can use)
     * @throws IllegalStateException     as {@link #add(long, long, long, long, long, long, long)}
     */
    public int pread(int fd, MemorySegment buf, long count, long offset) {
        checkBuffer(buf, count);
        int i = slot("pread");
        put(i, Sys.SYS_pread64, fd, buf.address(), count, offset, 0, 0, buf);
        return i;
    }

    /**
     * Adds {@code pwrite64(fd, buf, count, offset)}; {@code buf} is kept reachable as for
     * {@link #pread}.
     *
     * @param fd     the descriptor
     * @param buf    native memory holding the bytes to write
     * @param count  bytes to write, at most {@code buf.byteSize()}
     * @param offset the file offset
     * @return the call's index
     * @throws IndexOutOfBoundsException if {@code count} is negative or larger than {@code buf}
     * @throws IllegalArgumentException  if {@code buf} is not native memory
     * @throws IllegalStateException     as {@link #add(long, long, long, long, long, long, long)}
     */
    public int pwrite(int fd, MemorySegment buf, long count, long offset) {
        checkBuffer(buf, count);
        int i = slot("pwrite");
        put(i, Sys.SYS_pwrite64, fd, buf.address(), count, offset, 0, 0, buf);
        return i;
    }

    private static void checkBuffer(MemorySegment buf, long count) {
        if (!buf.isNative()) {
            throw new IllegalArgumentException("a heap segment has no address the kernel can use: pass native memory");
        }
        if (count < 0 || count > buf.byteSize()) {
            throw new IndexOutOfBoundsException("count " + count + " outside a buffer of " + buf.byteSize() + " bytes");
        }
    }

    /** The index for the next call: checks the thread and the state, starts a new round after a completed one. */
    private int slot(String method) {
        checkLoop(method);
        if (state == IN_FLIGHT) {
            throw new IllegalStateException("LaioBatch." + method + ": the batch is in flight; reuse it once its callback has run");
        }
        if (state == COMPLETED) {
            reset();
        }
        if (size == results.length) {
            throw new IllegalStateException("LaioBatch." + method + ": the batch is full (capacity " + results.length
                    + "); submit it, or make a larger one with Laio.batch(capacity)");
        }
        return size++;
    }

    private void put(int i, long nr, long a1, long a2, long a3, long a4, long a5, long a6, MemorySegment buf) {
        int at = i * STRIDE;
        args[at] = nr;
        args[at + 1] = a1;
        args[at + 2] = a2;
        args[at + 3] = a3;
        args[at + 4] = a4;
        args[at + 5] = a5;
        args[at + 6] = a6;
        args[at + PROGRESS] = 0;
        keep[i] = buf;
        results[i] = 0;
        errnos[i] = 0;
        where[i] = DONE;
    }

    private void reset() {
        Arrays.fill(keep, 0, size, null); // the previous round's buffers are the caller's again
        size = 0;
        state = OPEN;
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Posts every call added since the batch was (re)started; {@code cb} runs once, on the loop
     * thread, when all of them have completed — at the earliest in the loop's next pass, even
     * when every call completed during {@code submit} (it never runs inside {@code submit}).
     * Where each call goes, and when the ring's entries reach the kernel, is in the class
     * comment.
     *
     * @param cb what runs when the batch is done
     * @throws NullPointerException  if {@code cb} is {@code null}
     * @throws IllegalStateException if the batch is in flight, if no call was added since it was
     *                               (re)started, if the Laio is closed, or off the loop thread;
     *                               nothing is submitted
     */
    public void submit(Callback cb) {
        Objects.requireNonNull(cb, "callback");
        checkLoop("submit");
        if (state == IN_FLIGHT) {
            throw new IllegalStateException("LaioBatch.submit: the batch is in flight; reuse it once its callback has run");
        }
        if (state == COMPLETED || size == 0) {
            throw new IllegalStateException("LaioBatch.submit: no call added since the batch was "
                    + (state == COMPLETED ? "completed (add() starts its next round)" : "made"));
        }
        if (laio.closed) {
            throw new IllegalStateException("LaioBatch.submit: the Laio is closed");
        }
        callback = cb;
        state = IN_FLIGHT;
        cancelRequested = false;
        pending = size;
        ThreadState ts = null;
        int savedErrno = 0;
        LaioCall savedCall = null;
        long savedGen = 0;
        for (int i = 0; i < size; i++) {
            if (ring != null && toRing(i)) {
                continue;
            }
            if (ts == null) {
                ts = ThreadState.current();
                savedErrno = ts.errno;
                savedCall = ts.lastCall;
                savedGen = ts.lastGen;
            }
            route(ts, i);
        }
        if (ts != null) {
            // the batch's calls are not the thread's: errno() and gethandle() still answer for its own last call
            ts.errno = savedErrno;
            ts.lastCall = savedCall;
            ts.lastGen = savedGen;
        }
        if (onRing > 0 && flushAtSubmit) {
            try {
                ring.flush();
            } catch (UncheckedIOException e) {
                // the ring failed: the entries stay queued; the backend's next wait reports the failure
            }
        }
        if (pending == 0) {
            done.active(Ev.LAIO); // all inline: the callback still runs from the loop, never from inside submit
        }
    }

    /** Call {@code i} as an entry on the ring, if it has an opcode there. */
    private boolean toRing(int i) {
        int at = i * STRIDE;
        long nr = args[at];
        if (nr == Sys.SYS_statx || !ring.takes(nr, args[at + 1], args[at + 2], args[at + 3], args[at + 4], args[at + 5])) {
            return false; // statx: the kernel always punts it to a worker, while its probe answers a cached path inline
        }
        if (ringId < 0) {
            ringId = ring.openBatch(ringSide);
        }
        laio.router.beforeCall(nr, args[at + 1], args[at + 2], args[at + 3]); // a close on the ring is still one through laio
        try {
            ring.pushBatchCall(ringId, i, nr, args[at + 1], args[at + 2], args[at + 3], args[at + 4], args[at + 5]);
        } catch (UncheckedIOException e) {
            releaseRingIdIfIdle();
            return false; // the ring took no entry: the normal route
        }
        where[i] = ON_RING;
        onRing++;
        counters.background.incrementAndGet(CallCounters.slot(nr));
        return true;
    }

    /** Call {@code i} by the normal LAIO route, as {@link Laio#syscall} runs it. */
    private void route(ThreadState ts, int i) {
        int at = i * STRIDE;
        ts.lastCall = null;
        long r;
        try {
            r = laio.router.syscall(ts, args[at], args[at + 1], args[at + 2], args[at + 3], args[at + 4], args[at + 5],
                    args[at + 6], keep[i]);
        } catch (IllegalStateException e) {
            r = -1; // the Laio closed meanwhile: the call never started
            ts.errno = Errno.ECANCELED;
        } finally {
            Reference.reachabilityFence(keep[i]);
        }
        if (r == -1 && ts.errno == Errno.EINPROGRESS) {
            awaitInBackground(i);
            return;
        }
        results[i] = r;
        errnos[i] = r == -1 ? ts.errno : 0;
        pending--;
    }

    /** The call is in the background: its one handle and event (per index, reused) wait for it. */
    private void awaitInBackground(int i) {
        if (events == null) {
            int n = results.length;
            handles = new LaioHandle[n];
            events = new Event[n];
            indexes = new Integer[n];
        }
        LaioHandle h = laio.gethandle(handles[i]);
        handles[i] = h;
        Event ev = events[i];
        if (ev == null) {
            indexes[i] = i;
            ev = Event.set(base, h, Ev.LAIO, onCall, indexes[i]);
            events[i] = ev;
        } else {
            ev.assign(h, Ev.LAIO, onCall, indexes[i]);
        }
        ev.add();
        where[i] = IN_BACKGROUND;
    }

    /** The Ev.LAIO event of background call {@code i} fired. */
    private void callDone(int i, long result, int error) {
        where[i] = DONE;
        results[i] = result;
        errnos[i] = result == -1 ? error : 0;
        if (--pending == 0) {
            done.active(Ev.LAIO);
        }
    }

    /** The batch's event: every call is reported. */
    private void completed() {
        state = COMPLETED;
        Callback cb = callback;
        callback = null;
        cb.onBatch(this);
    }

    // ------------------------------------------------------------------ the ring's side

    /** The batch as its ring entries' completion target; a separate object so the public class implements nothing internal. */
    private final class RingSide implements RingRoute.Batch {
        @Override
        public Laio owner() {
            return laio;
        }

        @Override
        public void completed(int i, int res) {
            ringCompleted(i, res);
        }

        @Override
        public int cancelOnRing(RingRoute r) {
            return cancelRingCalls();
        }
    }

    private void ringCompleted(int i, int res) {
        int at = i * STRIDE;
        if (res > 0 && !cancelRequested && !laio.closed && moreToWrite(i, res)) {
            try {
                ring.pushBatchCall(ringId, i, args[at], args[at + 1], args[at + 2], args[at + 3], args[at + 4],
                        args[at + 5]); // with the loop's next wait: this runs inside its reaping
                return;
            } catch (UncheckedIOException e) {
                // no room on the ring: the call ends with the bytes it moved
            }
        }
        long moved = args[at + PROGRESS];
        if (res >= 0) {
            results[i] = res + moved;
            errnos[i] = 0;
        } else if (moved > 0) {
            results[i] = moved; // what was done before the error: a short count, as from a plain call
            errnos[i] = 0;
        } else {
            results[i] = -1;
            errnos[i] = -res;
            int slot = CallCounters.slot(args[at]);
            counters.errors.incrementAndGet(slot);
            if (res == -Errno.ECANCELED) {
                counters.cancelled.incrementAndGet(slot);
            }
        }
        where[i] = DONE;
        onRing--;
        releaseRingIdIfIdle();
        if (--pending == 0) {
            done.active(Ev.LAIO);
        }
    }

    private void releaseRingIdIfIdle() {
        if (onRing == 0 && ringId >= 0) {
            ring.closeBatch(ringId);
            ringId = -1;
        }
    }

    /**
     * Whether the write in call {@code i}, done in part ({@code res} bytes of what was asked), has
     * a rest; if so its arguments move past those bytes (as the ring route does for single calls).
     */
    private boolean moreToWrite(int i, long res) {
        int at = i * STRIDE;
        long nr = args[at];
        if (nr == Sys.SYS_write || nr == Sys.SYS_pwrite64 || nr == Sys.SYS_sendto) {
            if (res >= args[at + 3]) {
                return false;
            }
            args[at + PROGRESS] += res;
            args[at + 2] += res;
            args[at + 3] -= res;
            args[at + 4] = nr == Sys.SYS_pwrite64 ? args[at + 4] + res : args[at + 4];
            return true;
        }
        if (nr == Sys.SYS_writev || nr == Sys.SYS_pwritev) {
            MemorySegment iov = Iovecs.array(args[at + 2], args[at + 3]);
            if (res >= IovecLayout.total(iov, args[at + 3])) {
                return false;
            }
            MemorySegment rest = Iovecs.rest(iov, args[at + 3], res); // rare: one array per short vectored write
            args[at + PROGRESS] += res;
            keep[i] = rest;
            args[at + 2] = rest.address();
            args[at + 3] = rest.byteSize() / IovecLayout.SIZE;
            args[at + 4] = nr == Sys.SYS_pwritev ? args[at + 4] + res : args[at + 4];
            return true;
        }
        return false;
    }

    /** Cancels of every call of this batch on the ring, queued (not submitted); how many. */
    private int cancelRingCalls() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (where[i] == ON_RING) {
                ring.cancelBatchCall(ringId, i);
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ cancel, outcomes

    /**
     * Asks every call of the batch still in flight to stop: an entry on the ring by an
     * {@code IORING_OP_ASYNC_CANCEL} (handed to the kernel at once), a background call by
     * {@link Laio#cancel}. A call stopped before it ran completes with {@code -1}/
     * {@link Errno#ECANCELED} (or, for a write that had moved bytes, that count); one running
     * or done completes with its own outcome. The callback still runs exactly once, when the
     * last call is reported. Does nothing when the batch is not in flight; cancelling twice asks
     * again.
     *
     * @throws IllegalStateException off the loop thread
     */
    public void cancel() {
        checkLoop("cancel");
        if (state != IN_FLIGHT) {
            return;
        }
        cancelRequested = true;
        if (cancelRingCalls() > 0) {
            try {
                ring.flush();
            } catch (UncheckedIOException e) {
                // the cancels go with the next wait
            }
        }
        for (int i = 0; i < size; i++) {
            if (where[i] == IN_BACKGROUND) {
                laio.cancel(handles[i]);
            }
        }
    }

    /**
     * The outcome of call {@code index}: its return value, {@code -1} on failure.
     *
     * @param index an index {@link #add} returned, below {@link #size()}
     * @return the call's result
     * @throws IndexOutOfBoundsException if {@code index} is not a call of this batch
     * @throws IllegalStateException     while the batch is in flight (outcomes are final only
     *                                   once its callback runs)
     */
    public long result(int index) {
        checkOutcome(index);
        return results[index];
    }

    /**
     * The errno of call {@code index}: 0 on success, else the kernel's (or
     * {@link Errno#ECANCELED} for a call stopped before it ran, {@link Errno#EAGAIN} for one the
     * full background refused).
     *
     * @param index an index {@link #add} returned, below {@link #size()}
     * @return the call's errno
     * @throws IndexOutOfBoundsException if {@code index} is not a call of this batch
     * @throws IllegalStateException     while the batch is in flight
     */
    public int errno(int index) {
        checkOutcome(index);
        return errnos[index];
    }

    private void checkOutcome(int index) {
        Objects.checkIndex(index, size);
        if (state == IN_FLIGHT) {
            throw new IllegalStateException("LaioBatch: the batch is in flight; its outcomes are final once its callback runs");
        }
    }

    /**
     * How many calls the batch holds now.
     *
     * @return the calls added since it was (re)started
     */
    public int size() {
        return size;
    }

    /**
     * How many calls it can hold.
     *
     * @return the capacity given to {@link Laio#batch(int)}
     */
    public int capacity() {
        return results.length;
    }

    /**
     * Whether the batch was submitted and its callback has not started yet.
     *
     * @return {@code true} from {@link #submit} until the callback runs
     */
    public boolean inFlight() {
        return state == IN_FLIGHT;
    }

    /** Tests: how many indexes have an event of their own (made the first time a call there went to the background). */
    int eventsMade() {
        int n = 0;
        if (events != null) {
            for (Event ev : events) {
                n += ev == null ? 0 : 1;
            }
        }
        return n;
    }

    private void checkLoop(String method) {
        if (!base.inLoop()) {
            throw new IllegalStateException("LaioBatch." + method + " must be called on the loop thread of the Laio's base"
                    + " while the loop runs; hand it over with EventBase.execute()");
        }
    }

    @Override
    public String toString() {
        return "LaioBatch[" + size + "/" + results.length + ", " + (state == OPEN ? "open" : state == IN_FLIGHT
                ? "in flight, " + pending + " pending" : "completed") + "]";
    }
}
