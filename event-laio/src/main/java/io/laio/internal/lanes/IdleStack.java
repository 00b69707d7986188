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

package io.laio.internal.lanes;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parked helpers of one {@link HelperPool}, most recent on top, and each helper's hand-off
 * state. Threading: {@link #push}, {@link #takeBack}, {@link #retire}, {@link #abandon} and the
 * CLAIMED → WORKING step are called by the helper the entry stands for, only; {@link #claim} by
 * any submitter (or a helper passing a wake-up on).
 *
 * <pre>
 *             push (helper)            claim (submitter: off the stack, counted searching)
 *   WORKING ─────────────────► IDLE ─────────────────────────► CLAIMED
 *      ▲                        │ │                               │
 *      └──── takeBack (helper) ─┘ └─ retire / abandon ─► EXITING   │
 *      └──────────────── woken (helper) ──────────────────────────┘
 * </pre>
 *
 * <p><b>Invariant</b>: an entry is on the stack if and only if its state is IDLE; both change
 * together, under the lock, and only there (the one exception, CLAIMED → WORKING, concerns an
 * entry that is off the stack and that only its own helper may move on). Hence an entry is on
 * the stack at most once (only a non-IDLE entry is pushed), the stack never holds more entries
 * than live helpers, and a submitter can never claim a helper that has meanwhile found work on
 * its own, gone idle again, exited or died. (Issue 14, defect 1: the pop and the claim were two
 * steps; a submitter preempted between them claimed a helper that had re-pushed itself, which
 * then stayed on the stack twice, overflowed it and died.)
 *
 * <p>An array under a lock, so going idle allocates nothing (a linked deque allocated a node per
 * park). {@link #count} lets a submitter skip the lock when no helper is idle: a helper publishes
 * it (in the lock, a volatile write) before it re-checks the work queue, a submitter reads it
 * after its enqueue — a Dekker pair, so one of them sees the other.
 */
public final class IdleStack {
    static final int WORKING = 0;
    public static final int IDLE = 1;
    static final int CLAIMED = 2;
    static final int EXITING = 3;

    /** What the stack holds: a helper's hand-off state (a helper extends it, so nothing is allocated). */
    static class Entry {
        /** Written under the stack's lock, except CLAIMED → WORKING; read by the parked helper without it. */
        volatile int state = WORKING;
    }

    private final Entry[] stack;
    private int top;
    private volatile int count;
    private final AtomicInteger searching;

    /**
     * @param capacity  the most helpers the pool may have alive
     * @param searching the pool's count of searching helpers, which {@link #claim} increments for the helper it claims
     */
    IdleStack(int capacity, AtomicInteger searching) {
        this.stack = new Entry[capacity];
        this.searching = searching;
    }

    /** The entry's helper, about to park: WORKING → IDLE, on top of the stack. */
    public void push(Entry e) {
        synchronized (this) {
            assert e.state == WORKING : e.state;
            stack[top] = e; // the invariant bounds top by the live helpers, at most the capacity
            top++;
            e.state = IDLE;
            count = top; // volatile write before the helper's re-check of the queue (the Dekker pair)
        }
    }

    /**
     * Any thread: takes the most recently idle helper, IDLE → CLAIMED, and counts it searching; the
     * caller then unparks it. The count is raised before the state is written, so a helper that
     * sees its claim (and may run, finish and stop searching at once) never drives the count below
     * zero, which would let another submitter skip a wake-up it needed.
     *
     * @return the claimed entry, or {@code null} when no helper is idle
     */
    public Entry claim() {
        if (count == 0) {
            return null; // read after the caller's enqueue: pairs with push's write of count
        }
        synchronized (this) {
            if (top == 0) {
                return null;
            }
            Entry e = stack[--top];
            stack[top] = null;
            count = top;
            searching.incrementAndGet();
            e.state = CLAIMED;
            return e;
        }
    }

    /** The entry's helper found work on its re-check: IDLE → WORKING, off the stack; false if it was claimed first (the claim stands). */
    boolean takeBack(Entry e) {
        synchronized (this) {
            if (e.state != IDLE) {
                return false;
            }
            remove(e);
            e.state = WORKING;
            return true;
        }
    }

    /** The entry's helper timed out or is stopping: IDLE → EXITING, off the stack; false if it was claimed first. */
    public boolean retire(Entry e) {
        synchronized (this) {
            if (e.state != IDLE) {
                return false;
            }
            remove(e);
            e.state = EXITING;
            return true;
        }
    }

    /**
     * The entry's helper is dying of an unexpected throwable: whatever its state, EXITING and off
     * the stack, so no submitter claims it after this.
     *
     * @return its state before: CLAIMED means its claimer counted it searching
     */
    int abandon(Entry e) {
        synchronized (this) {
            int was = e.state;
            if (was == IDLE) {
                remove(e);
            }
            e.state = EXITING;
            return was;
        }
    }

    /** Idle helpers now (a volatile read). */
    public int size() {
        return count;
    }

    /** Tests: how many times {@code e} is on the stack (the invariant says 1 if IDLE, else 0). */
    synchronized int occurrences(Entry e) {
        int n = 0;
        for (int i = 0; i < top; i++) {
            if (stack[i] == e) {
                n++;
            }
        }
        return n;
    }

    private void remove(Entry e) {
        for (int i = top - 1; i >= 0; i--) {
            if (stack[i] == e) {
                System.arraycopy(stack, i + 1, stack, i, top - i - 1);
                stack[--top] = null;
                count = top;
                return;
            }
        }
        throw new IllegalStateException("an IDLE entry is not on the idle stack"); // the invariant broken
    }
}
