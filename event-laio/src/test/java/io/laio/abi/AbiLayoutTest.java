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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The exported layouts have the kernel's sizes and offsets, and the architecture-dependent flags the right values. */
class AbiLayoutTest {
    private static long offset(java.lang.foreign.StructLayout l, String field) {
        return l.byteOffset(PathElement.groupElement(field));
    }

    @Test
    void structSizesAreTheKernels() {
        assertEquals(8, PollfdLayout.SIZE);
        assertEquals(16, TimespecLayout.SIZE);
        assertEquals(256, StatxLayout.SIZE);
        assertEquals(24, OpenHowLayout.SIZE);
        assertEquals(16, IovecLayout.SIZE);
        assertEquals(16, CachestatLayout.RANGE_SIZE);
        assertEquals(40, CachestatLayout.STAT_SIZE);
        assertEquals(Arch.X86_64 ? 12 : 16, EpollEventLayout.SIZE);
    }

    @Test
    void statxFieldsSitWhereTheKernelPutsThem() {
        assertEquals(0x1C, offset(StatxLayout.LAYOUT, "stx_mode"));
        assertEquals(0x20, offset(StatxLayout.LAYOUT, "stx_ino"));
        assertEquals(0x28, offset(StatxLayout.LAYOUT, "stx_size"));
        assertEquals(0x70, offset(StatxLayout.LAYOUT, "stx_mtime"));
        assertEquals(0x90, offset(StatxLayout.LAYOUT, "stx_mnt_id"));
        MemorySegment stx = Arena.ofAuto().allocate(StatxLayout.LAYOUT);
        stx.set(ValueLayout.JAVA_SHORT, 0x1C, (short) (StatxLayout.S_IFREG | 0644));
        stx.set(ValueLayout.JAVA_LONG, 0x28, 12345);
        stx.set(ValueLayout.JAVA_LONG, 0x70, 1_700_000_000L);
        assertEquals(StatxLayout.S_IFREG, StatxLayout.mode(stx) & StatxLayout.S_IFMT);
        assertEquals(12345, StatxLayout.size(stx));
        assertEquals(1_700_000_000L, StatxLayout.mtimeSeconds(stx));
    }

    @Test
    void pollfdAndEpollEventFieldsRoundTrip() {
        MemorySegment pfd = Arena.ofAuto().allocate(PollfdLayout.LAYOUT);
        pfd.set(ValueLayout.JAVA_SHORT, 6, (short) 7);
        PollfdLayout.set(pfd, 42, PollfdLayout.POLLOUT);
        assertEquals(42, pfd.get(ValueLayout.JAVA_INT, 0));
        assertEquals(PollfdLayout.POLLOUT, pfd.get(ValueLayout.JAVA_SHORT, 4));
        assertEquals(0, PollfdLayout.revents(pfd), "revents is cleared for the kernel to fill");
        MemorySegment events = Arena.ofAuto().allocate(EpollEventLayout.SIZE * 2, 8);
        EpollEventLayout.set(events, 1, EpollEventLayout.EPOLLIN, -5);
        assertEquals(EpollEventLayout.EPOLLIN, events.get(ValueLayout.JAVA_INT_UNALIGNED, EpollEventLayout.SIZE));
        assertEquals(-5, events.get(ValueLayout.JAVA_LONG_UNALIGNED, EpollEventLayout.SIZE + (Arch.X86_64 ? 4 : 8)));
        assertEquals(-5, EpollEventLayout.data(events, 1));
    }

    @Test
    void flagsThatDifferByArchitectureFollowIt() {
        assertTrue(Arch.isX86("amd64"));
        assertTrue(Arch.isX86("x86_64"));
        assertFalse(Arch.isX86("aarch64"));
        if (Arch.X86_64) {
            assertEquals(0200000, OpenFlags.O_DIRECTORY);
            assertEquals(0400000, OpenFlags.O_NOFOLLOW);
            assertEquals(040000, OpenFlags.O_DIRECT);
            assertEquals(0x410000, OpenFlags.O_TMPFILE);
        } else {
            assertEquals(040000, OpenFlags.O_DIRECTORY);
            assertEquals(0100000, OpenFlags.O_NOFOLLOW);
            assertEquals(0200000, OpenFlags.O_DIRECT);
            assertEquals(0x404000, OpenFlags.O_TMPFILE);
        }
    }
}
