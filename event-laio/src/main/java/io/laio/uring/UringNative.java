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

package io.laio.uring;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The FFM binding of this package: the three io_uring system calls through libc's
 * {@code syscall()} (numbers 425-427 on every architecture since 5.1), and {@code mmap},
 * {@code munmap}, {@code eventfd}, {@code read}, {@code write}, {@code close}. Every handle
 * captures errno; every method returns the call's result, or {@code -errno} when it failed, so a
 * caller checks one value. Callers pass their own capture segment ({@link #newCapture}): one per
 * thread, never shared.
 */
@SuppressWarnings("restricted") // binding libc is what this class is for
final class UringNative {
    static final long SYS_IO_URING_SETUP = 425;
    static final long SYS_IO_URING_ENTER = 426;
    static final long SYS_IO_URING_REGISTER = 427;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EBUSY = 16;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENOSYS = 38;
    static final int ETIME = 62;
    static final int EOVERFLOW = 75;
    static final int ECANCELED = 125;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;

    private static final MethodHandle SYSCALL6 = LINKER.downcallHandle(symbol("syscall"),
            FunctionDescriptor.of(L, L, L, L, L, L, L, L), Linker.Option.firstVariadicArg(1), CAPTURE);
    private static final MethodHandle MMAP = LINKER.downcallHandle(symbol("mmap"),
            FunctionDescriptor.of(L, L, L, I, I, I, L), CAPTURE);
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(symbol("munmap"),
            FunctionDescriptor.of(I, L, L), CAPTURE);
    private static final MethodHandle EVENTFD = LINKER.downcallHandle(symbol("eventfd"),
            FunctionDescriptor.of(I, I, I), CAPTURE);
    private static final MethodHandle READ = LINKER.downcallHandle(symbol("read"),
            FunctionDescriptor.of(L, I, L, L), CAPTURE);
    private static final MethodHandle WRITE = LINKER.downcallHandle(symbol("write"),
            FunctionDescriptor.of(L, I, L, L), CAPTURE);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(symbol("close"),
            FunctionDescriptor.of(I, I), CAPTURE);

    /**
     * Test seam: when non-zero, {@link #setup} fails with this errno without calling the kernel,
     * as a kernel without io_uring, a seccomp filter or {@code io_uring_disabled} would.
     */
    static volatile int injectedSetupErrno;

    /**
     * Test seam: {@link #setup} answers EINVAL without calling the kernel when the parameters ask
     * for any of these {@code IORING_SETUP_*} flags, as a kernel older than the flags does.
     */
    static volatile int refusedSetupFlags;

    private UringNative() {}

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name + "()"));
    }

    /** A new errno capture segment; one per thread, reused. */
    static MemorySegment newCapture(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    private static long orNegErrno(MemorySegment capture, long ret) {
        return ret == -1 ? -(int) ERRNO.get(capture, 0L) : ret;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static long syscall(MemorySegment capture, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return orNegErrno(capture, (long) SYSCALL6.invokeExact(capture, nr, a1, a2, a3, a4, a5, a6));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code io_uring_setup(entries, params)}: the ring's descriptor, or {@code -errno}. */
    static int setup(MemorySegment capture, int entries, MemorySegment params) {
        int injected = injectedSetupErrno;
        if (injected != 0) {
            return -injected;
        }
        if ((UringParamsLayout.get(UringParamsLayout.FLAGS, params) & refusedSetupFlags) != 0) {
            return -EINVAL;
        }
        return (int) syscall(capture, SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
    }

    /** {@code io_uring_enter(fd, toSubmit, minComplete, flags, arg, argSize)}: entries consumed, or {@code -errno}. */
    static int enter(MemorySegment capture, int fd, int toSubmit, int minComplete, int flags, long arg, long argSize) {
        return (int) syscall(capture, SYS_IO_URING_ENTER, fd, toSubmit, minComplete, flags, arg, argSize);
    }

    /** {@code io_uring_register(fd, opcode, arg, nrArgs)}: 0 or more, or {@code -errno}. */
    static int register(MemorySegment capture, int fd, int opcode, long arg, int nrArgs) {
        return (int) syscall(capture, SYS_IO_URING_REGISTER, fd, opcode, arg, nrArgs, 0, 0);
    }

    /** {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED|MAP_POPULATE, fd, offset)}: the address, or {@code -errno}. */
    static long mmapShared(MemorySegment capture, long length, int fd, long offset) {
        try {
            long ret = (long) MMAP.invokeExact(capture, 0L, length, 0x1 | 0x2, 0x01 | 0x8000, fd, offset);
            return orNegErrno(capture, ret); // MAP_FAILED is (void *) -1
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int munmap(MemorySegment capture, long address, long length) {
        try {
            return (int) orNegErrno(capture, (int) MUNMAP.invokeExact(capture, address, length));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code eventfd(0, EFD_CLOEXEC)}, blocking: a read through the ring then waits on it without a worker thread. */
    static int eventfd(MemorySegment capture) {
        try {
            return (int) orNegErrno(capture, (int) EVENTFD.invokeExact(capture, 0, 0x80000));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long read(MemorySegment capture, int fd, long buf, long count) {
        try {
            return orNegErrno(capture, (long) READ.invokeExact(capture, fd, buf, count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long write(MemorySegment capture, int fd, long buf, long count) {
        try {
            return orNegErrno(capture, (long) WRITE.invokeExact(capture, fd, buf, count));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment capture, int fd) {
        try {
            return (int) orNegErrno(capture, (int) CLOSE.invokeExact(capture, fd));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The symbolic name of an errno this package meets, else {@code "errno N"}. */
    static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EBUSY -> "EBUSY";
            case EINVAL -> "EINVAL";
            case EMFILE -> "EMFILE";
            case ENOSYS -> "ENOSYS";
            case ETIME -> "ETIME";
            case EOVERFLOW -> "EOVERFLOW";
            case ECANCELED -> "ECANCELED";
            default -> "errno " + errno;
        };
    }
}
