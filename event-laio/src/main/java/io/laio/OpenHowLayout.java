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

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct open_how { __u64 flags; __u64 mode; __u64 resolve; }} for {@code openat2(2)};
 * its size is passed to the kernel, which refuses sizes it does not know ({@code E2BIG}).
 */
final class OpenHowLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("flags"),
            ValueLayout.JAVA_LONG.withName("mode"),
            ValueLayout.JAVA_LONG.withName("resolve"));
    static final long SIZE = LAYOUT.byteSize();
    private static final VarHandle FLAGS = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("flags"));
    private static final VarHandle MODE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("mode"));
    private static final VarHandle RESOLVE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("resolve"));

    /** Fail with EAGAIN instead of doing I/O if the path is not entirely in the dentry cache. */
    static final long RESOLVE_CACHED = 0x20;

    private OpenHowLayout() {}

    static void set(MemorySegment how, long flags, long mode, long resolve) {
        FLAGS.set(how, 0L, flags);
        MODE.set(how, 0L, mode);
        RESOLVE.set(how, 0L, resolve);
    }
}
