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

package io.laio;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct epoll_event { uint32_t events; epoll_data_t data; }}: packed (12 bytes) on
 * x86_64, naturally aligned (16 bytes) elsewhere, as the kernel's {@code EPOLL_PACKED} says.
 */
final class EpollEventLayout {
    static final boolean PACKED = System.getProperty("os.arch", "").matches("amd64|x86_64");
    static final long SIZE = PACKED ? 12 : 16;
    private static final long DATA = PACKED ? 4 : 8;

    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLONESHOT = 1 << 30;

    private EpollEventLayout() {}

    static void set(MemorySegment events, long index, int mask, long data) {
        long base = index * SIZE;
        events.set(ValueLayout.JAVA_INT_UNALIGNED, base, mask);
        events.set(ValueLayout.JAVA_LONG_UNALIGNED, base + DATA, data);
    }

    static int events(MemorySegment events, long index) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, index * SIZE);
    }

    static long data(MemorySegment events, long index) {
        return events.get(ValueLayout.JAVA_LONG_UNALIGNED, index * SIZE + DATA);
    }
}
