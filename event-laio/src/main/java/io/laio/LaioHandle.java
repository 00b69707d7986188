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

import io.laio.event.Event;
import io.laio.event.spi.EventSource;
import io.laio.internal.FacadeAccess;
import io.laio.internal.LaioCall;

/**
 * One background call: what {@link Laio#gethandle()} returns after a call answered
 * {@code -1}/{@link Errno#EINPROGRESS}. Wait for it with an {@link io.laio.event.Ev#LAIO}
 * event ({@code Event.set(base, handle, Ev.LAIO, cb, arg).add()}) or collect it with
 * {@link Laio#poll}; it is reported exactly once.
 *
 * <p>Its call's life:
 * <pre>
 *   QUEUED ──a helper (or the socket waiter) takes it──► RUNNING ──the call returns──► DONE ──► reported once ──► recycled
 *     ▲                                                     │
 *     └──── the waiter's non-blocking retry would block ────┘
 *   QUEUED ──────────────────── cancel() ─────────────────────────────────────────► DONE (-1, ECANCELED,
 *                                                                                  or the bytes its inline
 *                                                                                  part already moved)
 *   RUNNING ─── cancel(), then the waiter's retry would block ──────────────────► DONE (-1, ECANCELED,
 *                                                                                  or the bytes moved)
 * </pre>
 * DONE is final; only the socket waiter ever moves a call back to QUEUED, so a call waiting for
 * readiness can still be cancelled — and a cancel that arrives while the waiter retries it is
 * not lost: instead of waiting again the call completes as cancelled.
 *
 * <p><b>Recycling and stale handles.</b> The record behind a handle is pooled by its
 * {@link Laio} and reused by later calls, so a background call allocates nothing but this small
 * handle (and only when it is asked for). A handle names its record <em>and a generation</em>;
 * the record moves to the next generation when it is recycled, which happens once its
 * completion has been reported <em>and its receiver is done with it</em>:
 * <ul>
 *   <li>attached ({@link Event}): after the callback of the {@code Ev.LAIO} event that received
 *       the completion has returned (the record is recycled during a later loop pass), or after
 *       that event was deleted; a {@link io.laio.event.Ev#PERSIST persistent} event keeps it
 *       until it is deleted. Inside the callback {@link #result()}, {@link #errno()} and the
 *       other accessors are valid (as are {@link Event#result()} and {@link Event#error()}).
 *       A handle whose completion is never delivered to an event is never recycled.</li>
 *   <li>standalone ({@link Laio#poll}): until the next {@code poll} on the same Laio; the values
 *       copied into each {@link LaioCompletion} stay.</li>
 *   <li>a call cancelled before it ran is never recycled (its record is left to the garbage
 *       collector).</li>
 * </ul>
 * After that the handle is <em>stale</em>: {@link Laio#cancel}, adding an event on it
 * ({@code Event.set(base, h, Ev.LAIO, …).add()}) and every accessor throw
 * {@link IllegalArgumentException} instead of acting on whichever later call reuses the record;
 * only {@link #toString()}, {@link #isStale()} and deleting an event on it still work. Keep a
 * handle no longer than that (to tie a completion to its context, look it up in the callback
 * or right after {@code poll}).
 *
 * <p><b>Re-pointing.</b> Instead of turning stale, a handle its owner is done with can be given
 * the next call: {@link Laio#gethandle(LaioHandle) laio.gethandle(h)} makes {@code h} name the
 * calling thread's last background call (allowed only once {@code h}'s own call has been
 * reported and received, see there). From then on it is that call's handle in every respect —
 * {@code ==} to what {@code gethandle()} returns for it, its accessors report it, {@code cancel}
 * cancels it — and its old call can no longer reach it. An {@link Event} whose source it is
 * waits for the new call when added again. So a connection waits with one handle for life.
 *
 * <p>{@link #done()}, {@link #result()} and {@link #errno()} are meant for the thread that
 * receives the completion (the loop thread, or the caller of {@code poll}). The same call always
 * gives the same handle object, so handles can be compared with {@code ==} and kept in sets
 * (a re-pointed handle's identity then stands for its new call: remove it from a set first).
 */
public abstract sealed class LaioHandle permits LaioHandle.Watchable {
    /** Call states, for tests and {@link #toString()}. */
    static final int QUEUED = LaioCall.QUEUED;
    static final int RUNNING = LaioCall.RUNNING;
    static final int DONE = LaioCall.DONE;

