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
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Builds a {@link Workload} for a profile at a scale, deterministically from a seed (the same
 * profile, scale and seed give the same files and trace, on any JVM: {@link SplittableRandom}'s
 * algorithm is specified).
 *
 * <p>Per size class: the class's footprint (the profile's footprint split like its transferred
 * bytes) is cut into files by {@link FileSizer}. The medium and large classes get as many
 * requests as make their files, on average, re-read as often as the profile's bytes are
 * (transferred / footprint), i.e. {@code transferred(c) / mean file size}; the small class takes
 * the rest, so the total is exact. {@link Popularity} deals each class's requests over its
 * files, Zipf-like, to meet the class's transferred bytes. All requests are then
 * shuffled into one stream and cut into sessions of geometric length (mean
 * {@value #MEAN_SESSION}): one persistent connection each.
 */
public final class WorkloadGenerator {
    /** Mean number of requests per session. */
    public static final int MEAN_SESSION = 4;
    private static final int FILES_PER_DIR = 1000;
    private static final String[] PREFIX = {"/s/", "/m/", "/l/"};
    private static final String[] SUFFIX = {".html", ".jpg", ".pdf"};

    private WorkloadGenerator() {
    }

    /** The workload of {@code targets}, from {@code seed}. */
    public static Workload generate(Profile.Targets targets, long seed) {
        SizeClass[] classes = SizeClass.values();
        long[][] sizes = new long[classes.length][];
        int[][] counts = new int[classes.length][];
        long[] requests = new long[classes.length];
        for (SizeClass c : classes) {
            sizes[c.ordinal()] = FileSizer.sizes(c, targets.footprint(c), stream(seed, 1 + c.ordinal()));
        }
        long others = 0;
        for (SizeClass c : new SizeClass[] {SizeClass.MEDIUM, SizeClass.LARGE}) {
            long[] s = sizes[c.ordinal()];
            long footprint = Arrays.stream(s).sum();
            long r = s.length == 0 ? 0 : Math.round((double) targets.transferred(c) * s.length / footprint);
            requests[c.ordinal()] = Math.max(r, s.length);
            others += requests[c.ordinal()];
        }
        requests[SizeClass.SMALL.ordinal()] = targets.requests() - others;
        for (SizeClass c : classes) {
            counts[c.ordinal()] = Popularity.counts(sizes[c.ordinal()], requests[c.ordinal()], targets.transferred(c),
                    stream(seed, 11 + c.ordinal()));
        }
        int files = 0;
        for (long[] s : sizes) {
            files += s.length;
        }
        String[] paths = new String[files];
        long[] allSizes = new long[files];
        int[] trace = new int[Math.toIntExact(targets.requests())];
        int f = 0;
        int r = 0;
        for (SizeClass c : classes) {
            long[] s = sizes[c.ordinal()];
            for (int i = 0; i < s.length; i++, f++) {
                paths[f] = String.format(Locale.ROOT, "%s%03d/%06d%s", PREFIX[c.ordinal()], i / FILES_PER_DIR, i, SUFFIX[c.ordinal()]);
                allSizes[f] = s[i];
                for (int k = counts[c.ordinal()][i]; k > 0; k--) {
                    trace[r++] = f;
                }
            }
        }
        SplittableRandom order = stream(seed, 21);
        for (int i = trace.length - 1; i > 0; i--) {
            int j = order.nextInt(i + 1);
            int t = trace[i];
            trace[i] = trace[j];
            trace[j] = t;
        }
        return new Workload(targets, seed, paths, allSizes, trace, sessions(trace.length, stream(seed, 31)));
    }

    /** Session start offsets: geometric lengths of mean {@link #MEAN_SESSION}. */
    private static int[] sessions(int requests, SplittableRandom rnd) {
        int[] starts = new int[Math.max(16, requests / MEAN_SESSION + 16)];
        int n = 0;
        double q = Math.log(1 - 1.0 / MEAN_SESSION);
        for (int at = 0; at < requests; ) {
            if (n == starts.length) {
                starts = Arrays.copyOf(starts, n * 2);
            }
            starts[n++] = at;
            int len = 1 + (int) Math.floor(Math.log(1 - rnd.nextDouble()) / q);
            at += len;
        }
        return Arrays.copyOf(starts, n);
    }

    /** An independent generator per stage, so one stage's draws never shift another's. */
    private static SplittableRandom stream(long seed, int stage) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stage * 0xBF58476D1CE4E5B9L);
    }
}
