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
import java.lang.invoke.VarHandle;

/**
 * {@code struct open_how { __u64 flags; __u64 mode; __u64 resolve; }} for {@code openat2(2)},
 * and its resolve flags ({@code RESOLVE_*}). Its size is passed to the kernel, which refuses
 * sizes it does not know ({@code E2BIG}).
 */
public final class OpenHowLayout {
    /** The struct: {@code flags}, {@code mode}, {@code resolve}. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("flags"),
            ValueLayout.JAVA_LONG.withName("mode"),
            ValueLayout.JAVA_LONG.withName("resolve"));
    /** {@code sizeof(struct open_how)}: 24, the {@code size} argument of {@code openat2}. */
    public static final long SIZE = LAYOUT.byteSize();
    private static final VarHandle FLAGS = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("flags"));
    private static final VarHandle MODE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("mode"));
    private static final VarHandle RESOLVE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("resolve"));

    /** Do not cross a mount point. */
    public static final long RESOLVE_NO_XDEV = 0x01;
    /** Do not follow magic links ({@code /proc/self/fd/N} and the like). */
    public static final long RESOLVE_NO_MAGICLINKS = 0x02;
    /** Do not follow any symbolic link. */
    public static final long RESOLVE_NO_SYMLINKS = 0x04;
    /** The path must stay beneath the directory descriptor (no {@code ..} above it, no absolute link). */
    public static final long RESOLVE_BENEATH = 0x08;
    /** Resolve as if the directory descriptor were the root. */
    public static final long RESOLVE_IN_ROOT = 0x10;
    /** Fail with {@code EAGAIN} instead of doing I/O if the lookup is not entirely in the dentry cache. */
    public static final long RESOLVE_CACHED = 0x20;

    private OpenHowLayout() {}

    /** Fills the open_how at the start of {@code how}. */
    public static void set(MemorySegment how, long flags, long mode, long resolve) {
        FLAGS.set(how, 0L, flags);
        MODE.set(how, 0L, mode);
        RESOLVE.set(how, 0L, resolve);
    }

    /** {@code flags}: the {@link OpenFlags O_*} flags. */
    public static long flags(MemorySegment how) {
        return (long) FLAGS.get(how, 0L);
    }

    /** {@code mode}: the permission bits of a created file. */
    public static long mode(MemorySegment how) {
        return (long) MODE.get(how, 0L);
    }

    /** {@code resolve}: the {@code RESOLVE_*} flags. */
    public static long resolve(MemorySegment how) {
        return (long) RESOLVE.get(how, 0L);
    }
}
