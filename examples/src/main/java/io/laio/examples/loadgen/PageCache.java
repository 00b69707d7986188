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

package io.laio.examples.loadgen;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.abi.CachestatLayout;
import io.laio.abi.OpenFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Drops files from the page cache, for cold runs: {@code sync()}, then
 * {@code fadvise64(fd, 0, 0, POSIX_FADV_DONTNEED)} on each file. Also measures how much of a
 * file is still cached, with {@code cachestat(2)} (Linux 6.5+; {@link #cachedPages} says when
 * it is unavailable). The calls are plain system calls through laio's own syscall layer (an
 * INLINE {@link Laio}: no threads, errno checked per call).
 *
 * <p>Every call's result is checked: a failure is an {@link IOException} naming the call, the
 * file and the error. Threading: any thread.
 */
public final class PageCache {
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final Laio PLAIN = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build());

    private PageCache() {
    }

    /** {@code sync()}: writes dirty pages back, so that {@link #drop} can evict them. */
    public static void sync() {
        PLAIN.syscall(Sys.SYS_sync); // sync(2) cannot fail
    }

    /**
     * Asks the kernel to drop {@code file}'s cached pages ({@code POSIX_FADV_DONTNEED} over the
     * whole file). Dirty pages are not dropped: {@link #sync()} first.
     *
     * @throws IOException if the file cannot be opened or the advice is refused
     */
    public static void drop(Path file) throws IOException {
        int fd = open(file);
        try {
            check(PLAIN.syscall(Sys.SYS_fadvise64, fd, 0, 0, POSIX_FADV_DONTNEED), "fadvise64", file);
        } finally {
            close(fd, file);
        }
    }

    /**
     * Pages of {@code file} in the page cache, by {@code cachestat(2)}.
     *
     * @return the count, or {@code -1} if the kernel has no {@code cachestat} (before Linux 6.5)
     * @throws IOException if the file cannot be opened or {@code cachestat} fails otherwise
     */
    public static long cachedPages(Path file) throws IOException {
        int fd = open(file);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(CachestatLayout.RANGE); // zeroed: the whole file
            MemorySegment stat = arena.allocate(CachestatLayout.LAYOUT);
            long r = PLAIN.syscall(Sys.SYS_cachestat, fd, range.address(), stat.address(), 0);
            if (r == -1 && Laio.errno() == Errno.ENOSYS) {
                return -1;
            }
            check(r, "cachestat", file);
            return CachestatLayout.cachedPages(stat);
        } finally {
            close(fd, file);
        }
    }

    private static int open(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return (int) check(PLAIN.syscall(Sys.SYS_openat, -100 /* AT_FDCWD */, arena.allocateFrom(file.toString()).address(),
                    OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC), "open", file);
        }
    }

    private static void close(int fd, Path file) throws IOException {
        check(PLAIN.syscall(Sys.SYS_close, fd), "close", file);
    }

    private static long check(long r, String call, Path file) throws IOException {
        if (r == -1) {
            int err = Laio.errno();
            throw new IOException(call + "(" + file + "): " + Errno.name(err) + " (errno " + err + ")");
        }
        return r;
    }
}
