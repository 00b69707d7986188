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

package io.laio.examples.workload;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How many times each file of one size class is requested: Zipf-like by popularity rank
 * ({@code 1 + extra}, the extra requests in proportion to {@code rank^-ALPHA}, so every file is
 * requested at least once), with the ranks dealt so that the class's transferred bytes meet
 * their target.
 *
 * <p>Ranks follow a random key per file plus {@code lambda} times its standardised log size:
 * {@code lambda = 0} makes popularity independent of size, a large positive one makes the
 * biggest files the most popular, a large negative one the smallest. The transferred bytes
 * grow with {@code lambda}, so a bisection on it finds the deal whose bytes are closest to the
 * target. Real traces show a weak size–popularity correlation either way; the bisection picks
 * whichever this class's files need. A few greedy rank swaps then close the last gap, which is
 * coarse when a class has only a few files (small scales).
 */
final class Popularity {
    /** Zipf exponent of the rank–frequency law (web traces of the time: 0.6–0.9). */
    static final double ALPHA = 0.8;
    private static final int ROUNDS = 48;
    private static final int REFINE_PASSES = 64;
    private static final int ALL_PAIRS = 400;

    private Popularity() {
    }

    /**
     * Request counts per file, summing to {@code requests}.
     *
     * @throws IllegalArgumentException if there are more files than requests
     */
    static int[] counts(long[] sizes, long requests, long targetBytes, SplittableRandom rnd) {
        int n = sizes.length;
        if (n == 0) {
            if (requests != 0) {
                throw new IllegalArgumentException(requests + " requests for a class without files");
            }
            return new int[0];
        }
        if (requests < n) {
            throw new IllegalArgumentException(n + " files but only " + requests + " requests: raise --scale");
        }
        int[] byRank = zipf(n, requests);
        double[] noise = new double[n];
        for (int i = 0; i < n; i++) {
            noise[i] = gaussian(rnd);
        }
        double[] z = standardisedLogs(sizes);
        long[] keys = new long[n];
        double lo = -30;
        double hi = 30;
        double best = 0;
        long bestErr = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            double lambda = round == 0 ? 0 : (lo + hi) / 2;
            long bytes = deal(sizes, byRank, noise, z, lambda, keys, null);
            long err = Math.abs(bytes - targetBytes);
            if (err < bestErr) {
                bestErr = err;
                best = lambda;
            }
            if (round > 0) {
                if (bytes < targetBytes) {
                    lo = lambda;
                } else {
                    hi = lambda;
                }
            }
        }
        deal(sizes, byRank, noise, z, best, keys, null);
        int[] fileAt = new int[n];
        for (int rank = 0; rank < n; rank++) {
            fileAt[rank] = (int) keys[rank];
        }
        refine(sizes, byRank, fileAt, targetBytes);
        int[] counts = new int[n];
        for (int rank = 0; rank < n; rank++) {
            counts[fileAt[rank]] = byRank[rank];
        }
        return counts;
    }

    /**
     * Few files deal coarsely: swaps files between ranks (the counts by rank stay Zipf's)
     * while a swap brings the bytes closer to the target. All pairs for a few hundred files,
     * pairs at power-of-two rank distances beyond.
     */
    private static void refine(long[] sizes, int[] byRank, int[] fileAt, long target) {
        int n = fileAt.length;
        long err = -target;
        for (int rank = 0; rank < n; rank++) {
            err += byRank[rank] * sizes[fileAt[rank]];
        }
        for (int pass = 0; pass < REFINE_PASSES && err != 0; pass++) {
            long bestErr = Math.abs(err);
            int bi = -1;
            int bj = -1;
            for (int i = 0; i < n; i++) {
                for (int d = 1; i + d < n; d = n <= ALL_PAIRS ? d + 1 : d * 2) {
                    int j = i + d;
                    long e = err + (long) (byRank[i] - byRank[j]) * (sizes[fileAt[j]] - sizes[fileAt[i]]);
                    if (Math.abs(e) < bestErr) {
                        bestErr = Math.abs(e);
                        bi = i;
                        bj = j;
                    }
                }
            }
            if (bi < 0) {
                return;
            }
            err += (long) (byRank[bi] - byRank[bj]) * (sizes[fileAt[bj]] - sizes[fileAt[bi]]);
            int t = fileAt[bi];
            fileAt[bi] = fileAt[bj];
            fileAt[bj] = t;
        }
    }

    /** Deals the rank counts by key order; returns the bytes; fills {@code counts} if given. */
    private static long deal(long[] sizes, int[] byRank, double[] noise, double[] z, double lambda, long[] keys, int[] counts) {
        int n = sizes.length;
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) descending((float) (noise[i] + lambda * z[i])) << 32) | i;
        }
        Arrays.sort(keys);
        long bytes = 0;
        for (int rank = 0; rank < n; rank++) {
            int file = (int) keys[rank];
            bytes += byRank[rank] * sizes[file];
            if (counts != null) {
                counts[file] = byRank[rank];
            }
        }
        return bytes;
    }

    /** An int that sorts ascending as {@code f} descends. */
    private static int descending(float f) {
        int b = Float.floatToIntBits(f);
        b ^= (b >> 31) & 0x7fffffff; // now ascending with f, as a signed int
        return ~b;
    }

    /** Counts by rank: one each, the rest by {@code rank^-ALPHA}, largest remainder rounding. */
    static int[] zipf(int n, long requests) {
        int[] counts = new int[n];
        Arrays.fill(counts, 1);
        long extra = requests - n;
        double[] w = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            w[k] = Math.pow(k + 1, -ALPHA);
            sum += w[k];
        }
        long given = 0;
        double[] rem = new double[n];
        for (int k = 0; k < n; k++) {
            double exact = extra * w[k] / sum;
            long whole = (long) exact;
            counts[k] += (int) whole;
            given += whole;
            rem[k] = exact - whole;
        }
        // the leftover (< n) goes to the largest remainders; ties to the better rank
        long left = extra - given;
        if (left > 0) {
            long[] order = new long[n];
            for (int k = 0; k < n; k++) {
                order[k] = ((long) descending((float) rem[k]) << 32) | k;
            }
            Arrays.sort(order);
            for (int j = 0; j < left; j++) {
                counts[(int) order[j]]++;
            }
        }
        return counts;
    }

    private static double[] standardisedLogs(long[] sizes) {
        int n = sizes.length;
        double[] z = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            z[i] = Math.log(sizes[i]);
            mean += z[i];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
            var += (z[i] - mean) * (z[i] - mean);
        }
        double sd = Math.sqrt(var / n);
        for (int i = 0; i < n; i++) {
            z[i] = sd > 0 ? (z[i] - mean) / sd : 0;
        }
        return z;
    }

    /** A standard normal deviate (Box–Muller), from this generator only, so seeds reproduce. */
    private static double gaussian(SplittableRandom rnd) {
        double u = 1 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
