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

package io.laio.uring;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct io_uring_getevents_arg} (24 bytes: {@code u64 sigmask; u32 sigmask_sz;
 * u32 min_wait_usec; u64 ts}), the {@code IORING_ENTER_EXT_ARG} argument, and the
 * {@code struct __kernel_timespec} (16 bytes: {@code s64 tv_sec; s64 tv_nsec}) its {@code ts}
 * points to, also what an {@code IORING_OP_TIMEOUT} entry's {@code addr} points to.
 */
final class UringWaitArgLayout {
    static final StructLayout ARG = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("sigmask"), ValueLayout.JAVA_INT.withName("sigmask_sz"),
            ValueLayout.JAVA_INT.withName("min_wait_usec"), ValueLayout.JAVA_LONG.withName("ts"))
            .withName("io_uring_getevents_arg");
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"))
            .withName("__kernel_timespec");

    private static final VarHandle TS = ARG.varHandle(MemoryLayout.PathElement.groupElement("ts"));
    private static final VarHandle TV_SEC = TIMESPEC.varHandle(MemoryLayout.PathElement.groupElement("tv_sec"));
    private static final VarHandle TV_NSEC = TIMESPEC.varHandle(MemoryLayout.PathElement.groupElement("tv_nsec"));

    private UringWaitArgLayout() {}

    /** Points the (otherwise zero: no signal mask) {@code arg} at {@code timespec}. */
    static void pointAt(MemorySegment arg, MemorySegment timespec) {
        arg.fill((byte) 0);
        TS.set(arg, 0L, timespec.address());
    }

    static void setNanos(MemorySegment timespec, long nanos) {
        TV_SEC.set(timespec, 0L, nanos / 1_000_000_000L);
        TV_NSEC.set(timespec, 0L, nanos % 1_000_000_000L);
    }
}
