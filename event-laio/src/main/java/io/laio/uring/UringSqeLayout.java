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
import java.nio.ByteOrder;

/**
 * {@code struct io_uring_sqe} (64 bytes), one submission queue entry; only the members this
 * package writes are named, the unions by the member the opcodes here use:
 *
 * <pre>
 *   0  u8 opcode   1  u8 flags   2  u16 ioprio   4  s32 fd
 *   8  u64 off (addr2)          16  u64 addr
 *  24  u32 len                  28  u32 op_flags (poll32_events, timeout_flags, msg_ring_flags, ...)
 *  32  u64 user_data            40  u16 buf_index, u16 personality, s32 splice_fd_in
 *  48  u64 addr3, u64 pad
 * </pre>
 */
final class UringSqeLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_BYTE.withName("opcode"), ValueLayout.JAVA_BYTE.withName("flags"),
            ValueLayout.JAVA_SHORT.withName("ioprio"), ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_LONG.withName("off"), ValueLayout.JAVA_LONG.withName("addr"),
            ValueLayout.JAVA_INT.withName("len"), ValueLayout.JAVA_INT.withName("op_flags"),
            ValueLayout.JAVA_LONG.withName("user_data"), ValueLayout.JAVA_SHORT.withName("buf_index"),
            ValueLayout.JAVA_SHORT.withName("personality"), ValueLayout.JAVA_INT.withName("splice_fd_in"),
            ValueLayout.JAVA_LONG.withName("addr3"), ValueLayout.JAVA_LONG.withName("pad2")).withName("io_uring_sqe");
    static final long SIZE = LAYOUT.byteSize();

    private static final VarHandle OPCODE = handle("opcode");
    private static final VarHandle FLAGS = handle("flags");
    private static final VarHandle FD = handle("fd");
    private static final VarHandle OFF = handle("off");
    private static final VarHandle ADDR = handle("addr");
    private static final VarHandle LEN = handle("len");
    private static final VarHandle OP_FLAGS = handle("op_flags");
    private static final VarHandle USER_DATA = handle("user_data");
    private static final VarHandle IOPRIO = handle("ioprio");
    private static final VarHandle BUF_INDEX = handle("buf_index");
    private static final VarHandle PERSONALITY = handle("personality");
    private static final VarHandle SPLICE_FD_IN = handle("splice_fd_in");
    private static final VarHandle ADDR3 = handle("addr3");
    private static final VarHandle PAD2 = handle("pad2");

    private UringSqeLayout() {}

    private static VarHandle handle(String name) {
        return LAYOUT.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /** The SQE as eight aligned little-endian u64 words (x86_64 and aarch64 Linux are little-endian). */
    private static final boolean WORDS = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /** Fills the entry at byte {@code at} of {@code sqes} (a multiple of 64); every member not given is zeroed. */
    static void set(MemorySegment sqes, long at, int opcode, int flags, int fd, long off, long addr, int len,
                    int opFlags, long userData) {
        if (WORDS) {
            // eight word stores instead of fourteen member stores, each bounds-checked: the
            // writer is small enough to be inlined into the ring's push on the batch path
            sqes.set(ValueLayout.JAVA_LONG, at, (opcode & 0xFFL) | (flags & 0xFFL) << 8 | (long) fd << 32); // ioprio 0
            sqes.set(ValueLayout.JAVA_LONG, at + 8, off);
            sqes.set(ValueLayout.JAVA_LONG, at + 16, addr);
            sqes.set(ValueLayout.JAVA_LONG, at + 24, (len & 0xFFFF_FFFFL) | (long) opFlags << 32);
            sqes.set(ValueLayout.JAVA_LONG, at + 32, userData);
            sqes.set(ValueLayout.JAVA_LONG, at + 40, 0L); // buf_index, personality, splice_fd_in
            sqes.set(ValueLayout.JAVA_LONG, at + 48, 0L); // addr3
            sqes.set(ValueLayout.JAVA_LONG, at + 56, 0L); // pad2
            return;
        }
        setMembers(sqes, at, opcode, flags, fd, off, addr, len, opFlags, userData);
    }

    /** {@link #set} member by member, in any byte order. */
    static void setMembers(MemorySegment sqes, long at, int opcode, int flags, int fd, long off, long addr, int len,
                           int opFlags, long userData) {
        IOPRIO.set(sqes, at, (short) 0); // member by member: a slice to fill() would allocate per entry
        BUF_INDEX.set(sqes, at, (short) 0);
        PERSONALITY.set(sqes, at, (short) 0);
        SPLICE_FD_IN.set(sqes, at, 0);
        ADDR3.set(sqes, at, 0L);
        PAD2.set(sqes, at, 0L);
        OPCODE.set(sqes, at, (byte) opcode);
        FLAGS.set(sqes, at, (byte) flags);
        FD.set(sqes, at, fd);
        OFF.set(sqes, at, off);
        ADDR.set(sqes, at, addr);
        LEN.set(sqes, at, len);
        OP_FLAGS.set(sqes, at, opFlags);
        USER_DATA.set(sqes, at, userData);
    }
}
