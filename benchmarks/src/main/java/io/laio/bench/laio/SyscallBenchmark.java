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

package io.laio.bench.laio;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import io.laio.bench.AverageNanos;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a call costs through laio against a plain FFM syscall in the same run: getpid (the
 * thesis's Table 2 micro-benchmark: direct vs EAGER vs LAZY) and a cached 4 KiB pread.
 * EAGER's figure is a full round trip: submit, helper runs it, poll() collects it.
 */
@State(Scope.Thread)
@SuppressWarnings("restricted") // baselines bind libc directly
public class SyscallBenchmark extends AverageNanos {
    private static final MethodHandle SYSCALL4 = PlainSyscall.FOUR;

    /**
     * The same call with errno captured, as any caller that checks its failures must (laio
     * checks every call's errno): the JVM's downcall stub then stores errno after the call.
     */
    private static final MethodHandle SYSCALL4_ERRNO = PlainSyscall.bind(4, Linker.Option.captureCallState("errno"));

    @Param({"1"})
    public int helpers;

    private LazyAndEager engines;
    private ZeroFile file;
    private Laio lazy;
    private Laio eager;
    private int fd;
    private MemorySegment buf;
    private MemorySegment errno;

    @Setup
    public void setUp() throws Exception {
        engines = new LazyAndEager(helpers);
        lazy = engines.lazy;
        eager = engines.eager;
        file = new ZeroFile(null, 1 << 20, lazy);
        file.warm(); // right before the run (docs/design/costs.md: untouched pages are evicted within ~100 s)
        fd = file.fd;
        buf = engines.arena.allocate(4096, 4096);
        errno = engines.arena.allocate(Linker.Option.captureStateLayout());
    }

    @TearDown
    public void tearDown() throws Exception {
        file.close();
        engines.close();
    }

    @Benchmark
    public long getpidPlainFfm() throws Throwable {
        return (long) SYSCALL4.invokeExact(Sys.SYS_getpid, 0L, 0L, 0L, 0L);
    }

    @Benchmark
    public long getpidPlainFfmErrno() throws Throwable {
        return (long) SYSCALL4_ERRNO.invokeExact(errno, Sys.SYS_getpid, 0L, 0L, 0L, 0L);
    }

    @Benchmark
    public long getpidLazy() {
        return lazy.syscall(Sys.SYS_getpid);
    }

    @Benchmark
    public long getpidEagerRoundTrip() {
        if (eager.syscall(Sys.SYS_getpid) != -1 || Laio.errno() != Errno.EINPROGRESS) {
            throw new IllegalStateException("expected a background call");
        }
        return engines.eagerResult();
    }

    @Benchmark
    public long preadCachedPlainFfm() throws Throwable {
        return (long) SYSCALL4.invokeExact(Sys.SYS_pread64, (long) fd, buf.address(), 4096L, 8192L);
    }

    @Benchmark
    public long preadCachedLazy() {
        return lazy.pread(fd, buf, 4096, 8192);
    }

    @Benchmark
    public long preadCachedEagerRoundTrip() {
        eager.pread(fd, buf, 4096, 8192);
        return engines.eagerResult();
    }
}
