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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.abi.IovecLayout;
import io.laio.abi.RwfFlags;
import io.laio.internal.Native;
import io.laio.internal.Syscalls;
import io.laio.internal.ThreadState;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LAZY inline path allocates nothing of its own in the steady state: a call the route table
 * runs inline, and a probed call the probe completes (its outcome is a {@code long}, not an
 * object), cost the calling thread no more heap than the bare downcalls they make. (The
 * downcall itself may allocate: up to {@link #JDK_DOWNCALL_BYTES} when C2 does not inline it,
 * which this bound allows; an object of laio's own per call exceeds it.)
 */
class InlinePathAllocationTest {
    private static final int CALLS = 20_000;
    private static final long WARM_UP_NANOS = 10_000_000_000L;
    /**
     * What a downcall with errno capture allocates on JDK 25 when C2 has not inlined it into its
     * caller (its capture segment's wrapper): measured 40 B per call for the lazy getpid in some
     * runs, on a quiet machine, after 20 s of calls, while the same downcall in a tight loop of
     * its own allocated nothing. It is the JDK's, not laio's; the test bounds what laio adds.
     */
    private static final double JDK_DOWNCALL_BYTES = 40;
    /** Less than any object laio could allocate per call (the smallest is 16 B). */
    private static final double SLACK_BYTES = 8;

    @Test
    void neverBlockingAndProbedCallsAllocateNoMoreThanTheirDowncalls(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cached");
        Files.write(file, new byte[4096]); // just written: in the page cache
        int fd = Native.openRead(file.toString());
        MemorySegment buf = Arena.ofAuto().allocate(4096);
        MemorySegment iov = Arena.ofAuto().allocate(IovecLayout.LAYOUT);
        IovecLayout.set(iov, buf.address(), 4096);
        MemorySegment capture = ThreadState.current().capture;
        long pid = ProcessHandle.current().pid();
        try (Laio laio = Laio.create()) {
            double rawGetpid = perCall(() -> Syscalls.fast(capture, Sys.SYS_getpid, 0, 0, 0, 0, 0, 0), pid, 0);
            double rawPreadv2 = perCall(() -> Syscalls.call(capture, Sys.SYS_preadv2, fd, iov.address(), 1, 0, 0,
                    RwfFlags.RWF_NOWAIT), 4096, 0);
            // the bound: what the downcall costs in its best compiled form, or what the JDK's
            // downcall costs when C2 does not inline it into a longer caller, whichever is more
            double getpidBound = Math.max(rawGetpid, JDK_DOWNCALL_BYTES) + SLACK_BYTES;
            double preadBound = Math.max(rawPreadv2, JDK_DOWNCALL_BYTES) + SLACK_BYTES;
            double lazyGetpid = perCall(() -> laio.syscall(Sys.SYS_getpid), pid, getpidBound);
            double lazyPread = perCall(() -> laio.syscall(Sys.SYS_pread64, fd, buf.address(), 4096, 0), 4096,
                    preadBound);
            assertTrue(lazyGetpid <= getpidBound, "getpid: " + lazyGetpid + " B per call, its downcall " + rawGetpid);
            assertTrue(lazyPread <= preadBound, "probed pread: " + lazyPread + " B per call, its downcall "
                    + rawPreadv2);
            assertNull(laio.gethandle(), "the last call completed inline");
            assertEquals(0, laio.stats().background(Sys.SYS_pread64), "every pread came from the page cache");
        } finally {
            Native.close(fd);
        }
    }

    /**
     * Bytes the calling thread allocates per {@code call} in its best round: rounds go on until
     * one allocates no more than {@code target} per call, or for {@link #WARM_UP_NANOS}. The JIT
     * takes the allocation away only once it has compiled the whole path, which on a loaded
     * machine can take seconds; a path that allocates for good never gets there.
     */
    private static double perCall(LongSupplier call, long expect, double target) {
        long tid = Thread.currentThread().threadId();
        double best = Double.MAX_VALUE;
        long end = System.nanoTime() + WARM_UP_NANOS;
        for (int round = 0; round < 3 || (best > target && System.nanoTime() < end); round++) {
            long before = HandleRecyclingTest.allocatedBytes(tid);
            for (int i = 0; i < CALLS; i++) {
                if (call.getAsLong() != expect) {
                    throw new AssertionError("unexpected result; errno " + Errno.name(Laio.errno()));
                }
            }
            best = Math.min(best, (double) (HandleRecyclingTest.allocatedBytes(tid) - before) / CALLS);
        }
        return best;
    }
}