    /*
     * The call this handle names: its record and the generation it was issued for. Fixed for a
     * handle made by gethandle(); re-pointed by Laio.gethandle(reuse) on the thread that receives
     * the handle's completions. A reader on any other thread (cancel, isStale, toString) reads the
     * pair under seq, a seqlock: the writer makes seq odd, writes call and gen, makes it even
     * again; a reader that saw the same even seq before and after its two reads has one pair.
     * All three are volatile, so the reads cannot move across the seq reads that bracket them.
     */
    volatile LaioCall call;
    volatile long gen;
    private volatile int seq;

    static {
        FacadeAccess.install(new FacadeAccess() {
            @Override
            public LaioHandle newHandle(LaioCall call, long gen) {
                return new Watchable(call, gen);
            }

            @Override
            public boolean names(LaioHandle h, LaioCall call, long gen) {
                return h.names(call, gen);
            }

            @Override
            public void repoint(LaioHandle h, LaioCall call, long gen) {
                h.repoint(call, gen);
            }

            @Override
            public void fill(LaioCompletion slot, LaioCall call) {
                slot.fill(call);
            }
        });
    }

    private LaioHandle(LaioCall call, long gen) {
        this.call = call;
        this.gen = gen;
    }

    static IllegalArgumentException stale(String what, LaioCall c, long gen) {
        return new IllegalArgumentException(what + ": stale LaioHandle (generation " + gen + ", its record is now at "
                + c.generation() + "): the call's completion was reported and its handle recycled; a handle is valid"
                + " until the Ev.LAIO callback that received it returns, or until the next poll()");
    }

    /** An even {@link #seq}: waits out a re-pointing in progress on another thread (a few stores long). */
    private int stableSeq() {
        int s;
        while (((s = seq) & 1) != 0) {
            Thread.onSpinWait();
        }
        return s;
    }

    /** Whether this handle names generation {@code g} of {@code c} now (any thread). */
    boolean names(LaioCall c, long g) {
        while (true) {
            int s = stableSeq();
            boolean same = call == c && gen == g;
            if (seq == s) {
                return same;
            }
        }
    }

    /** The record this handle names now, if it is still at the generation the handle names; else throws. */
    private LaioCall live(String what) {
        while (true) {
            int s = stableSeq();
            LaioCall c = call;
            long g = gen;
            if (seq == s) {
                if (c.generation() != g) {
                    throw stale(what, c, g);
                }
                return c;
            }
        }
    }

    /**
     * {@link Laio#cancel}: cancels the call this handle names for {@code owner}, with the call and
     * generation read as one pair: true if it was stopped before it ran (or between two retries),
     * or while in flight on the loop's ring; false if it runs or is done.
     */
    boolean cancelFor(Laio owner) {
        while (true) {
            int s = stableSeq();
            LaioCall c = call;
            long g = gen;
            if (seq != s) {
                continue;
            }
            if (c.owner != owner) {
                throw new IllegalArgumentException("the handle belongs to another Laio");
            }
            int r = c.cancel(g);
            if (r < 0) {
                throw stale("cancel", c, g);
            }
            return r == 0 ? owner.cancelRunning(c, g) : owner.cancelledQueued(c);
        }
    }

    /**
     * {@link Laio#gethandle(LaioHandle)}, on the thread that receives this handle's completions:
     * refuses to re-point a handle whose call is not over for its receiver. Its record could
     * otherwise still deliver to an event on this handle, or hand its result to an accessor,
     * after the handle names a newer call.
     */
    void checkReusable(Laio owner) {
        LaioCall c = call;
        long g = gen;
        if (c.owner != owner) {
            throw new IllegalArgumentException("Laio.gethandle(reuse): the handle belongs to another Laio");
        }
        long w = c.word();
        if (w >>> LaioCall.GEN_SHIFT != g) {
            return; // stale: its record moved on, nothing refers to this handle any more
        }
        String why;
        if ((w & LaioCall.STATE_MASK) != DONE || !c.drained) {
            why = "is still in flight";
        } else if (!c.reported) {
            why = "has completed but was not reported yet: add an Ev.LAIO event on it, or poll()";
        } else if (c.waiting != null) {
            why = "was delivered to an Ev.LAIO event that is still active or pending (its callback has not run yet, or"
                    + " the event is persistent: del() it first)";
        } else {
            return;
        }
        throw new IllegalStateException("Laio.gethandle(reuse): the call of " + this + " " + why + "; a handle can be"
                + " reused once its call's completion has been reported and received (from its Ev.LAIO callback on,"
                + " or after the poll() that returned it)");
    }

