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
import io.laio.LaioCompletion;
import io.laio.Sys;
import io.laio.abi.OpenFlags;
import io.laio.abi.PollfdLayout;
import io.laio.bench.AverageNanos;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The LAIO paper's micro-benchmark (section 7): one-byte reads from a pipe, with the byte
 * already there ("present") or written only after the read was issued ("absent"), through
 * laio LAZY, a plain non-blocking read (with poll(2) for readiness when absent), and glibc's
 * POSIX AIO ({@code aio_read} + {@code aio_suspend} + {@code aio_return}, through FFM). Every
 * operation includes the one-byte write that feeds the read, the same for all three.
 */
@State(Scope.Thread)
@SuppressWarnings("restricted") // baselines bind libc directly
public class PipeBenchmark extends AverageNanos {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SYSCALL = PlainSyscall.THREE;
    private static final MethodHandle AIO_READ = LINKER.downcallHandle(LINKER.defaultLookup().find("aio_read").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle AIO_SUSPEND = LINKER.downcallHandle(LINKER.defaultLookup().find("aio_suspend").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle AIO_RETURN = LINKER.downcallHandle(LINKER.defaultLookup().find("aio_return").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    /** glibc x86_64 {@code struct aiocb}: 168 bytes; fields used below. */
    private static final long AIOCB_SIZE = 168, AIO_FILDES = 0, AIO_BUF = 16, AIO_NBYTES = 24, SIGEV_NOTIFY = 44;
    private static final int SIGEV_NONE = 1;

    private Laio laio;
    private Arena arena;
    private MemorySegment buf;
    private MemorySegment one;
    private MemorySegment aiocb;
    private MemorySegment aiolist;
    private MemorySegment pollfd;
    private int readFd;
    private int writeFd;
    private int nbReadFd;
    private int nbWriteFd;
    private final LaioCompletion[] out = {new LaioCompletion()};

    @Setup
    public void setUp() throws Throwable {
        laio = Laio.create();
        arena = Arena.ofShared();
        buf = arena.allocate(8);
        one = arena.allocate(8);
        one.set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        int[] p = pipe(OpenFlags.O_CLOEXEC);
        readFd = p[0];
        writeFd = p[1];
        int[] nb = pipe(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK);
        nbReadFd = nb[0];
        nbWriteFd = nb[1];
        aiocb = arena.allocate(AIOCB_SIZE, 8);
        aiolist = arena.allocate(8, 8);
        aiolist.set(ValueLayout.ADDRESS, 0, aiocb);
        pollfd = arena.allocate(PollfdLayout.LAYOUT);
        PollfdLayout.set(pollfd, nbReadFd, PollfdLayout.POLLIN);
    }

    private int[] pipe(long flags) throws Throwable {
        MemorySegment fds = arena.allocate(8, 4);
        long r = (long) SYSCALL.invokeExact(Sys.SYS_pipe2, fds.address(), flags, 0L);
        if (r != 0) {
            throw new IllegalStateException("pipe2");
        }
        return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
    }

    @TearDown
    public void tearDown() throws Throwable {
        for (int fd : new int[] {readFd, writeFd, nbReadFd, nbWriteFd}) {
            long r = (long) SYSCALL.invokeExact(Sys.SYS_close, (long) fd, 0L, 0L);
            assert r == 0;
        }
        laio.close();
        arena.close();
    }

    private void feed(int fd) throws Throwable {
        long r = (long) SYSCALL.invokeExact(Sys.SYS_write, (long) fd, one.address(), 1L);
        if (r != 1) {
            throw new IllegalStateException("write");
        }
    }

    // ---------------------------------------------------------------- byte present

    @Benchmark
    public long presentLazy() throws Throwable {
        feed(writeFd);
        return laio.read(readFd, buf, 1);
    }

    @Benchmark
    public long presentNonblocking() throws Throwable {
        feed(nbWriteFd);
        return (long) SYSCALL.invokeExact(Sys.SYS_read, (long) nbReadFd, buf.address(), 1L);
    }

    @Benchmark
    public long presentAio() throws Throwable {
        feed(writeFd);
        return aio(readFd, false);
    }

    // ---------------------------------------------------------------- byte absent

    @Benchmark
    public long absentLazy() throws Throwable {
        long r = laio.read(readFd, buf, 1);
        if (r != -1 || Laio.errno() != Errno.EINPROGRESS) {
            throw new IllegalStateException("expected a background read, got " + r);
        }
        feed(writeFd);
        laio.poll(out, 1, Duration.ofSeconds(10));
        return out[0].returnValue();
    }

    @Benchmark
    public long absentNonblocking() throws Throwable {
        long r = (long) SYSCALL.invokeExact(Sys.SYS_read, (long) nbReadFd, buf.address(), 1L);
        if (r != -1) {
            throw new IllegalStateException("the pipe was not empty");
        }
        feed(nbWriteFd);
        long ready = (long) SYSCALL.invokeExact(Sys.SYS_poll, pollfd.address(), 1L, -1L);
        assert ready == 1;
        return (long) SYSCALL.invokeExact(Sys.SYS_read, (long) nbReadFd, buf.address(), 1L);
    }

    @Benchmark
    public long absentAio() throws Throwable {
        return aio(readFd, true);
    }

    private long aio(int fd, boolean feedAfterSubmit) throws Throwable {
        aiocb.fill((byte) 0);
        aiocb.set(ValueLayout.JAVA_INT, AIO_FILDES, fd);
        aiocb.set(ValueLayout.JAVA_LONG, AIO_BUF, buf.address());
        aiocb.set(ValueLayout.JAVA_LONG, AIO_NBYTES, 1);
        aiocb.set(ValueLayout.JAVA_INT, SIGEV_NOTIFY, SIGEV_NONE);
        if ((int) AIO_READ.invokeExact(aiocb) != 0) {
            throw new IllegalStateException("aio_read");
        }
        if (feedAfterSubmit) {
            feed(writeFd);
        }
        while ((int) AIO_SUSPEND.invokeExact(aiolist, 1, MemorySegment.NULL) != 0) {
            Thread.onSpinWait(); // EINTR: suspend again
        }
        return (long) AIO_RETURN.invokeExact(aiocb);
    }
}
