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

/**
 * {@code struct epoll_event { uint32_t events; epoll_data_t data; }}: packed (12 bytes) on
 * x86_64, naturally aligned (16 bytes) elsewhere, as the kernel's {@code EPOLL_PACKED} says
 * ({@link Arch}); and its event bits ({@code EPOLL*}).
 */
public final class EpollEventLayout {
    /** The struct for the running architecture: {@code events}, then {@code data} (a {@code u64} here). */
    public static final StructLayout LAYOUT = Arch.X86_64
            ? MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"))
            : MemoryLayout.structLayout(ValueLayout.JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"));
    /** {@code sizeof(struct epoll_event)}: 12 on x86_64, 16 elsewhere; the stride of an event array. */
    public static final long SIZE = LAYOUT.byteSize();
    private static final long DATA = LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    /** Readable. */
    public static final int EPOLLIN = 0x001;
    /** Urgent data. */
    public static final int EPOLLPRI = 0x002;
    /** Writable. */
    public static final int EPOLLOUT = 0x004;
    /** An error (always reported). */
    public static final int EPOLLERR = 0x008;
    /** Hang-up (always reported). */
    public static final int EPOLLHUP = 0x010;
    /** The peer closed its writing half. */
    public static final int EPOLLRDHUP = 0x2000;
    /** Report the descriptor once, then disable it until {@code EPOLL_CTL_MOD} re-arms it. */
    public static final int EPOLLONESHOT = 1 << 30;
    /** Edge-triggered. */
    public static final int EPOLLET = 1 << 31;

    private EpollEventLayout() {}

    /** Fills element {@code index} of the event array {@code events}. */
    public static void set(MemorySegment events, long index, int mask, long data) {
        long base = index * SIZE;
        events.set(ValueLayout.JAVA_INT_UNALIGNED, base, mask);
        events.set(ValueLayout.JAVA_LONG_UNALIGNED, base + DATA, data);
    }

    /** The {@code events} of element {@code index}. */
    public static int events(MemorySegment events, long index) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, index * SIZE);
    }

    /** The {@code data} of element {@code index}. */
    public static long data(MemorySegment events, long index) {
        return events.get(ValueLayout.JAVA_LONG_UNALIGNED, index * SIZE + DATA);
    }
}
