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
 * {@code struct io_uring_probe} (16 bytes) followed by {@code ops_len} entries of
 * {@code struct io_uring_probe_op} (8 bytes each), what {@code IORING_REGISTER_PROBE} fills:
 *
 * <pre>
 *   0  u8 last_op   1  u8 ops_len   2  u16 resv   4  u32 resv2[3]
 *  16  ops[i]: u8 op, u8 resv, u16 flags (IO_URING_OP_SUPPORTED = 1), u32 resv2
 * </pre>
 */
final class UringProbeLayout {
    static final StructLayout OP = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("op"), ValueLayout.JAVA_BYTE.withName("resv"),
            ValueLayout.JAVA_SHORT.withName("flags"), ValueLayout.JAVA_INT.withName("resv2")).withName("io_uring_probe_op");
    static final StructLayout HEADER = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("last_op"), ValueLayout.JAVA_BYTE.withName("ops_len"),
            ValueLayout.JAVA_SHORT.withName("resv"), MemoryLayout.sequenceLayout(3, ValueLayout.JAVA_INT).withName("resv2"))
            .withName("io_uring_probe");
    /** Room for every opcode a u8 can name. */
    static final int MAX_OPS = 256;
    static final long SIZE = HEADER.byteSize() + MAX_OPS * OP.byteSize();
    static final int OP_SUPPORTED = 1;

    private static final VarHandle OPS_LEN = HEADER.varHandle(MemoryLayout.PathElement.groupElement("ops_len"));
    private static final VarHandle OP_FLAGS = OP.varHandle(MemoryLayout.PathElement.groupElement("flags"));

    private UringProbeLayout() {}

    /** Whether the filled {@code probe} marks {@code opcode} supported. */
    static boolean supported(MemorySegment probe, int opcode) {
        int len = Byte.toUnsignedInt((byte) OPS_LEN.get(probe, 0L));
        if (opcode >= len) {
            return false;
        }
        short flags = (short) OP_FLAGS.get(probe, HEADER.byteSize() + opcode * OP.byteSize());
        return (flags & OP_SUPPORTED) != 0;
    }
}
