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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of docs/design/architecture.md ("The LAIO contract"), which every policy keeps: run against EAGER, INLINE and
 * LAZY by the subclasses.
 */
@Timeout(60)
abstract class LaioContractTest {
    abstract Policy policy();

    Laio create(LaioConfig.Builder b) {
        return Laio.create(b.policy(policy()).build());
    }

    Laio create() {
        return create(LaioConfig.builder());
    }

    /** Runs the call; waits for it if it went to the background. Returns {result, errno, backgrounded}. */
    static long[] complete(Laio laio, long nr, long... a) {
        long[] x = java.util.Arrays.copyOf(a, 6);
        long r = laio.syscall(nr, x[0], x[1], x[2], x[3], x[4], x[5]);
        int err = Laio.errno();
        if (r == -1 && err == Errno.EINPROGRESS) {
            LaioHandle h = laio.gethandle();
            assertNotNull(h, "EINPROGRESS without a handle");
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)), "no completion within 20 s");
            assertEquals(h, out[0].handle());
            return new long[] {out[0].returnValue(), out[0].errno(), 1};
        }
        assertNull(laio.gethandle(), "an inline completion leaves no handle");
        return new long[] {r, r == -1 ? err : 0, 0};
    }

    @Test
    void getpidReturnsTheProcessId() {
        try (Laio laio = create()) {
            long[] r = complete(laio, Sys.SYS_getpid);
            assertEquals(ProcessHandle.current().pid(), r[0]);
            assertEquals(0, r[1]);
        }
    }

    @Test
    void aBadDescriptorEndsInEbadfNeverInAHangOrALostCall() {
        try (Laio laio = create(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            long[] r = complete(laio, Sys.SYS_read, 987_654, buf.address(), 16);
            assertEquals(-1, r[0]);
            assertEquals(Errno.EBADF, r[1]);
            assertEquals(1, laio.stats().errors(Sys.SYS_read));
        }
    }

    @Test
    void aCachedFileReadReturnsItsBytes() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("laio", ".bin");
        byte[] data = new byte[10_000];
        new Random(7).nextBytes(data);
        java.nio.file.Files.write(f, data);
        int fd = Native.openRead(f.toString());
        try (Laio laio = create(); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096);
            long[] r = complete(laio, Sys.SYS_pread64, fd, buf.address(), 4096, 5000);
            assertEquals(4096, r[0]);
            assertEquals(data[5000], buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(data[9095], buf.get(ValueLayout.JAVA_BYTE, 4095));
            long[] tail = complete(laio, Sys.SYS_pread64, fd, buf.address(), 4096, 8000);
            assertEquals(2000, tail[0], "a read across the end returns what is there");
        } finally {
            Native.close(fd);
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void statsCountEveryCall() {
        try (Laio laio = create()) {
            for (int i = 0; i < 10; i++) {
                complete(laio, Sys.SYS_getpid);
            }
            LaioStats s = laio.stats();
            assertEquals(10, s.calls(Sys.SYS_getpid));
            assertEquals(10, s.inline(Sys.SYS_getpid) + s.background(Sys.SYS_getpid));
            assertTrue(s.toString().contains("getpid"), s.toString());
        }
    }

    @Test
    void noLaioThreadIsLeftAfterClose() {
        try (Laio laio = create(LaioConfig.builder().maxHelpers(8))) {
            for (int i = 0; i < 50; i++) {
                complete(laio, Sys.SYS_getppid);
                laio.call(() -> 1);
                if (laio.gethandle() != null) {
                    LaioCompletion[] out = {new LaioCompletion()};
                    assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(10)));
                }
            }
        }
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("laio-helper") && t.isAlive()).count());
    }

    @Test
    void pollOnAStandaloneLaioWithNothingInFlightTimesOut() {
        try (Laio laio = create()) {
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(0, laio.poll(out, 1, Duration.ofMillis(20)));
            assertThrows(IllegalArgumentException.class, () -> laio.poll(out, 2, Duration.ZERO));
        }
    }
}

class EagerContractTest extends LaioContractTest {
    @Override
    Policy policy() {
        return Policy.EAGER;
    }

    @Test
    void everyCallGoesToAHelperAndIsReportedOnce() {
        try (Laio laio = create()) {
            long[] r = complete(laio, Sys.SYS_getpid);
            assertEquals(1, r[2]);
            assertEquals(1, laio.stats().background(Sys.SYS_getpid));
        }
    }

    @Test
    void aHundredThousandRandomCallsAreEachReportedExactlyOnce() {
        int n = 100_000;
        try (Laio laio = create(LaioConfig.builder().maxHelpers(4).maxQueued(n))) {
            Set<LaioHandle> submitted = new HashSet<>();
            Random rnd = new Random(3);
            for (int i = 0; i < n; i++) {
                long nr = switch (rnd.nextInt(3)) {
                    case 0 -> Sys.SYS_getpid;
                    case 1 -> Sys.SYS_gettid;
                    default -> Sys.SYS_getppid;
                };
                assertEquals(-1, laio.syscall(nr));
                assertEquals(Errno.EINPROGRESS, Laio.errno());
                assertTrue(submitted.add(laio.gethandle()));
            }
            LaioCompletion[] out = new LaioCompletion[256];
            for (int i = 0; i < out.length; i++) {
                out[i] = new LaioCompletion();
            }
            int got = 0;
            while (got < n) {
                int k = laio.poll(out, out.length, Duration.ofSeconds(20));
                assertTrue(k > 0, "completions stopped at " + got);
                for (int i = 0; i < k; i++) {
                    assertTrue(submitted.remove(out[i].handle()), "reported twice or unknown: " + out[i]);
                    assertTrue(out[i].returnValue() > 0);
                }
                got += k;
            }
            assertTrue(submitted.isEmpty());
            assertEquals(0, laio.poll(out, 1, Duration.ofMillis(10)), "nothing more");
        }
    }
}

class InlineContractTest extends LaioContractTest {
    @Override
    Policy policy() {
        return Policy.INLINE;
    }

    @Test
    void callsRunOnTheCallersThreadWithNoHandle() {
        try (Laio laio = create()) {
            assertEquals(ProcessHandle.current().pid(), laio.syscall(Sys.SYS_getpid));
            assertNull(laio.gethandle());
            long tid = laio.syscall(Sys.SYS_gettid);
            assertEquals(tid, laio.call(() -> laio.syscall(Sys.SYS_gettid)), "call(op) ran on this thread");
        }
    }
}

class LazyContractTest extends LaioContractTest {
    @Override
    Policy policy() {
        return Policy.LAZY;
    }
}
