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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What happens to calls that really block, under the two policies that can background them. */
@Timeout(60)
class BackgroundCallTest {

    private static Laio laio(Policy p, int helpers, int queued) {
        return Laio.create(LaioConfig.builder().policy(p).maxHelpers(helpers).maxQueued(queued).build());
    }

    @org.junit.jupiter.api.Test
    void underLazyABlockedPipeReadWaitsOnTheWaiterNotOnAHelper() throws Exception {
        int[] pipe = Native.pipe();
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(1);
            assertEquals(-1, laio.read(pipe[0], buf, 1));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            assertEquals(0, laio.stats().helpersAlive());
            Native.writeByte(pipe[1], (byte) 3);
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(1, out[0].returnValue());
            assertEquals(3, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"LAZY", "EAGER"})
    void aPipeReadThatBlocksCompletesLaterWithItsByte(Policy p) throws Exception {
        int[] pipe = Native.pipe();
        try (Laio laio = laio(p, 2, 4); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(1);
            assertEquals(-1, laio.read(pipe[0], buf, 1));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            LaioHandle h = laio.gethandle();
            assertNotNull(h);
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(0, laio.poll(out, 1, Duration.ofMillis(50)), "nothing to read yet: still in flight");
            Native.writeByte(pipe[1], (byte) 42);
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(h, out[0].handle());
            assertEquals(1, out[0].returnValue());
            assertEquals(0, out[0].errno());
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"LAZY", "EAGER"})
    void nanosleepGoesToTheBackground(Policy p) {
        try (Laio laio = laio(p, 2, 4)) {
            assertEquals(-1, laio.nanosleep(Duration.ofMillis(5)));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(0, out[0].returnValue());
        }
    }

    /** A call that blocks on a helper under LAZY and EAGER alike, until the latch opens. */
    private static long blockOn(Laio laio, java.util.concurrent.CountDownLatch latch, long result) {
        return laio.call(() -> {
            latch.await();
            return result;
        });
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"LAZY", "EAGER"})
    void aQueuedCallCancelledNeverRunsAndCompletesWithEcanceled(Policy p) throws Exception {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        boolean[] secondRan = {false};
        try (Laio laio = laio(p, 1, 4)) {
            blockOn(laio, latch, 1);
            LaioHandle running = laio.gethandle();
            waitUntil(() -> running.state() == LaioHandle.RUNNING);
            laio.call(() -> {
                secondRan[0] = true;
                return 2;
            });
            LaioHandle queued = laio.gethandle();
            assertTrue(laio.cancel(queued), "not started yet: cancelled");
            assertFalse(laio.cancel(running), "already running: completes normally");
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(queued, out[0].handle());
            assertEquals(-1, out[0].returnValue());
            assertEquals(Errno.ECANCELED, out[0].errno());
            latch.countDown();
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(running, out[0].handle());
            assertEquals(1, out[0].returnValue());
            assertTrue(running.cancelled(), "flagged, yet completed normally");
            assertEquals(0, laio.poll(out, 1, Duration.ofMillis(20)), "the cancelled call was reported once");
            assertFalse(secondRan[0], "a cancelled call never runs");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"LAZY", "EAGER"})
    void overTheBoundSyscallReturnsEagainAtOnceAndLosesNothing(Policy p) throws Exception {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        try (Laio laio = laio(p, 1, 1)) {
            assertEquals(-1, blockOn(laio, latch, 1));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            assertEquals(-1, blockOn(laio, latch, 2));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            assertEquals(-1, laio.nanosleep(Duration.ofMillis(1)));
            assertEquals(Errno.EAGAIN, Laio.errno(), "maxHelpers + maxQueued = 2 in flight");
            assertNull(laio.gethandle(), "nothing was started");
            assertEquals(1, laio.stats().rejected(Sys.SYS_nanosleep));
            latch.countDown();
            LaioCompletion[] out = {new LaioCompletion(), new LaioCompletion()};
            int got = 0;
            while (got < 2) {
                got += laio.poll(out, 2 - got, Duration.ofSeconds(20));
            }
            assertEquals(0, laio.stats().inFlight());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"LAZY", "EAGER"})
    void closeCancelsQueuedCallsAndWaitsForRunningOnes(Policy p) throws Exception {
        java.util.concurrent.CountDownLatch latch = new java.util.concurrent.CountDownLatch(1);
        Laio laio = laio(p, 1, 4);
        blockOn(laio, latch, 9);
        LaioHandle running = laio.gethandle();
        waitUntil(() -> running.state() == LaioHandle.RUNNING);
        blockOn(laio, latch, 10);
        LaioHandle queued = laio.gethandle();
        Thread.ofPlatform().start(() -> {
            sleep(100);
            latch.countDown();
        });
        laio.close(); // returns once the running call returned
        assertEquals(LaioHandle.DONE, running.state());
        assertEquals(LaioHandle.DONE, queued.state());
        assertEquals(Errno.ECANCELED, queued.errno());
        assertEquals(9, running.result());
    }

    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"LAZY", "EAGER"})
    void aThrowingBlockingOpCompletesWithEioAndKeepsTheException(Policy p) {
        try (Laio laio = laio(p, 1, 4)) {
            assertEquals(-1, laio.call(() -> {
                throw new java.io.IOException("disk on fire");
            }));
            LaioHandle h = laio.gethandle();
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(-1, out[0].returnValue());
            assertEquals(Errno.EIO, out[0].errno());
            assertEquals("disk on fire", h.exception().getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void aFloodOfSlowJavaCallsDoesNotStarveFileCalls() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (Laio laio = Laio.create(LaioConfig.builder().policy(Policy.EAGER).maxHelpers(1).maxQueued(16).build())) {
            for (int i = 0; i < 4; i++) {
                laio.call(() -> {
                    release.await();
                    return 0;
                }); // the Java lane's one helper is stuck, three more wait behind it
            }
            assertEquals(-1, laio.syscall(Sys.SYS_getpid));
            LaioHandle pid = laio.gethandle();
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)), "the data lane has its own helper");
            assertEquals(pid, out[0].handle());
            release.countDown();
            int got = 0;
            while (got < 4) {
                got += laio.poll(out, 1, Duration.ofSeconds(20));
            }
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier c) {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("condition not reached in 20 s");
            }
            sleep(1);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
