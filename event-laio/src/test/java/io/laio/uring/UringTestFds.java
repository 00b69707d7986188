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

import io.laio.event.contract.BackendContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Test helpers: non-blocking pipes through libc, and counts of this process's descriptors and ring mappings. */
@SuppressWarnings("restricted")
final class UringTestFds {
    private static final MethodHandle PIPE2 = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("pipe2").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MemorySegment CAPTURE = UringNative.newCapture(Arena.global());

    private UringTestFds() {}

    /** A pipe, both ends non-blocking and close-on-exec: {read fd, write fd}. */
    static synchronized int[] pipe() {
        MemorySegment fds = Arena.ofAuto().allocate(8, 4);
        int r;
        try {
            r = (int) PIPE2.invokeExact(CAPTURE, fds.address(), 0x80000 | 04000);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (r != 0) {
            throw new IllegalStateException("pipe2 failed");
        }
        return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
    }

    static void writeByte(int fd) {
        MemorySegment capture = UringNative.newCapture(Arena.ofAuto());
        MemorySegment b = Arena.ofAuto().allocate(1);
        if (UringNative.write(capture, fd, b.address(), 1) != 1) {
            throw new IllegalStateException("write to a pipe failed");
        }
    }

    static void drain(int fd) {
        MemorySegment capture = UringNative.newCapture(Arena.ofAuto());
        MemorySegment buf = Arena.ofAuto().allocate(256);
        while (UringNative.read(capture, fd, buf.address(), 256) > 0) {
            // until EAGAIN
        }
    }

    static void close(int fd) {
        MemorySegment capture = UringNative.newCapture(Arena.ofAuto());
        if (UringNative.close(capture, fd) != 0) {
            throw new IllegalStateException("close failed");
        }
    }

    /** Open descriptors of this process. */
    static long openDescriptors() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This process's descriptors of io_uring instances: only the uring backend makes them, so
     * unlike {@link #openDescriptors()} the count is not moved by other tests' late clean-up.
     */
    static long ringDescriptors() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().contains("io_uring");
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mappings of io_uring rings in this process. */
    static long ringMappings() {
        try (Stream<String> s = Files.lines(Path.of("/proc/self/maps"))) {
            return s.filter(l -> l.contains("io_uring")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code IORING_OP_POLL_ADD} entries the kernel holds for a ring ({@code PollList:} in its
     * fdinfo lists every poll, also the internal one of the eventfd read: only {@code op=6} counts).
     */
    static long pollsInKernel(int ringFd) {
        try {
            String info = Files.readString(Path.of("/proc/self/fdinfo/" + ringFd));
            int at = info.indexOf("PollList:");
            if (at < 0) {
                throw new IllegalStateException("no PollList in the ring's fdinfo:\n" + info);
            }
            return info.substring(at).lines().skip(1).takeWhile(l -> l.contains("op="))
                    .filter(l -> l.strip().startsWith("op=6,")).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pipe's read end as a source of a uring base, made readable by one byte. */
    record PipeSource(int read, int write, Object source) implements BackendContract.ReadableSource {
        static PipeSource open() {
            int[] p = pipe();
            return new PipeSource(p[0], p[1], UringSources.source(p[0]));
        }

        @Override
        public void makeReadable() {
            writeByte(write);
        }

        @Override
        public void drain() {
            UringTestFds.drain(read);
        }

        @Override
        public void close() {
            UringTestFds.close(read);
            UringTestFds.close(write);
        }
    }
}
