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

import java.util.Locale;

/**
 * A workload's published figures at scale 1: the LAIO paper's Table 2 (requests, footprint,
 * share of transferred bytes by file size) and the liblaiogen thesis' Table 1 (8 GB transferred
 * for Rice). Units are binary: 1 KB = 1024 bytes, 1 GB = 2<sup>30</sup> bytes.
 *
 * <p>Neither source gives Berkeley's transferred total; we assume Rice's bytes per request
 * (about 34 KB), which gives about 104 GB.
 */
public enum Profile {
    RICE(245_820, gib(1.1), gib(8.0), new double[] {0.055, 0.202, 0.743}),
    BERKELEY(3_184_540, gib(6.4), gib(8.0 * 3_184_540 / 245_820), new double[] {0.082, 0.332, 0.586});

    private final long requests;
    private final long footprint;
    private final long transferred;
    private final double[] byteShares;

    Profile(long requests, long footprint, long transferred, double[] byteShares) {
        this.requests = requests;
        this.footprint = footprint;
        this.transferred = transferred;
        this.byteShares = byteShares;
    }

    private static long gib(double g) {
        return Math.round(g * (1L << 30));
    }

    /** Lower-case name, as given to {@code --profile}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The {@link #id()}, as given to {@code --profile}. */
    @Override
    public String toString() {
        return id();
    }

    /** Requests in the trace at scale 1. */
    public long requests() {
        return requests;
    }

    /** Bytes in the document tree at scale 1 (every file is requested at least once). */
    public long footprint() {
        return footprint;
    }

    /** Bytes of all responses' bodies at scale 1. */
    public long transferred() {
        return transferred;
    }

    /** Share of the transferred bytes that are in files of class {@code c}. */
    public double byteShare(SizeClass c) {
        return byteShares[c.ordinal()];
    }

    /** The targets at a scale: requests, footprint and transferred bytes multiplied by it. */
    public Targets at(double scale) {
        if (!(scale > 0) || scale > 1_000) {
            throw new IllegalArgumentException("scale must be in (0, 1000]: " + scale);
        }
        return new Targets(this, scale, Math.max(1, Math.round(requests * scale)),
                Math.round(footprint * scale), Math.round(transferred * scale));
    }

    /** The profile called {@code id} (case-insensitive). */
    public static Profile of(String id) {
        for (Profile p : values()) {
            if (p.id().equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown profile " + id + " (rice or berkeley)");
    }

    /** A profile's figures at one scale. */
    public record Targets(Profile profile, double scale, long requests, long footprint, long transferred) {
        /** Target transferred bytes in files of class {@code c}. */
        public long transferred(SizeClass c) {
            return Math.round(transferred * profile.byteShare(c));
        }

        /** Target footprint of class {@code c}: the footprint split like the transferred bytes. */
        public long footprint(SizeClass c) {
            return Math.round(footprint * profile.byteShare(c));
        }
    }
}
