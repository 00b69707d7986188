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


package io.laio.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The loop's counters, written by the loop thread and read by any thread without a lock.
 *
 * <p>Every slot has one writer. The loop thread writes the pass, lag and {@link #BUSY_SINCE}
 * slots; the blocked-loop checker writes {@link #WARNED_EPISODE} and {@link #BLOCKED_EPISODES}.
 * Writes are opaque stores (a plain {@code mov} on x86 and AArch64, no fence): a reader sees
 * each slot whole and soon, never a torn long, and the writer never waits. A reader may see one
 * slot from a later pass than another; {@link LoopStats} says so. The writer reads its own slots
 * plainly (it is their only writer), so an update is one load and one store, no atomic
 * read-modify-write.
 */
final class LoopMeter {
    /** Histogram buckets: bucket 0 holds values under 1,024 ns, bucket i in 1..BUCKETS-2 values in [2^(9+i), 2^(10+i)) ns, the last one the rest. */
    static final int BUCKETS = 24;

    static final int PASSES = 0;
    static final int PASS_LAST = 1;
    static final int PASS_MAX = 2;
    static final int PASS_TOTAL = 3;
    static final int CALLBACKS = 4;
    static final int LAG_LAST = 5;
    static final int LAG_MAX = 6;
    static final int LAG_TOTAL = 7;
    static final int BUSY_SINCE = 8;        // 0 while the loop waits in the backend or runs no loop
    static final int BLOCKED_EPISODES = 9;  // checker thread
    static final int WARNED_EPISODE = 10;   // checker thread: the BUSY_SINCE value last warned about
    static final int SPINS = 11;            // spins before sleeping begun
    static final int SPIN_HITS = 12;        // of which found work
    static final int SPIN_NANOS = 13;       // time spent in them
    private static final int PASS_HIST = 16; // 16 slots on, so the hot scalars share no line with a histogram
    private static final int LAG_HIST = PASS_HIST + BUCKETS;
    private static final int SLOTS = LAG_HIST + BUCKETS;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots = new long[SLOTS];

    /** Loop thread: a pass (from the end of the backend's wait to the end of its callbacks) took {@code nanos}. */
    void pass(long nanos) {
        long[] s = slots;
        SLOT.setOpaque(s, BUSY_SINCE, 0L);
        SLOT.setOpaque(s, PASSES, s[PASSES] + 1);
        SLOT.setOpaque(s, PASS_LAST, nanos);
        SLOT.setOpaque(s, PASS_TOTAL, s[PASS_TOTAL] + nanos);
        if (nanos > s[PASS_MAX]) {
            SLOT.setOpaque(s, PASS_MAX, nanos);
        }
        int b = PASS_HIST + bucket(nanos);
        SLOT.setOpaque(s, b, s[b] + 1);
    }

    /** Loop thread: a callback starts at {@code now}, {@code lag} ns after its event became active. */
    void callback(long now, long lag) {
        long[] s = slots;
        SLOT.setOpaque(s, BUSY_SINCE, now);
        if (lag < 0) {
            lag = 0; // activated by an earlier callback of this pass after the stamp it got
        }
        SLOT.setOpaque(s, CALLBACKS, s[CALLBACKS] + 1);
        SLOT.setOpaque(s, LAG_LAST, lag);
        SLOT.setOpaque(s, LAG_TOTAL, s[LAG_TOTAL] + lag);
        if (lag > s[LAG_MAX]) {
            SLOT.setOpaque(s, LAG_MAX, lag);
        }
        int b = LAG_HIST + bucket(lag);
        SLOT.setOpaque(s, b, s[b] + 1);
    }

    /** Loop thread: a spin before sleeping took {@code nanos}; {@code hit}: it found work. */
    void spin(long nanos, boolean hit) {
        long[] s = slots;
        SLOT.setOpaque(s, SPINS, s[SPINS] + 1);
        if (hit) {
            SLOT.setOpaque(s, SPIN_HITS, s[SPIN_HITS] + 1);
        }
        SLOT.setOpaque(s, SPIN_NANOS, s[SPIN_NANOS] + nanos);
    }

    /** Loop thread: the loop is busy from {@code now} on (the wait ended, or a task starts). */
    void busy(long now) {
        SLOT.setOpaque(slots, BUSY_SINCE, now == 0 ? 1 : now);
    }

    /** Loop thread: the loop waits in the backend or returned. */
    void idle() {
        SLOT.setOpaque(slots, BUSY_SINCE, 0L);
    }

    /** Any thread. */
    long read(int slot) {
        return (long) SLOT.getOpaque(slots, slot);
    }

    /** Checker thread only (its single writer). */
    void write(int slot, long value) {
        SLOT.setOpaque(slots, slot, value);
    }

    long[] passHistogram() {
        return copy(PASS_HIST);
    }

    long[] lagHistogram() {
        return copy(LAG_HIST);
    }

    private long[] copy(int from) {
        long[] h = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) {
            h[i] = (long) SLOT.getOpaque(slots, from + i);
        }
        return h;
    }

    static int bucket(long nanos) {
        int b = 64 - Long.numberOfLeadingZeros(nanos >>> 10);
        return Math.min(b, BUCKETS - 1);
    }
}
