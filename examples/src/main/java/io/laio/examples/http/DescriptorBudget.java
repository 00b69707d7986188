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

package io.laio.examples.http;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How many connections the process's descriptor limit allows. Each connection holds its
 * socket's descriptor; a file's descriptor only while a request is being served, which for
 * most requests is within one pass of the loop. So a quarter of what is left after a reserve
 * for the JVM (class files, the selector) and the LAIO engine is kept for files, and the rest
 * is the connections': under {@code ulimit -n 20000}, about 14,900 connections and 5,000 files
 * open at once. A server that accepts until accept fails would have no descriptor left to
 * open the file the last connection asks for; one that kept two descriptors per connection
 * (as this one did) left half its connections waiting in the backlog behind idle keep-alive
 * ones (9,962 of 10,000 answered under 20,000). A request that finds no descriptor for its
 * file is answered 503 with Retry-After.
 */
final class DescriptorBudget {
    private static final int RLIMIT_NOFILE = 7;
    private static final int RESERVE = 64;
    /** The share of the budget kept for files open at once: 1 / FILE_SHARE. */
    private static final int FILE_SHARE = 4;

    private DescriptorBudget() {}

    static int connections(Laio setup, Arena arena) {
        long budget = budget(setup, arena);
        return (int) Math.max(1, budget - budget / FILE_SHARE);
    }

    /**
     * The descriptors kept for files open at once: the quarter of the budget
     * {@link #connections} leaves. The {@link FileCache} holds at most half of it.
     */
    static int files(Laio setup, Arena arena) {
        return (int) Math.max(0, budget(setup, arena) / FILE_SHARE);
    }

    private static long budget(Laio setup, Arena arena) {
        MemorySegment rlimit = arena.allocate(16, 8);
        if (setup.syscall(Sys.SYS_prlimit64, 0, RLIMIT_NOFILE, 0, rlimit.address()) != 0) {
            throw new IllegalStateException("prlimit64(RLIMIT_NOFILE): " + Errno.name(Laio.errno()));
        }
        long soft = rlimit.get(ValueLayout.JAVA_LONG, 0);
        long open = openNow();
        return Math.min(soft, Integer.MAX_VALUE) - open - RESERVE;
    }

    private static long openNow() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException("counting open descriptors", e);
        }
    }
}