    /** Makes this handle name generation {@code g} of {@code c}; the receiving thread, after {@link #checkReusable}. */
    void repoint(LaioCall c, long g) {
        int s = seq;
        seq = s + 1; // odd: readers on other threads wait
        call = c;
        gen = g;
        seq = s + 2;
    }

    /** The call's state (QUEUED, RUNNING, DONE); tests. */
    int state() {
        return live("state").state();
    }

    /** Whether the record behind this handle has been recycled (every other use would throw). */
    public boolean isStale() {
        return wordOrStale() < 0;
    }

    /** The state word of the call this handle names, or -1 if that call's record has moved on. Any thread. */
    private long wordOrStale() {
        while (true) {
            int s = stableSeq();
            LaioCall c = call;
            long g = gen;
            if (seq == s) {
                long w = c.word();
                return w >>> LaioCall.GEN_SHIFT == g ? w : -1;
            }
        }
    }

    /**
     * The syscall number ({@link Sys}), or -1 for {@link Laio#call(BlockingOp)}.
     *
     * @throws IllegalArgumentException if the handle is stale
     */
    public long syscall() {
        return live("syscall").nr;
    }

    /**
     * Whether the completion has reached the loop or {@code poll} (its outcome is known).
     *
     * @throws IllegalArgumentException if the handle is stale
     */
    public boolean done() {
        return live("done").drained;
    }

    /**
     * The call's return value; meaningful once {@link #done()}.
     *
     * @throws IllegalArgumentException if the handle is stale
     */
    public long result() {
        return live("result").result;
    }

    /**
     * The call's errno (0 on success); meaningful once {@link #done()}.
     *
     * @throws IllegalArgumentException if the handle is stale
     */
    public int errno() {
        return live("errno").errno;
    }

    /**
     * Whether {@link Laio#cancel} was called on it (a running call still completes normally; a
     * socket wait cancelled while retried completes as cancelled, see {@link Laio#cancel}).
     *
     * @throws IllegalArgumentException if the handle is stale
     */
    public boolean cancelled() {
        long w = wordOrStale();
        if (w < 0) {
            throw stale("cancelled", call, gen);
        }
        return (w & LaioCall.CANCEL_REQUESTED) != 0;
    }

    /**
     * What a {@link BlockingOp} threw, or {@code null}.
     *
     * @throws IllegalArgumentException if the handle is stale
     */
    public Throwable exception() {
        return live("exception").exception;
    }

    /**
     * An event was added on this handle (loop thread).
     *
     * @throws IllegalArgumentException if the handle is stale, belongs to a standalone Laio or
     *                                  another base, or its completion was already reported
     */
    void onAdded(Event ev) {
        LaioCall c = live("Event.add on a LAIO handle");
        if (ev.base() != c.owner.base()) {
            throw new IllegalArgumentException("this handle belongs to " + (c.owner.base() == null
                    ? "a standalone Laio (use poll())" : "another EventBase"));
        }
        if (c.reported) {
            throw new IllegalArgumentException("stale handle: its completion was already reported");
        }
        c.waiting = ev;
        if (c.drained) {
            c.owner.deliverLate(c); // its completion came first: delivered now
        }
    }

    /** An event on this handle was deleted (loop thread); nothing to do on a stale handle. */
    void onDeleted(Event ev) {
        LaioCall c = call;
        if (c.generation() == gen && c.waiting == ev) {
            c.waiting = null;
        }
    }

    @Override
    public String toString() {
        long w = wordOrStale();
        if (w < 0) {
            return "LaioHandle[stale, generation " + gen + "]";
        }
        return "LaioHandle[" + call.describe(w) + "]";
    }

    /**
     * The one kind of handle there is: it is the {@link EventSource} of its {@code Ev.LAIO}
     * events, so the loop tells it when one is added or deleted, while those two SPI methods stay
     * out of {@code LaioHandle}'s public API.
     */
    static final class Watchable extends LaioHandle implements EventSource {
        private Watchable(LaioCall call, long gen) {
            super(call, gen);
        }

        @Override
        public void added(Event ev) {
            onAdded(ev);
        }

        @Override
        public void deleted(Event ev) {
            onDeleted(ev);
        }
    }
}
