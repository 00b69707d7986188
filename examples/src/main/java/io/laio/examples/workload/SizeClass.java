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

/**
 * The LAIO paper's three file-size classes (Table 2): small files up to 8 KiB, medium ones
 * above 8 KiB up to 256 KiB, large ones above 256 KiB. Byte shares are reported per class.
 */
public enum SizeClass {
    SMALL(1, 8 * 1024L, "<= 8 KiB"),
    MEDIUM(8 * 1024L + 1, 256 * 1024L, "8-256 KiB"),
    LARGE(256 * 1024L + 1, Long.MAX_VALUE, "> 256 KiB");

    private final long min;
    private final long max;
    private final String label;

    SizeClass(long min, long max, String label) {
        this.min = min;
        this.max = max;
        this.label = label;
    }

    /** Smallest size in the class, in bytes. */
    public long min() {
        return min;
    }

    /** Largest size in the class, in bytes ({@link Long#MAX_VALUE} for {@link #LARGE}). */
    public long max() {
        return max;
    }

    /** How the paper names the class's range. */
    public String label() {
        return label;
    }

    /** The class a file of {@code size} bytes belongs to (an empty file counts as small). */
    public static SizeClass of(long size) {
        if (size <= SMALL.max) {
            return SMALL;
        }
        return size <= MEDIUM.max ? MEDIUM : LARGE;
    }
}
