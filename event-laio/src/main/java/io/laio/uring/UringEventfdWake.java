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

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The default wake-up: a blocking eventfd with an {@code IORING_OP_READ} of its counter always
 * in flight on the loop's ring. A waker writes the counter (one system call); the read completes
 * and the wait returns. The read itself drains the counter, so the loop spends no system call on
 * it, and re-queuing it rides along with the next wait's {@code io_uring_enter}. The eventfd is
 * blocking on purpose: the ring then waits on it with its internal poll rather than answering
 * EAGAIN at once.
 */
final class UringEventfdWake implements UringWake {
    /** Per waking thread: an errno capture and the 8-byte 1 to write, never shared between threads. */
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> {
        MemorySegment s = Arena.ofAuto().allocate(64, 8);
        s.set(ValueLayout.JAVA_LONG, 56, 1L);
        return s;
    });

    private final int fd;
    private final MemorySegment capture;
    /** Where the ring's read of the counter lands; kept alive by the auto arena past the ring's death. */
    private final MemorySegment counter;
    private boolean reading;

    UringEventfdWake() throws IOException {
        Arena arena = Arena.ofAuto();
        capture = UringNative.newCapture(arena);
        counter = arena.allocate(8, 8);
        int r = UringNative.eventfd(capture);
        if (r < 0) {
            throw new IOException("eventfd for the io_uring backend's wake-up failed: " + UringNative.errnoName(-r));
        }
        fd = r;
    }

    @Override
    public void beforeWait(UringRing ring) throws IOException {
        if (!reading) {
            ring.push(UringRing.OP_READ, 0, fd, 0, counter.address(), 8, 0, UringBackend.WAKE);
            reading = true;
        }
    }

    @Override
    public void completed(int res) {
        reading = false; // read again before the next wait; an error (none expected) shows as a lost wake-up nowhere: the read is re-queued
    }

    @Override
    public void signal() {
        MemorySegment s = SCRATCH.get();
        long r = UringNative.write(s, fd, s.address() + 56, 8);
        if (r < 0 && r != -UringNative.EAGAIN) {
            throw new IllegalStateException("eventfd write for an io_uring wake-up failed: " + UringNative.errnoName((int) -r));
        }
    }

    @Override
    public void close() {
        int r = UringNative.close(capture, fd);
        if (r < 0) {
            throw new IllegalStateException("close of the wake-up eventfd failed: " + UringNative.errnoName(-r));
        }
    }

    /** The eventfd's number, for tests. */
    int fd() {
        return fd;
    }
}
