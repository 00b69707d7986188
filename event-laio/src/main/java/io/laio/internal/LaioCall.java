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

package io.laio.internal;

import io.laio.BlockingOp;
import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.event.Event;
import io.laio.internal.lanes.CallQueue;
import io.laio.internal.sockets.SocketRetry;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The record of one background call, pooled per {@link Laio}: what it runs, where it stands, and
 * its outcome. Users never see it; they hold a {@link LaioHandle}, which names one record
 * <em>and</em> the generation it was issued for.
 *
 * <p><b>The state word</b> packs the generation with the state, so every transition is a CAS
 * that also checks the generation: a stale {@link Laio#cancel} racing with recycling and reuse
 * can never cancel the call that reuses the record.
 * <pre>
 *   word = generation &lt;&lt; 3 | CANCEL_REQUESTED (bit 2) | state (bits 0-1: QUEUED, RUNNING, DONE, FREE)
 * </pre>
 * The transitions, each a CAS within one generation:
 * <pre>
 *   QUEUED ──start()──► RUNNING ──finish()──► DONE           (helper; the waiter when the retry completes)
 *     ▲                   │
 *     └────requeue()──────┘   only while CANCEL_REQUESTED is clear; refused once it is set,
 *                             and the waiter then completes the call as cancelled
 *   QUEUED ──cancel()/cancelQueued()──► DONE | CANCEL_REQUESTED   (reported ECANCELED by the canceller)
 *   RUNNING ──cancel()──► RUNNING | CANCEL_REQUESTED   (the runner decides: it completes normally,
 *                                                       or, if it would requeue, as cancelled)
 * </pre>
 * So a cancel is never lost: it either ends a QUEUED call itself or leaves its bit where the
 * one thread running the call reads it before the call could wait again; and exactly one
 * thread reports each call (the canceller that won QUEUED → DONE, or the runner).
 *
 * <p>Recycling ({@link #recycle}) sets {@code (generation + 1) << 3 | FREE}; reuse ({@link #init})
 * sets {@code generation << 3 | QUEUED} with that new generation. Every {@link LaioHandle} of the
 * old generation is then stale.
 *
 * <p><b>Links.</b> {@code next} threads the record through the completion queue, {@code workNext}
 * through a helper lane's work queue or the socket waiter's intake ({@link CallQueue}); a call
 * cancelled while queued sits in its work queue and the completion queue at once, so the two
 * links are distinct. Such a call is never recycled ({@link #pinned}): the queue it still sits in
 * drops it when it reaches it, and the garbage collector takes it.
 */
public final class LaioCall {
    public static final int QUEUED = 0;
    public static final int RUNNING = 1;
    public static final int DONE = 2;
    static final int FREE = 3;
    public static final long STATE_MASK = 3;
    public static final long CANCEL_REQUESTED = 4;
    public static final int GEN_SHIFT = 3;

    private static final VarHandle WORD;
    private static final VarHandle HANDLE;
    private static final FacadeAccess FACADE = FacadeAccess.get();
    public static final VarHandle NEXT;
    public static final VarHandle WORK_NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WORD = l.findVarHandle(LaioCall.class, "word", long.class);
            HANDLE = l.findVarHandle(LaioCall.class, "handle", LaioHandle.class);
            NEXT = l.findVarHandle(LaioCall.class, "next", LaioCall.class);
            WORK_NEXT = l.findVarHandle(LaioCall.class, "workNext", LaioCall.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public final Laio owner;
    public long nr;
    public long a1, a2, a3, a4, a5, a6;
    public BlockingOp op;
    public long submittedNanos;
    /** Native memory the call reads or writes (a typed helper's path copy): kept reachable until done. */
    public MemorySegment keepAlive;
    /** Bytes the inline attempt already moved; added to the background result. */
    public long bias;
    /** Socket waiter: bytes of a write already sent. */
    public long progress;
    /** Waits on the socket waiter (counted against its bound, not the helpers'). */
    public boolean viaWaiter;
    /** A read or write of a pipe: the waiter retries it with RWF_NOWAIT instead of MSG_DONTWAIT. */
    public boolean pipe;
    /** Where the admission sent it (a {@code Background} route), for the JFR event. */
    public int route;
    /**
     * A receive sent to its socket wait without its probe, because the socket's last receive
     * drained it ({@code ProbeHistory}): if its number turns out to have been closed and reused
     * meanwhile, the wait tries it at once rather than trust the guess ({@code LoopSocketWaits}).
     */
    public boolean unprobed;
    /** Its slot on the loop's io_uring while it is in flight there, else -1 (set and cleared by the ring route). */
    public int ringSlot = -1;
    /** The JFR event begun at the hand-over, or null (the type stays unloaded while JFR is off). */
    public Object jfr;

    @SuppressWarnings("unused") // through WORD
    private volatile long word;
    public long result;
    public int errno;
    public Throwable exception;

    // consumer side: the loop thread, or the caller of poll()
    public boolean drained;   // taken off the completion queue
    public boolean reported;  // delivered to an event or returned by poll
    /** Cancelled while queued: still referenced by the queue it waited in, so never recycled. */
    public boolean pinned;
    public Event waiting;     // the LAIO event added on this call's handle, if any

    /** The handle issued for the current generation, made on first demand ({@link #handle(long)}). */
    @SuppressWarnings("unused") // through HANDLE
    private volatile LaioHandle handle;

    @SuppressWarnings("unused") // through NEXT
    private volatile LaioCall next;
    @SuppressWarnings("unused") // through WORK_NEXT
    private volatile LaioCall workNext;

    public LaioCall(Laio owner) {
        this.owner = owner;
        this.word = FREE;
    }

    /**
     * Submitter: fills a fresh or recycled record and makes it QUEUED in its current generation.
     * Published to other threads by the queue it is then offered to.
     */
    public void init(long nr, long a1, long a2, long a3, long a4, long a5, long a6, BlockingOp op, long bias,
            MemorySegment keepAlive) {
        this.nr = nr;
        this.a1 = a1;
        this.a2 = a2;
        this.a3 = a3;
        this.a4 = a4;
        this.a5 = a5;
        this.a6 = a6;
        this.op = op;
        this.bias = bias;
        this.keepAlive = keepAlive;
        this.viaWaiter = false; // set by the admission, which knows where it goes
        this.pipe = false;
        this.unprobed = false;
        this.jfr = null;
        this.submittedNanos = System.nanoTime();
        WORD.setRelease(this, generation() << GEN_SHIFT | QUEUED);
    }

    /**
     * Consumer thread, once the completion was reported and its receiver is done with it: clears
     * the record and moves it to the next generation, which makes every handle issued so far
     * stale. The caller then returns it to the pool.
     */
    public void recycle() {
        long gen = generation();
        keepAlive = null;
        op = null;
        exception = null;
        waiting = null;
        drained = false;
        reported = false;
        progress = 0;
        result = 0;
        errno = 0;
        HANDLE.setRelease(this, (LaioHandle) null);
        WORD.setVolatile(this, (gen + 1) << GEN_SHIFT | FREE);
    }

    /**
     * Sets the result of a call that ends before it completed (cancelled, closed, its waiter
     * stopped or failed): the bytes it already moved (inline before it went to the background, or
     * in earlier retries) with errno 0, like a short read or write, since {@code -1} would hide
     * that bytes went out or came in (and that a file position moved); {@code -1}/{@code err} when
     * nothing moved. Whoever owns the call's ending calls this, then reports it.
     */
    public void endUnfinished(int err) {
        long moved = progress + bias;
        result = moved > 0 ? moved : -1;
        errno = moved > 0 ? 0 : err;
    }

    public long word() {
        return (long) WORD.getVolatile(this);
    }

    public long generation() {
        return word() >>> GEN_SHIFT;
    }

    public int state() {
        return (int) (word() & STATE_MASK);
    }

    /** Helper or waiter: QUEUED → RUNNING; false if it was cancelled first. */
    public boolean start() {
        long w = word();
        return (w & STATE_MASK) == QUEUED && WORD.compareAndSet(this, w, (w & ~STATE_MASK) | RUNNING);
    }

    /**
     * Socket waiter (or the loop's socket waits): RUNNING → QUEUED after a retry that would still
     * block, so the call is cancellable again. Refused ({@code false}, the call stays RUNNING) if
     * a cancel arrived while the retry ran: that cancel found the call RUNNING, answered "running,
     * completes normally" and will not act again, so requeuing would leave a cancelled call
     * waiting for readiness forever. The caller then completes it as cancelled
     * ({@link SocketRetry}). The CAS is on the whole word, so a cancel bit set between the read
     * and the CAS fails it and is seen on the next pass.
     */
    public boolean requeue() {
        long w = word();
        while ((w & CANCEL_REQUESTED) == 0) {
            long witness = (long) WORD.compareAndExchange(this, w, (w & ~STATE_MASK) | QUEUED);
            if (witness == w) {
                return true;
            }
            w = witness;
        }
        return false;
    }

    /** RUNNING → DONE (keeps the cancel-requested bit). */
    public void finish() {
        long w;
        do {
            w = word();
        } while (!WORD.compareAndSet(this, w, (w & ~STATE_MASK) | DONE));
    }

    /**
     * cancel() of generation {@code gen}: QUEUED → DONE (returns 1), or marks a running or done
     * call cancelled (returns 0); -1 if the record has moved past {@code gen} (a stale handle).
     */
    public int cancel(long gen) {
        while (true) {
            long w = word();
            if (w >>> GEN_SHIFT != gen || (w & STATE_MASK) == FREE) {
                return -1;
            }
            if ((w & STATE_MASK) == QUEUED) {
                if (WORD.compareAndSet(this, w, (w & ~STATE_MASK) | CANCEL_REQUESTED | DONE)) {
                    return 1;
                }
            } else if ((w & CANCEL_REQUESTED) != 0 || WORD.compareAndSet(this, w, w | CANCEL_REQUESTED)) {
                return 0;
            }
        }
    }

    /** Internal cancel (close, the waiter's shutdown): QUEUED → DONE in whatever generation. */
    public boolean cancelQueued() {
        long w = word();
        while ((w & STATE_MASK) == QUEUED) {
            if (WORD.compareAndSet(this, w, (w & ~STATE_MASK) | CANCEL_REQUESTED | DONE)) {
                return true;
            }
            w = word();
        }
        return false;
    }

    /**
     * The handle of generation {@code gen}: the one already issued if any, so every caller gets
     * the same object; a new one (stale at birth, every use refused) if the record has moved on.
     * Any thread.
     */
    public LaioHandle handle(long gen) {
        return handle(gen, null);
    }

    /**
     * {@link #handle(long)}, but with no handle issued yet for {@code gen}, {@code reuse} (when
     * not {@code null}) is re-pointed at this call instead of a new handle being made. Its caller
     * has checked that {@code reuse}'s own call is over for its receiver. A handle re-pointed away
     * from a record may still sit in that record's cache until it is recycled: the cache is
     * trusted only for a handle that {@linkplain FacadeAccess#names names} this record and
     * generation.
     */
    public LaioHandle handle(long gen, LaioHandle reuse) {
        LaioHandle t = (LaioHandle) HANDLE.getAcquire(this);
        if (t != null && FACADE.names(t, this, gen)) {
            return t;
        }
        LaioHandle fresh;
        if (reuse != null) {
            FACADE.repoint(reuse, this, gen);
            fresh = reuse;
        } else {
            fresh = FACADE.newHandle(this, gen);
        }
        if (generation() != gen) {
            return fresh;
        }
        LaioHandle witness = (LaioHandle) HANDLE.compareAndExchange(this, t, fresh);
        if (witness == t) {
            return fresh;
        }
        return witness != null && FACADE.names(witness, this, gen) ? witness : fresh;
    }

    /** What the call is and where it stands in word {@code w}: the one description both toStrings share. */
    public String describe(long w) {
        String what = op != null ? "call" : Sys.name(nr);
        int s = (int) (w & STATE_MASK);
        return what + (drained ? " done result=" + result + " errno=" + Errno.name(errno)
                : s == RUNNING ? " running" : s == QUEUED ? " queued" : s == FREE ? " free" : " finishing")
                + ((w & CANCEL_REQUESTED) != 0 ? " cancelled" : "");
    }

    @Override
    public String toString() {
        long w = word();
        return "LaioCall[gen=" + (w >>> GEN_SHIFT) + " " + describe(w) + "]";
    }
}
