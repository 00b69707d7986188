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

import java.time.Duration;

/**
 * A snapshot of one {@link EventBase}'s loop, taken by {@link EventBase#stats()} from any
 * thread without stopping or slowing the loop.
 *
 * <p><b>Consistency.</b> Each number is read on its own while the loop runs: one may be a pass
 * newer than another (for example {@link #passes()} against the sum of
 * {@link #passHistogram()}). Counters only grow while the base lives, so the difference of two
 * snapshots is what happened between them: rate = Δ{@link #passes()} / Δt, mean pass time =
 * Δ{@link #passNanosTotal()} / Δ{@link #passes()}, mean lag = Δ{@link #lagNanosTotal()} /
 * Δ{@link #callbacks()}. The maxima are since the base was created.
 *
 * <p><b>Terms.</b> A <em>pass</em> is one turn of the loop from the moment its wait in the
 * backend ends (or a {@code LOOP_NONBLOCK} pass starts) to the end of its callbacks: expired
 * timers, queued tasks, completions drained from LAIO and other sources, and the callbacks of
 * the most urgent active priority. The time the loop spends waiting is in no figure here. The
 * <em>lag</em> of a callback is the time from the moment its event became active to the moment
 * its callback started: for a timeout, from its deadline; for a channel that became ready, a
 * LAIO completion or a signal, from the moment the loop saw it (the end of the wait, or the
 * drain); for {@link Event#active}, from the loop's last clock reading before the call (the
 * end of the previous callback, or the start of the pass). Lag grows when a pass is long (events that
 * became active meanwhile wait for it to end), when many callbacks run in one pass, and when a
 * busy urgent priority starves a lower one.
 *
 * <p><b>Histograms</b> ({@link #passHistogram()}, {@link #lagHistogram()}) have
 * {@link #BUCKETS} buckets of powers of two: bucket 0 counts values under 1,024 ns (about 1 µs);
 * bucket {@code i} from 1 to {@code BUCKETS - 2} counts values in
 * [{@link #bucketLowerNanos(int) 2^(9+i)}, 2^(10+i)) ns; the last bucket counts values from
 * 2^32 ns (about 4.3 s) up.
 *
 * @param pendingEvents    events added and not deleted (timers, channel, signal and LAIO
 *                         events): what keeps {@link EventBase#dispatch()} running; read racily
 *                         from the loop thread's field, so it may lag the loop by a few
 *                         operations
 * @param activeEvents     events made active whose callbacks have not run yet (read as racily)
 * @param queuedTasks      {@link EventBase#execute} tasks queued and not yet started (exact at
 *                         the moment of the read)
 * @param passes           passes run since the base was created
 * @param passNanosLast    the duration of the last pass, in ns
 * @param passNanosMax     the longest pass, in ns
 * @param passNanosTotal   the sum of all pass durations, in ns: the loop's busy time
 * @param callbacks        event callbacks run (tasks are not counted)
 * @param lagNanosLast     the lag of the last callback, in ns
 * @param lagNanosMax      the largest lag of any callback, in ns
 * @param lagNanosTotal    the sum of all callbacks' lags, in ns
 * @param blockedEpisodes  how many times the blocked-loop checker found one callback or task
 *                         holding the loop longer than {@link EventBase#blockedThreshold()}
 *                         (each such episode is logged once)
 * @param passHistogram    pass durations by bucket (a copy; see the class comment)
 * @param lagHistogram     callback lags by bucket (a copy)
 * @param spins            spins before sleeping begun ({@link EventBase#spinBeforeSleep}):
 *                         the loop polled its queues for a few µs, instead of sleeping at once,
 *                         after a pass that ran tasks
 * @param spinHits         spins that found work: each saved its producer a wake-up and the
 *                         loop a sleep
 * @param spinNanosTotal   the time spent spinning, in ns: CPU the loop took without doing work
 *                         (counted in no pass: the pass figures hold only work)
 */
