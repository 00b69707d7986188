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

package io.laio.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/** {@code struct timespec { long tv_sec; long tv_nsec; }} (16 bytes on 64-bit Linux). */
public final class TimespecLayout {
    /** The struct: {@code tv_sec}, {@code tv_nsec}. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"),
            ValueLayout.JAVA_LONG.withName("tv_nsec"));
    /** {@code sizeof(struct timespec)}: 16. */
    public static final long SIZE = LAYOUT.byteSize();
    private static final VarHandle SEC = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("tv_sec"));
    private static final VarHandle NSEC = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("tv_nsec"));

    private TimespecLayout() {}

    /** Fills the timespec at the start of {@code ts}; {@code nanos} must be 0..999,999,999 for the kernel. */
    public static void set(MemorySegment ts, long seconds, long nanos) {
        SEC.set(ts, 0L, seconds);
        NSEC.set(ts, 0L, nanos);
    }

    /** {@code tv_sec} of the timespec at the start of {@code ts}. */
    public static long seconds(MemorySegment ts) {
        return (long) SEC.get(ts, 0L);
    }

    /** {@code tv_nsec} of the timespec at the start of {@code ts}. */
    public static long nanos(MemorySegment ts) {
        return (long) NSEC.get(ts, 0L);
    }
}
