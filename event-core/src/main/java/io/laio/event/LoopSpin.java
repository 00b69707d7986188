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

/**
 * Whether the loop spins before it sleeps, and for how long: the adaptive part of the spin in
 * {@code EventBase.pollBackend} (docs/design/wakeup.md, "Spinning before sleeping").
 *
 * <p><b>Threading.</b> {@link #maxNanos(long)} and {@link #maxNanos()} from any thread (a
 * volatile field, read once per decision); everything else on the loop thread only.
 *
 * <p><b>Why adaptive.</b> A task handed to a sleeping loop costs both sides a wake-up (an eventfd
 * write or {@code Selector.wakeup()}, the epoll wake and a futex: 10-30 µs of CPU on the
 * reference machine, docs/design/costs.md); a loop that is still spinning when the task comes
 * pays none of it and answers in well under a microsecond. But a spin that finds nothing is CPU
 * taken from the other threads, and on a two-core machine the thread it waits for may be the one
 * it starves. So the loop spins only:
 * <ul>
 *   <li>after a pass that ran at least one {@code execute} task (work handed from another thread
 *       is the predictor that more will come soon); a loop that only serves timers, channels or
 *       nothing never spins, so an idle loop costs no CPU;</li>
 *   <li>when no timer is due within the spin (then it sleeps until the timer, as before);</li>
 *   <li>while spins pay: after {@link #MISSES_BEFORE_BACKOFF} spins in a row that found nothing
 *       it spins only every {@link #BACKOFF_EVERY}th time, until one finds work again.</li>
 * </ul>
 * A spin lasts at most {@link #maxNanos()}.
 */
final class LoopSpin {
    /** The default bound of one spin: a few cross-thread hand-offs long, far below a wake-up's cost. */
    static final long DEFAULT_NANOS = 5_000;
    /** The largest bound accepted: beyond it a spin costs more than the sleep it saves. */
    static final long LIMIT_NANOS = 1_000_000;
    static final int MISSES_BEFORE_BACKOFF = 8;
    static final int BACKOFF_EVERY = 8; // a power of two
    /** On one CPU the producer cannot run while the loop spins: spinning only delays it. */
    static final long INITIAL_NANOS = Runtime.getRuntime().availableProcessors() > 1 ? DEFAULT_NANOS : 0;

    private volatile long maxNanos = INITIAL_NANOS;
    private int misses;
    private int skips;

    /** Any thread: sets the bound; 0 turns spinning off. The caller checked the range. */
    void maxNanos(long nanos) {
        maxNanos = nanos;
    }

    long maxNanos() {
        return maxNanos;
    }

    /**
     * Loop thread, about to sleep: how long to spin first, 0 for not at all.
     *
     * @param ranTasks     whether the pass now ending ran an {@code execute} task
     * @param timeoutNanos how long the loop would sleep ({@code < 0}: no timer)
     */
    long budget(boolean ranTasks, long timeoutNanos) {
        long max = maxNanos;
        if (max == 0 || !ranTasks || (timeoutNanos >= 0 && timeoutNanos <= max)) {
            return 0;
        }
        if (misses >= MISSES_BEFORE_BACKOFF && (++skips & (BACKOFF_EVERY - 1)) != 0) {
            return 0; // spins keep missing: try again only now and then
        }
        return max;
    }

    /** Loop thread: the spin {@link #budget} allowed ended; {@code hit}: work arrived during it. */
    void ended(boolean hit) {
        misses = hit ? 0 : misses + 1;
    }

    /** Loop thread (tests): spins in a row that found nothing. */
    int misses() {
        return misses;
    }
}
