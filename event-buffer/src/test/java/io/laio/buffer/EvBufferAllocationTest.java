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

package io.laio.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** A buffer in steady use allocates nothing: segments cycle through the pool. */
class EvBufferAllocationTest {
    private static final byte[] LINE = "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] NEEDLE = "\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final SegmentPool pool = SegmentPool.create(64, 64);
    private final EvBuffer in = new EvBuffer(pool);
    private final EvBuffer out = new EvBuffer(pool);
    private final byte[] dst = new byte[128];
    private long sink;

    private void round(MemorySegment iov) {
        for (int i = 0; i < 5; i++) {
            in.append(LINE);
        }
        sink += in.search(NEEDLE, 0);
        sink += in.search(NEEDLE, 40); // found past a segment boundary
        sink += in.readLine(EolStyle.CRLF_STRICT, dst); // one line each the other scanning ways
        sink += in.readLine(EolStyle.LF, dst);
        sink += in.readLine(EolStyle.ANY, dst);
        sink += in.byteAt(3);
        in.copyOut(4, dst, 0, 16);
        while (in.readLine(EolStyle.CRLF, dst) >= 0) {
            sink++;
        }
        int n = in.reserve(200, iov);
        in.commit(Math.min(150, 200L * n));
        in.prepend(dst, 0, 10);
        out.moveFrom(in, 70);
        out.appendBuffer(in);
        sink += out.peek(0, iov);
        out.drain(out.length());
    }

    /**
     * com.sun.management.ThreadMXBean#getThreadAllocatedBytes, through reflection: the test
     * module does not read jdk.management. A call costs a boxed long, outside the rounds.
     */
    private static long allocatedBytes(long tid) {
        try {
            return (long) ALLOCATED_BYTES.invoke(THREAD_MX, tid);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static final Object THREAD_MX;
    private static final Method ALLOCATED_BYTES;

    static {
        try {
            THREAD_MX = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            ALLOCATED_BYTES = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void steadyStateOperationsAllocateNothing() {
        long tid = Thread.currentThread().threadId();
        allocatedBytes(tid); // the reflective lookups happen here, not inside the measurement
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = arena.allocate(16 * 8, 8);
            for (int i = 0; i < 30_000; i++) { // warm up: the JIT compiles and the pool fills
                round(iov);
            }
            long segments = pool.allocated();
            long before = allocatedBytes(tid);
            for (int i = 0; i < 10_000; i++) {
                round(iov);
            }
            long allocated = allocatedBytes(tid) - before;
            assertEquals(segments, pool.allocated(), "no new segments once the pool is warm");
            assertTrue(allocated < 1024, "allocated " + allocated + " bytes over 10,000 rounds");
        }
        assertTrue(sink != 0);
    }
}
