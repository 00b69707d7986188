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

package io.laio.internal.sockets;

import io.laio.Sys;
import io.laio.abi.PollfdLayout;
import io.laio.abi.TimespecLayout;
import io.laio.internal.Scratch;
import io.laio.internal.Syscalls;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * One descriptor polled with {@code ppoll(2)}, in a thread's {@link Scratch}.
 *
 * <p>Why {@code ppoll} and never {@code poll}: {@code poll} exists on x86_64 only; aarch64 and
 * the other generic-table architectures have {@code ppoll} alone ({@link Sys#nativeNumber} maps
 * {@code SYS_poll} to -1 there, which the kernel answers with {@code ENOSYS}).
 */
public final class Ppoll {
    /** The kernel's sigset_t; ignored with a NULL mask, given anyway. */
    private static final long SIGSET_SIZE = 8;

    private Ppoll() {}

    /**
     * Whether {@code fd} has {@code events} (or an error or hang-up, which ppoll always reports)
     * now, or — with {@code wait} — once it has them: {@code 1} ready, {@code 0} not ready
     * (never with {@code wait}), {@code -1} with errno in {@code capture} ({@code EINTR} included).
     * Allocates nothing.
     */
    public static long one(MemorySegment capture, Scratch s, int fd, short events, boolean wait) {
        PollfdLayout.set(s.pollfd, fd, events);
        // a zero timespec answers at once; NULL waits without limit. Set each time: the kernel
        // writes the time left back into it.
        TimespecLayout.set(s.timespec, 0, 0);
        long r = Syscalls.call(capture, Sys.SYS_ppoll, s.pollfd.address(), 1, wait ? 0 : s.timespec.address(), 0,
                SIGSET_SIZE);
        Reference.reachabilityFence(s); // only addresses went down: keep the memory until ppoll returns
        return r;
    }
}