public record LoopStats(
        int pendingEvents,
        int activeEvents,
        int queuedTasks,
        long passes,
        long passNanosLast,
        long passNanosMax,
        long passNanosTotal,
        long callbacks,
        long lagNanosLast,
        long lagNanosMax,
        long lagNanosTotal,
        long blockedEpisodes,
        long[] passHistogram,
        long[] lagHistogram,
        long spins,
        long spinHits,
        long spinNanosTotal) {

    /** The number of buckets of {@link #passHistogram()} and {@link #lagHistogram()}. */
    public static final int BUCKETS = LoopMeter.BUCKETS;

    /**
     * A snapshot; the arrays are copied.
     *
     * @throws IllegalArgumentException if a histogram does not have {@link #BUCKETS} buckets
     */
    public LoopStats {
        if (passHistogram.length != BUCKETS || lagHistogram.length != BUCKETS) {
            throw new IllegalArgumentException("LoopStats: histograms must have " + BUCKETS + " buckets");
        }
        passHistogram = passHistogram.clone();
        lagHistogram = lagHistogram.clone();
    }

    /** Pass durations by bucket, a copy (see the class comment for the bucket bounds). */
    @Override
    public long[] passHistogram() {
        return passHistogram.clone();
    }

    /** Callback lags by bucket, a copy (see the class comment for the bucket bounds). */
    @Override
    public long[] lagHistogram() {
        return lagHistogram.clone();
    }

    /**
     * The smallest value, in ns, that bucket {@code i} counts: 0 for bucket 0, else
     * {@code 2^(9+i)}.
     *
     * @throws IndexOutOfBoundsException if {@code i} is not in {@code 0..BUCKETS-1}
     */
    public static long bucketLowerNanos(int i) {
        java.util.Objects.checkIndex(i, BUCKETS);
        return i == 0 ? 0 : 1L << (9 + i);
    }

    /**
     * The smallest value {@code v} such that at least {@code q} of the counted values in
     * {@code histogram} are below the upper bound of {@code v}'s bucket, as a {@link Duration}:
     * an upper estimate within a factor of two. {@code Duration.ZERO} for an empty histogram;
     * the last bucket, which has no upper bound, reports its lower bound.
     *
     * @param histogram {@link #passHistogram()} or {@link #lagHistogram()}, or the bucket-wise
     *                  difference of two snapshots' histograms
     * @param q         the quantile, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code q} is outside {@code [0, 1]} or the histogram
     *                                  does not have {@link #BUCKETS} buckets
     */
    public static Duration quantile(long[] histogram, double q) {
        if (!(q >= 0 && q <= 1) || histogram.length != BUCKETS) {
            throw new IllegalArgumentException("quantile: q in [0, 1] and " + BUCKETS + " buckets, was q=" + q
                    + " and " + histogram.length + " buckets");
        }
        long n = 0;
        for (long c : histogram) {
            n += c;
        }
        if (n == 0) {
            return Duration.ZERO;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return Duration.ofNanos(i == BUCKETS - 1 ? bucketLowerNanos(i) : bucketLowerNanos(i + 1));
            }
        }
        return Duration.ofNanos(bucketLowerNanos(BUCKETS - 1));
    }

    /** A one-line summary for logs: counts, passes and lag with means, maxima and p99 upper bounds. */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT,
                "LoopStats[pending=%d active=%d tasks=%d passes=%d pass(last=%s max=%s mean=%s p99<=%s) "
                        + "callbacks=%d lag(last=%s max=%s mean=%s p99<=%s) blocked=%d spins=%d(hits=%d, %s)]",
                pendingEvents, activeEvents, queuedTasks, passes, us(passNanosLast), us(passNanosMax),
                us(passes == 0 ? 0 : passNanosTotal / passes), us(quantile(passHistogram, 0.99).toNanos()),
                callbacks, us(lagNanosLast), us(lagNanosMax), us(callbacks == 0 ? 0 : lagNanosTotal / callbacks),
                us(quantile(lagHistogram, 0.99).toNanos()), blockedEpisodes, spins, spinHits, us(spinNanosTotal));
    }

    private static String us(long nanos) {
        return nanos < 10_000 ? nanos + "ns" : nanos < 10_000_000 ? nanos / 1000 + "us" : nanos / 1_000_000 + "ms";
    }
}
