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

package io.laio.examples.proxy;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * {@code splice(2)} through FFM, with its errno. Not a LAIO call: laio routes {@code splice}
 * to a helper lane (nothing in its route table knows it), while here both descriptors are
 * non-blocking (the sockets by {@code SOCK_NONBLOCK}, the pipes by {@code O_NONBLOCK} and
 * {@code SPLICE_F_NONBLOCK}) and the loop calls it only after readiness said it would go.
 *
 * <p>One instance per loop thread: the errno is captured in its own segment, so a call
 * allocates nothing.
 */
final class Splice {
    /** Move pages rather than copy them, where the kernel can. */
    static final int SPLICE_F_MOVE = 1;
    /** Do not block on the pipe. */
    static final int SPLICE_F_NONBLOCK = 2;
    /** {@code fcntl}: set a pipe's capacity; returns the capacity set (rounded up to pages). */
    static final int F_SETPIPE_SZ = 1031;
    /** {@code fcntl}: a pipe's capacity. */
    static final int F_GETPIPE_SZ = 1032;

    private static final MethodHandle SPLICE;
    private static final VarHandle ERRNO;

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option capture = Linker.Option.captureCallState("errno");
        SPLICE = linker.downcallHandle(linker.defaultLookup().find("splice").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                capture);
        ERRNO = Linker.Option.captureStateLayout().varHandle(MemoryLayout.PathElement.groupElement("errno"));
    }

    private final MemorySegment state = Arena.ofAuto().allocate(Linker.Option.captureStateLayout());

    /**
     * Moves up to {@code len} bytes from {@code in} to {@code out} (one of them a pipe), at the
     * descriptors' own positions, without blocking.
     *
     * @return the bytes moved, 0 at end-of-file of {@code in}, or -1 with {@link #errno()} set
     */
    long splice(int in, int out, long len) {
        try {
            return (long) SPLICE.invokeExact(state, in, MemorySegment.NULL, out, MemorySegment.NULL, len,
                    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        } catch (Throwable t) {
            throw new AssertionError("splice downcall", t);
        }
    }

    /** The errno of the last {@link #splice} that returned -1. @return it */
    int errno() {
        return (int) ERRNO.get(state, 0L);
    }
}
