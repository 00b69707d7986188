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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A {@code sendfile} of a cached file to a non-blocking socket by a server that runs as its own
 * user and serves root's files — where Linux 6.18's cachestat refuses them ({@code EPERM}) and
 * the LAZY probe reads the range with {@code RWF_NOWAIT} into scratch memory instead — against
 * the same call by the files' owner (cachestat) and an EAGER one (a helper round trip: what
 * such a sendfile cost before the RWF_NOWAIT probe). Every operation includes reading the bytes
 * back from the socket's peer, the same for all three. {@code caller=nobody} lowers the
 * benchmark thread's effective uid with a raw {@code setresuid} (that thread's only; laio's
 * helpers stay root) and so needs root; the file is in the default temporary directory, which
 * must take RWF_NOWAIT (ext4, xfs, btrfs).
 *
 * <pre>
 * mvn -B -q -pl event-core,event-nio,event-laio,benchmarks -am -DskipTests package
 * sudo java --enable-native-access=ALL-UNNAMED -jar benchmarks/target/benchmarks.jar SendfileAsNobodyBenchmark
 * </pre>
 */
@State(Scope.Thread)
@SuppressWarnings("restricted") // the credentials and the socket are made through libc directly
public class SendfileAsNobodyBenchmark extends AverageNanos {
    private static final MethodHandle SYSCALL3 = PlainSyscall.THREE;
    private static final MethodHandle SYSCALL4 = PlainSyscall.FOUR;
    private static final long NOBODY = 65534;

    /** Bytes per sendfile: the whole (cached) file. */
    @Param({"4096", "65536"})
    public int bytes;

    /** Who sends: {@code nobody} (cachestat refused) or {@code owner} (root, cachestat answers). */
    @Param({"nobody", "owner"})
    public String caller;

    private LazyAndEager engines;
    private Laio lazy;
    private Laio eager;
    private ZeroFile file;
    private ZeroFile eagerFile;
    private int out;
    private int peer;
    /** The sendfile offset (reset to 0 per call), then the receive buffer. */
    private MemorySegment off;
    private MemorySegment sink;
    private boolean lowered;

    @Setup
    public void setUp() throws Throwable {
        engines = new LazyAndEager(1);
        lazy = engines.lazy;
        eager = engines.eager;
        file = new ZeroFile(null, bytes, lazy);
        file.warm();
        eagerFile = new ZeroFile(null, bytes, lazy); // an EAGER open answers EINPROGRESS; the number serves either engine
        MemorySegment sv = engines.arena.allocate(8, 4);
        check((long) SYSCALL4.invokeExact(Sys.SYS_socketpair, 1L /* AF_UNIX */, 1L | 0x80000 /* STREAM|CLOEXEC */, 0L,
                sv.address()), "socketpair");
        out = sv.get(ValueLayout.JAVA_INT, 0);
        peer = sv.get(ValueLayout.JAVA_INT, 4);
        check((long) SYSCALL3.invokeExact(Sys.SYS_fcntl, (long) out, 4L /* F_SETFL */, 0x800L /* O_NONBLOCK */), "fcntl");
        off = engines.arena.allocate(8, 8);
        sink = engines.arena.allocate(bytes);
        lower();
        if (sendfileLazy() != 2L * bytes || lazy.gethandle() != null) { // sent, then read back from the peer
            throw new IllegalStateException("expected the cached sendfile to run inline; errno " + Errno.name(Laio.errno())
                    + "; " + lazy.stats());
        }
    }

    /**
     * Each iteration: the thread that runs it sends as {@link #caller} (JMH keeps a thread's state
     * on that thread, but the credentials are the thread's, so they are set where it runs).
     */
    @Setup(Level.Iteration)
    public void lower() throws Throwable {
        if (caller.equals("nobody")) {
            check((long) SYSCALL3.invokeExact(Sys.SYS_setresuid, -1L, NOBODY, -1L), "setresuid (needs root)");
            lowered = true;
        }
    }

    private static void check(long r, String what) {
        if (r < 0) {
            throw new IllegalStateException(what + " failed");
        }
    }

    @TearDown
    public void tearDown() throws Throwable {
        System.err.println("as " + caller + ": " + lazy.stats());
        if (lowered) {
            check((long) SYSCALL3.invokeExact(Sys.SYS_setresuid, -1L, 0L, -1L), "setresuid back to root"); // the saved uid is root's
        }
        check((long) SYSCALL3.invokeExact(Sys.SYS_close, (long) out, 0L, 0L), "close");
        check((long) SYSCALL3.invokeExact(Sys.SYS_close, (long) peer, 0L, 0L), "close");
        file.close();
        eagerFile.close();
        engines.close();
    }

    /** Reads the {@code bytes} a sendfile put in the socket back out of its peer. */
    private long drain() throws Throwable {
        long got = 0;
        while (got < bytes) {
            long r = (long) SYSCALL3.invokeExact(Sys.SYS_read, (long) peer, sink.address(), (long) bytes - got);
            if (r <= 0) {
                throw new IllegalStateException("the socket's peer read " + r);
            }
            got += r;
        }
        return got;
    }

    @Benchmark
    public long sendfileLazy() throws Throwable {
        off.set(ValueLayout.JAVA_LONG, 0, 0);
        long r = lazy.sendfile(out, file.fd, off, bytes);
        return r + drain();
    }

    @Benchmark
    public long sendfileEagerRoundTrip() throws Throwable {
        off.set(ValueLayout.JAVA_LONG, 0, 0);
        eager.sendfile(out, eagerFile.fd, off, bytes);
        return engines.eagerResult() + drain();
    }
}
