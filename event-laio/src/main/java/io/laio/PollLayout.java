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
import java.lang.ref.Reference;

/**
 * One descriptor polled with {@code ppoll(2)}: {@code struct pollfd { int fd; short events;
 * short revents; }} at offset 0 and {@code ppoll}'s {@code struct timespec { long tv_sec; long
 * tv_nsec; }} at offset 8 of a {@link #SIZE}-byte region the calling thread owns.
 *
 * <pre>
 *  0        4        6        8                16               24
 *  | fd     | events | revents| tv_sec         | tv_nsec        |
 * </pre>
 *
 * <p>Why {@code ppoll} and never {@code poll}: {@code poll} exists on x86_64 only; aarch64 and
 * the other generic-table architectures have {@code ppoll} alone ({@link Sys#nativeNumber} maps
 * {@code SYS_poll} to -1 there, which the kernel answers with {@code ENOSYS}).
 */
final class PollLayout {
    static final long SIZE = 24;
    static final short POLLIN = 0x1;
    static final short POLLOUT = 0x4;
    /** The kernel's sigset_t; ignored with a NULL mask, given anyway. */
    private static final long SIGSET_SIZE = 8;

    private PollLayout() {}

    /**
     * Whether {@code fd} has {@code events} (or an error or hang-up, which ppoll always reports)
     * now, or — with {@code wait} — once it has them: {@code 1} ready, {@code 0} not ready
     * (never with {@code wait}), {@code -1} with errno in {@code capture} ({@code EINTR} included).
     * Allocates nothing: {@code region} is the calling thread's own, {@link #SIZE} bytes.
     */
    static long pollOne(MemorySegment capture, MemorySegment region, int fd, short events, boolean wait) {
        region.set(ValueLayout.JAVA_INT, 0, fd);
        region.set(ValueLayout.JAVA_SHORT, 4, events);
        region.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        // a zero timespec answers at once; NULL waits without limit. Set each time: the kernel
        // writes the time left back into it.
        region.set(ValueLayout.JAVA_LONG, 8, 0L);
        region.set(ValueLayout.JAVA_LONG, 16, 0L);
        long r = Syscalls.call(capture, Sys.SYS_ppoll, region.address(), 1, wait ? 0 : region.address() + 8, 0,
                SIGSET_SIZE);
        Reference.reachabilityFence(region); // only its address went down: keep its memory until ppoll returns
        return r;
    }
}
