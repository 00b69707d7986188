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

import io.laio.internal.completion.CallCounters;

/**
 * A snapshot of a {@link Laio}'s counters, taken by {@link Laio#stats()}. Per syscall
 * ({@link Sys} number; {@code -1} for {@link Laio#call}): calls made, completed inline (without
 * blocking and without a thread hop), sent to the background, failed ({@code -1} returned or
 * completed), cancelled, and refused with {@link Errno#EAGAIN} because the background was full;
 * for LAZY calls, what the non-blocking probe answered. {@code toString()} lists every syscall
 * used, so a silent fallback (a probe the kernel refuses) is seen.
 */
public final class LaioStats {
    private final long[][] table; // [counter][slot]
    private final long[] latency;
    private final int helpersAlive;
    private final int queueDepth;
    private final int inFlight;

    private static final int CALLS = 0, INLINE = 1, BACKGROUND = 2, ERRORS = 3, CANCELLED = 4, REJECTED = 5,
            HIT = 6, WOULD_BLOCK = 7, UNSUPPORTED = 8, SKIPPED = 9, RETRIES = 10, COUNTERS = 11;

    LaioStats(CallCounters c, int helpersAlive, int queueDepth, int inFlight) {
        var arrays = new java.util.concurrent.atomic.AtomicLongArray[] {null, c.inline, c.background, c.errors,
            c.cancelled, c.rejected, c.probeHit, c.probeWouldBlock, c.probeUnsupported,
            c.probeSkipped, c.socketRetries};
        table = new long[arrays.length][CallCounters.SLOTS];
        for (int k = 1; k < arrays.length; k++) {
            for (int i = 0; i < CallCounters.SLOTS; i++) {
                table[k][i] = arrays[k].get(i);
            }
        }
        for (int i = 0; i < CallCounters.SLOTS; i++) {
            table[CALLS][i] = table[INLINE][i] + table[BACKGROUND][i] + table[REJECTED][i];
        }
        latency = new long[CallCounters.LATENCY_BUCKETS];
        for (int i = 0; i < latency.length; i++) {
            latency[i] = c.latency.get(i);
        }
        this.helpersAlive = helpersAlive;
        this.queueDepth = queueDepth;
        this.inFlight = inFlight;
    }

    private LaioStats(long[][] table, long[] latency, int helpersAlive, int queueDepth, int inFlight) {
        this.table = table;
        this.latency = latency;
        this.helpersAlive = helpersAlive;
        this.queueDepth = queueDepth;
        this.inFlight = inFlight;
    }

    /**
     * The sum of several snapshots, such as those of the {@code Laio}s of a group's loops: every
     * counter, latency bucket, helper, queue and in-flight count added.
     *
     * @param parts the snapshots; none may be null
     * @return their sum (all zero for none)
     */
    public static LaioStats sum(java.util.Collection<LaioStats> parts) {
        long[][] t = new long[COUNTERS][CallCounters.SLOTS];
        long[] lat = new long[CallCounters.LATENCY_BUCKETS];
        int helpers = 0, queued = 0, flying = 0;
        for (LaioStats p : parts) {
            for (int k = 0; k < t.length; k++) {
                for (int i = 0; i < CallCounters.SLOTS; i++) {
                    t[k][i] += p.table[k][i];
                }
            }
            for (int i = 0; i < lat.length; i++) {
                lat[i] += p.latency[i];
            }
            helpers += p.helpersAlive;
            queued += p.queueDepth;
            flying += p.inFlight;
        }
        return new LaioStats(t, lat, helpers, queued, flying);
    }

    private long get(int counter, long nr) {
        return table[counter][CallCounters.slot(nr)];
    }

