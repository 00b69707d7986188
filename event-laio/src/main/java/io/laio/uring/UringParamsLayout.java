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
 * {@code struct io_uring_params} (120 bytes), what {@code io_uring_setup} reads and fills, with its
 * two nested offset tables:
 *
 * <pre>
 *   0  u32 sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd, resv[3]
 *  40  struct io_sqring_offsets { u32 head, tail, ring_mask, ring_entries, flags, dropped, array, resv1; u64 user_addr }
 *  80  struct io_cqring_offsets { u32 head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1; u64 user_addr }
 * </pre>
 *
 * The offsets are byte offsets into the mmapped SQ and CQ rings; the kernel chooses them, so the
 * ring code reads them from here and hard-codes none.
 */
final class UringParamsLayout {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT;

    /** {@code struct io_sqring_offsets}. */
    static final StructLayout SQ_OFFSETS = MemoryLayout.structLayout(
            U32.withName("head"), U32.withName("tail"), U32.withName("ring_mask"), U32.withName("ring_entries"),
            U32.withName("flags"), U32.withName("dropped"), U32.withName("array"), U32.withName("resv1"),
            ValueLayout.JAVA_LONG.withName("user_addr")).withName("io_sqring_offsets");

    /** {@code struct io_cqring_offsets}. */
    static final StructLayout CQ_OFFSETS = MemoryLayout.structLayout(
            U32.withName("head"), U32.withName("tail"), U32.withName("ring_mask"), U32.withName("ring_entries"),
            U32.withName("overflow"), U32.withName("cqes"), U32.withName("flags"), U32.withName("resv1"),
            ValueLayout.JAVA_LONG.withName("user_addr")).withName("io_cqring_offsets");

    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            U32.withName("sq_entries"), U32.withName("cq_entries"), U32.withName("flags"),
            U32.withName("sq_thread_cpu"), U32.withName("sq_thread_idle"), U32.withName("features"),
            U32.withName("wq_fd"), MemoryLayout.sequenceLayout(3, U32).withName("resv"),
            SQ_OFFSETS.withName("sq_off"), CQ_OFFSETS.withName("cq_off")).withName("io_uring_params");

    static final VarHandle SQ_ENTRIES = top("sq_entries");
    static final VarHandle CQ_ENTRIES = top("cq_entries");
    static final VarHandle FLAGS = top("flags");
    static final VarHandle FEATURES = top("features");

    static final VarHandle SQ_HEAD = sq("head");
    static final VarHandle SQ_TAIL = sq("tail");
    static final VarHandle SQ_RING_MASK = sq("ring_mask");
    static final VarHandle SQ_FLAGS = sq("flags");
    static final VarHandle SQ_ARRAY = sq("array");

    static final VarHandle CQ_HEAD = cq("head");
    static final VarHandle CQ_TAIL = cq("tail");
    static final VarHandle CQ_RING_MASK = cq("ring_mask");
    static final VarHandle CQ_CQES = cq("cqes");

    private UringParamsLayout() {}

    private static VarHandle top(String name) {
        return LAYOUT.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    private static VarHandle sq(String name) {
        return LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("sq_off"), MemoryLayout.PathElement.groupElement(name));
    }

    private static VarHandle cq(String name) {
        return LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("cq_off"), MemoryLayout.PathElement.groupElement(name));
    }

    /** A u32 field of {@code params} read through one of the handles above. */
    static int get(VarHandle field, MemorySegment params) {
        return (int) field.get(params, 0L);
    }
}
