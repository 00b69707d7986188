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

import io.laio.Sys;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The one binding to native code: libc's variadic {@code syscall(long number, ...)}, with 0 to 6
 * arguments, errno captured into a caller-supplied segment (one per thread: errno must never be
 * shared between threads).
 *
 * <p>Two flavours per arity. {@code call*} may block and lets the JVM park the thread for GC as
 * usual. {@code fast*} uses {@code Linker.Option.critical(false)}, which skips the thread-state
 * transition; it must only be used for calls that cannot block (a non-blocking probe, getpid),
 * because a critical call that blocks stalls every safepoint (and so the GC) until it returns.
 *
 * <p>Numbers are x86_64 numbers ({@link Sys}); they are mapped to the running architecture here.
 *
 * <p>Pointer arguments travel as plain {@code long} addresses, which keep nothing alive: whoever
 * passes {@code segment.address()} keeps {@code segment} reachable until the call returns
 * ({@link java.lang.ref.Reference#reachabilityFence}, or an owner that outlives the call, such as
 * {@link Scratch}). The capture segment travels as a segment: the linker keeps it.
 */
@SuppressWarnings("restricted") // the binding to libc is what this class is for
public final class Syscalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MemorySegment SYSCALL = LINKER.defaultLookup().find("syscall")
            .orElseThrow(() -> new UnsatisfiedLinkError("libc has no syscall() symbol"));

    private static final MethodHandle[] BLOCKING = new MethodHandle[7];
    private static final MethodHandle[] CRITICAL = new MethodHandle[7];

    static {
        for (int arity = 0; arity <= 6; arity++) {
            ValueLayout[] args = new ValueLayout[arity + 1];
            Arrays.fill(args, ValueLayout.JAVA_LONG);
            FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_LONG, args);
            Linker.Option variadic = Linker.Option.firstVariadicArg(1);
            Linker.Option capture = Linker.Option.captureCallState("errno");
            BLOCKING[arity] = LINKER.downcallHandle(SYSCALL, fd, variadic, capture);
            CRITICAL[arity] = LINKER.downcallHandle(SYSCALL, fd, variadic, capture,
                    Linker.Option.critical(false));
        }
    }

    private static final MethodHandle B0 = BLOCKING[0], B1 = BLOCKING[1], B2 = BLOCKING[2],
            B3 = BLOCKING[3], B4 = BLOCKING[4], B5 = BLOCKING[5], B6 = BLOCKING[6];
    private static final MethodHandle C0 = CRITICAL[0], C1 = CRITICAL[1], C2 = CRITICAL[2],
            C3 = CRITICAL[3], C4 = CRITICAL[4], C5 = CRITICAL[5], C6 = CRITICAL[6];

    private Syscalls() {}

    private static final long SC_PAGESIZE = 30; // the same on every Linux architecture

    /**
     * The kernel's page size, the unit the page cache counts in: 4 KiB on x86_64, but 16 or
     * 64 KiB on some aarch64 kernels, so nothing that counts cached pages may assume 4 KiB.
     */
    public static final long PAGE_SIZE = pageSize();

    private static long pageSize() {
        MethodHandle sysconf = LINKER.downcallHandle(
                LINKER.defaultLookup().find("sysconf")
                        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no sysconf() symbol")),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                Linker.Option.captureCallState("errno"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = newCapture(arena);
            long size = (long) sysconf.invokeExact(capture, (int) SC_PAGESIZE);
            if (size <= 0) {
                throw new ExceptionInInitializerError(
                        "sysconf(_SC_PAGESIZE) failed, errno " + errno(capture));
            }
            return size;
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }


    /** A new errno capture segment; allocate one per thread and reuse it. */
    public static MemorySegment newCapture(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** The errno the last call made with {@code capture} left (meaningful only when it returned -1). */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    public static long call(MemorySegment c, long nr) {
        try {
            return (long) B0.invokeExact(c, Sys.nativeNumber(nr));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long call(MemorySegment c, long nr, long a1) {
        try {
            return (long) B1.invokeExact(c, Sys.nativeNumber(nr), a1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long call(MemorySegment c, long nr, long a1, long a2) {
        try {
            return (long) B2.invokeExact(c, Sys.nativeNumber(nr), a1, a2);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long call(MemorySegment c, long nr, long a1, long a2, long a3) {
        try {
            return (long) B3.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long call(MemorySegment c, long nr, long a1, long a2, long a3, long a4) {
        try {
            return (long) B4.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3, a4);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long call(MemorySegment c, long nr, long a1, long a2, long a3, long a4, long a5) {
        try {
            return (long) B5.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long call(MemorySegment c, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) B6.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long fast(MemorySegment c, long nr) {
        try {
            return (long) C0.invokeExact(c, Sys.nativeNumber(nr));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long fast(MemorySegment c, long nr, long a1) {
        try {
            return (long) C1.invokeExact(c, Sys.nativeNumber(nr), a1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long fast(MemorySegment c, long nr, long a1, long a2) {
        try {
            return (long) C2.invokeExact(c, Sys.nativeNumber(nr), a1, a2);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long fast(MemorySegment c, long nr, long a1, long a2, long a3) {
        try {
            return (long) C3.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long fast(MemorySegment c, long nr, long a1, long a2, long a3, long a4) {
        try {
            return (long) C4.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3, a4);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long fast(MemorySegment c, long nr, long a1, long a2, long a3, long a4, long a5) {
        try {
            return (long) C5.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long fast(MemorySegment c, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        try {
            return (long) C6.invokeExact(c, Sys.nativeNumber(nr), a1, a2, a3, a4, a5, a6);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native syscall failed", t);
    }
}