    /**
     * Calls of {@code nr} made: the sum of {@link #inline}, {@link #background} and
     * {@link #rejected}.
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long calls(long nr) {
        return get(CALLS, nr);
    }

    /**
     * Calls of {@code nr} that completed on the calling thread, without a thread hop: INLINE
     * calls, and LAZY calls that did not block (or whose probe said they would not).
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long inline(long nr) {
        return get(INLINE, nr);
    }

    /**
     * Calls of {@code nr} sent to the background (a helper thread or a socket wait), which
     * returned {@code -1} with {@link Errno#EINPROGRESS} and complete later.
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long background(long nr) {
        return get(BACKGROUND, nr);
    }

    /**
     * Calls of {@code nr} that failed: completed inline with {@code -1} (an errno from the
     * kernel, not a refusal), or completed in the background with {@code -1}.
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long errors(long nr) {
        return get(ERRORS, nr);
    }

    /**
     * Background calls of {@code nr} cancelled before they ran (they completed with
     * {@link Errno#ECANCELED}).
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long cancelled(long nr) {
        return get(CANCELLED, nr);
    }

    /**
     * Calls of {@code nr} refused because the background was full ({@link LaioConfig#maxQueued()}):
     * they returned {@code -1} with {@link Errno#EAGAIN} and no handle, and did not start.
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long rejected(long nr) {
        return get(REJECTED, nr);
    }

    /**
     * LAZY calls of {@code nr} whose non-blocking probe (such as {@code preadv2} with
     * {@code RWF_NOWAIT}) succeeded, or answered that the call would not block.
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long probeHits(long nr) {
        return get(HIT, nr);
    }

    /**
     * LAZY calls of {@code nr} whose non-blocking probe answered that the call would block, so
     * that it went to the background.
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long probeWouldBlock(long nr) {
        return get(WOULD_BLOCK, nr);
    }

    /**
     * LAZY calls of {@code nr} whose non-blocking probe the kernel or file system refused (such as
     * {@code EOPNOTSUPP} for {@code RWF_NOWAIT}), so that laio fell back to another way of
     * deciding.
     *
     * @param nr the syscall number ({@link Sys}), or {@code -1} for {@link Laio#call(BlockingOp)};
     *           numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long probeUnsupported(long nr) {
        return get(UNSUPPORTED, nr);
    }

    /**
     * LAZY receives ({@code recvfrom}, {@code read}) of {@code nr} that went to their socket wait
     * without a probe, each saving one non-blocking system call that would almost surely have
     * answered {@code EAGAIN}: made on the thread that receives the completions (the loop
     * thread of a base on any backend but {@code "uring"}; the thread that last called
     * {@link Laio#poll} on a standalone Laio), on a stream socket whose previous receive on that
     * thread returned fewer bytes than asked (and more than none) — on an {@code "epoll"} base
     * also only once the loop has waited on the number before. Such a call returns {@code -1} with
     * {@link Errno#EINPROGRESS} even when bytes arrived after that short receive; it then
     * completes as soon as its wait sees them (the next loop pass; through the socket waiter, its
     * next round). Counted in {@link #background}, not in the probe answers.
     *
     * @param nr the syscall number ({@link Sys}); numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long probeSkipped(long nr) {
        return get(SKIPPED, nr);
    }

    /**
     * Non-blocking tries of waiting socket and pipe calls of {@code nr}, made when their
     * descriptor was reported ready (or, once, when its number turned out to name a new file):
     * one system call each for a receive (more for a write that goes on until all is sent, a
     * {@code ppoll} and the call for an accept or connect). A try that found the call would still
     * block counts too, so {@code socketRetries(nr) - background(nr)} (for calls that all waited on
     * sockets) tells how many readiness reports were futile.
     *
     * @param nr the syscall number ({@link Sys}); numbers beyond {@link Sys}'s table share one count
     * @return the count since the Laio was made
     */
    public long socketRetries(long nr) {
        return get(RETRIES, nr);
    }

    /** Of the calls of {@code nr} that ran, the share that completed inline (0..1); NaN if none ran. */
    public double inlineRatio(long nr) {
        long done = inline(nr) + background(nr);
        return done == 0 ? Double.NaN : (double) inline(nr) / done;
    }

    /** Over every syscall: the share of calls that completed without a thread hop (the LAIO paper's 73–86 %). */
    public double inlineRatio() {
        long in = 0, bg = 0;
        for (int i = 0; i < CallCounters.SLOTS; i++) {
            in += table[INLINE][i];
            bg += table[BACKGROUND][i];
        }
        return in + bg == 0 ? Double.NaN : (double) in / (in + bg);
    }

    /**
     * Helper threads alive when the snapshot was taken, over all lanes.
     *
     * @return the number of live helpers
     */
    public int helpersAlive() {
        return helpersAlive;
    }

    /** Background calls waiting for a helper. */
    public int queueDepth() {
        return queueDepth;
    }

    /** Background calls submitted and not yet completed. */
    public int inFlight() {
        return inFlight;
    }

    /** Completed background calls whose latency (submission to completion) was in [2^i, 2^(i+1)) ns. */
    public long latencyBucket(int i) {
        return latency[i];
    }

    /** An upper bound of the {@code q}-quantile (0..1) of background completion latency, in ns; 0 if none. */
    public long latencyQuantileNanos(double q) {
        long total = 0;
        for (long l : latency) {
            total += l;
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < latency.length; i++) {
            seen += latency[i];
            if (seen >= rank) {
                return 1L << (i + 1);
            }
        }
        return Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LaioStats[helpers=").append(helpersAlive).append(" queued=").append(queueDepth)
                .append(" inFlight=").append(inFlight);
        for (int i = 0; i < CallCounters.SLOTS; i++) {
            if (table[CALLS][i] == 0) {
                continue;
            }
            String name = i == CallCounters.JAVA ? "call" : i == CallCounters.OTHER ? "other" : Sys.name(i);
            sb.append("\n  ").append(name).append(": calls=").append(table[CALLS][i]).append(" inline=").append(table[INLINE][i])
                    .append(" background=").append(table[BACKGROUND][i]).append(" errors=").append(table[ERRORS][i]);
            if (table[CANCELLED][i] != 0) {
                sb.append(" cancelled=").append(table[CANCELLED][i]);
            }
            if (table[REJECTED][i] != 0) {
                sb.append(" rejected=").append(table[REJECTED][i]);
            }
            long probes = table[HIT][i] + table[WOULD_BLOCK][i] + table[UNSUPPORTED][i];
            if (probes != 0) {
                sb.append(" probe(hit=").append(table[HIT][i]).append(" wouldBlock=").append(table[WOULD_BLOCK][i])
                        .append(" unsupported=").append(table[UNSUPPORTED][i]).append(')');
            }
            if (table[SKIPPED][i] != 0) {
                sb.append(" probeSkipped=").append(table[SKIPPED][i]);
            }
            if (table[RETRIES][i] != 0) {
                sb.append(" socketRetries=").append(table[RETRIES][i]);
            }
        }
        if (latencyQuantileNanos(0.5) != 0) {
            sb.append("\n  background latency p50<=").append(latencyQuantileNanos(0.5) / 1000).append("us p99<=")
                    .append(latencyQuantileNanos(0.99) / 1000).append("us");
        }
        return sb.append(']').toString();
    }
}
