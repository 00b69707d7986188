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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the cachestat probe costs on a file system that refuses RWF_NOWAIT (tmpfs here; FUSE and
 * NFS alike), against what it saves: a helper hand-off. In one run, per read size:
 * {@code cachestat} alone on the range (the probe's extra cost), a plain pread (the floor), a LAZY
 * pread through laio (cachestat, then pread, inline) and an EAGER pread (submit, helper, poll:
 * what every read there cost before the probe). The file is cached throughout (tmpfs).
 *
 * <pre>
 * mvn -B -q -pl event-core,event-nio,event-laio,benchmarks -am -DskipTests package
 * java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar CachestatProbeBenchmark
 * </pre>
 */
@State(Scope.Thread)
@SuppressWarnings("restricted") // baselines bind libc directly
public class CachestatProbeBenchmark extends AverageNanos {
    private static final MethodHandle SYSCALL4 = PlainSyscall.FOUR;
    private static final int FILE_SIZE = 2 << 20;

    /** Bytes read per call (and the range cachestat looks at). */
    @Param({"4096", "65536", "1048576"})
    public int bytes;

    private LazyAndEager engines;
    private ZeroFile file;
    private Laio lazy;
    private Laio eager;
    private int fd;
    private MemorySegment buf;
    /** struct cachestat_range at 0, struct cachestat at 16. */
    private MemorySegment cs;

    @Setup
    public void setUp() throws Exception {
        engines = new LazyAndEager(1);
        lazy = engines.lazy;
        eager = engines.eager;
        file = new ZeroFile(Path.of("/dev/shm"), FILE_SIZE, lazy);
        fd = file.fd;
        buf = engines.arena.allocate(bytes, 4096);
        cs = engines.arena.allocate(16 + 40, 8);
        cs.set(ValueLayout.JAVA_LONG, 0, 4096); // off
        cs.set(ValueLayout.JAVA_LONG, 8, bytes); // len
        if (lazy.pread(fd, buf, bytes, 4096) != bytes || lazy.gethandle() != null) {
            throw new IllegalStateException("expected the cachestat probe to complete a tmpfs read inline; errno "
                    + Errno.name(Laio.errno()) + "; " + lazy.stats());
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        System.err.println(lazy.stats());
        file.close();
        engines.close();
    }

    @Benchmark
    public long cachestatOnly() throws Throwable {
        return (long) SYSCALL4.invokeExact(Sys.SYS_cachestat, (long) fd, cs.address(), cs.address() + 16, 0L);
    }

    @Benchmark
    public long preadPlainFfm() throws Throwable {
        return (long) SYSCALL4.invokeExact(Sys.SYS_pread64, (long) fd, buf.address(), (long) bytes, 4096L);
    }

    @Benchmark
    public long preadLazyCachestatProbe() {
        return lazy.pread(fd, buf, bytes, 4096);
    }

    @Benchmark
    public long preadEagerRoundTrip() {
        eager.pread(fd, buf, bytes, 4096);
        return engines.eagerResult();
    }
}
