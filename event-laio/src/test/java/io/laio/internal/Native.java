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

import io.laio.Errno;
import io.laio.Sys;
import io.laio.abi.CachestatLayout;
import io.laio.internal.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Test helpers that make real kernel objects (pipes, files) through plain syscalls. */
public final class Native {
    public static final MemorySegment CAPTURE = Syscalls.newCapture(Arena.global());

    private Native() {}

    public static synchronized long sys(long nr, long... a) {
        long[] x = java.util.Arrays.copyOf(a, 6);
        long r = Syscalls.call(CAPTURE, nr, x[0], x[1], x[2], x[3], x[4], x[5]);
        if (r == -1) {
            throw new IllegalStateException(Sys.name(nr) + " failed: " + Errno.name(Syscalls.errno(CAPTURE)));
        }
        return r;
    }

    /** A pipe: {read fd, write fd}. */
    public static int[] pipe() {
        MemorySegment fds = Arena.ofAuto().allocate(8, 4);
        sys(Sys.SYS_pipe2, fds.address(), 0x80000 /* O_CLOEXEC */);
        return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
    }

    public static void writeByte(int fd, byte b) {
        MemorySegment m = Arena.ofAuto().allocate(1);
        m.set(ValueLayout.JAVA_BYTE, 0, b);
        sys(Sys.SYS_write, fd, m.address(), 1);
    }

    public static void close(int fd) {
        sys(Sys.SYS_close, fd);
    }

    public static int openRead(String path) {
        MemorySegment p = Arena.ofAuto().allocateFrom(path);
        return (int) sys(Sys.SYS_openat, -100, p.address(), 0x80000, 0);
    }

    /** Drops the file's pages from the page cache (it must be clean: fsync first). */
    public static void dropFromCache(int fd) {
        sys(Sys.SYS_fadvise64, fd, 0, 0, 4 /* POSIX_FADV_DONTNEED */);
    }

    /** How many pages of {@code [off, off + len)} are in the page cache ({@code cachestat}). */
    public static long cachedPages(int fd, long off, long len) {
        MemorySegment m = Arena.ofAuto().allocate(CachestatLayout.RANGE_SIZE + CachestatLayout.STAT_SIZE, 8);
        CachestatLayout.range(m, off, len);
        sys(Sys.SYS_cachestat, fd, m.address(), m.address() + CachestatLayout.RANGE_SIZE, 0);
        return CachestatLayout.cachedPages(m.asSlice(CachestatLayout.RANGE_SIZE));
    }
}
