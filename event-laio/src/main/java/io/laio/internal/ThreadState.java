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

package io.laio.internal;

import io.laio.Laio;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * What each thread keeps for laio: its own errno capture segment (errno must never be shared
 * between threads), the errno of its last {@link Laio#syscall} and the record (and generation) of
 * its last background call. One per thread, found through a {@link ThreadLocal}; allocated once.
 */
public final class ThreadState {
    private static final ThreadLocal<ThreadState> CURRENT = ThreadLocal.withInitial(ThreadState::new);

    public final MemorySegment capture = Syscalls.newCapture(Arena.ofAuto());
    public int errno;
    /** The record of this thread's last background call ({@code null}: it completed inline) and its generation then. */
    public LaioCall lastCall;
    public long lastGen;
    /**
     * This thread's structs for probes and helpers ({@link Scratch}). (The {@link #capture}
     * segment is passed to the downcall as a segment: the linker keeps it.)
     */
    public final Scratch scratch = new Scratch(Arena.ofAuto());

    public static ThreadState current() {
        return CURRENT.get();
    }
}
