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
 * Draws the sizes of one class's files so that they add up to the class's footprint: sizes
 * are log-uniform over the class's range (many small files, few big ones, as in web servers'
 * trees), then scaled and trimmed so the sum is exact whenever the range allows it.
 */
final class FileSizer {
    /** Smallest file the generator writes. */
    static final long SMALLEST = 128;
    /** Largest file the generator writes. */
    static final long LARGEST = 8L << 20;

    private FileSizer() {
    }

    /**
     * Sizes of the files of class {@code c} that add up to {@code footprint} bytes.
     *
     * @return the sizes, in drawing order; empty if {@code footprint} is below the class's
     *         smallest size
     */
    static long[] sizes(SizeClass c, long footprint, SplittableRandom rnd) {
        long lo = Math.max(c.min(), SMALLEST);
        // a small large-class footprint still gets a handful of files, so popularity has a choice
        long hi = Math.min(c.max(), c == SizeClass.LARGE ? Math.max(2 * lo, Math.min(LARGEST, footprint / 4)) : LARGEST);
        if (footprint < lo) {
            return new long[0];
        }
        double logLo = Math.log(lo);
        double logHi = Math.log(hi);
        long[] sizes = new long[16];
        int n = 0;
        long sum = 0;
        while (sum < footprint) {
            long s = Math.round(Math.exp(logLo + rnd.nextDouble() * (logHi - logLo)));
            s = Math.clamp(s, lo, hi);
            if (n == sizes.length) {
                sizes = Arrays.copyOf(sizes, n * 2);
            }
            sizes[n++] = s;
            sum += s;
        }
        sizes = Arrays.copyOf(sizes, n);
        double factor = (double) footprint / sum;
        sum = 0;
        for (int i = 0; i < n; i++) {
            sizes[i] = Math.clamp(Math.round(sizes[i] * factor), lo, hi);
            sum += sizes[i];
        }
        trim(sizes, footprint - sum, lo, hi);
        return sizes;
    }

    /** Spreads {@code diff} bytes over the files, keeping each within [lo, hi]. */
    private static void trim(long[] sizes, long diff, long lo, long hi) {
        for (int i = 0; i < sizes.length && diff != 0; i++) {
            long room = diff > 0 ? hi - sizes[i] : lo - sizes[i];
            long step = diff > 0 ? Math.min(diff, room) : Math.max(diff, room);
            sizes[i] += step;
            diff -= step;
        }
    }
}
