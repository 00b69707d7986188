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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.internal.Native;
import io.laio.internal.SchedulePoints;
import io.laio.internal.Syscalls;
import io.laio.internal.sockets.SocketRetry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races around socket waits made deterministic with {@link SchedulePoints}: a cancel while the waiter
 * retries, a cancel from another thread on the epoll backend followed by descriptor reuse, the
 * waiter's epoll failing, and close racing submitters.
 */
@Timeout(120)
class SocketWaiterRaceTest {

    @AfterEach
    void clearHooks() {
        SchedulePoints.install(null);
        SchedulePoints.injectFault(0);
    }

    /** Reads what is in {@code fd} now (it must be non-blocking, or have data), up to {@code max}. */
    private static long drain(int fd, long max) {
        MemorySegment chunk = Arena.ofAuto().allocate(65536);
        long total = 0;
        while (total < max) {
            long n = Syscalls.call(Native.CAPTURE, Sys.SYS_recvfrom, fd, chunk.address(), Math.min(65536, max - total),
                    0x40 /* MSG_DONTWAIT */, 0, 0);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * Polls until {@code n} completions came (or 10 s passed): handle → {result, errno}, each
     * handle taken right after its poll (the next poll makes it stale).
     */
    private static java.util.Map<LaioHandle, long[]> collect(Laio laio, int n) {
        java.util.Map<LaioHandle, long[]> got = new java.util.HashMap<>();
        LaioCompletion[] out = {new LaioCompletion()};
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (got.size() < n && System.nanoTime() < deadline) {
            if (laio.poll(out, 1, Duration.ofMillis(100)) == 1) {
                got.put(out[0].handle(), new long[] {out[0].returnValue(), out[0].errno()});
            }
        }
        return got;
    }

    @Test
    void whenACancelArrivesWhileTheWaiterRetriesAPartialWriteThenItCompletesWithTheBytesMovedInsteadOfWaitingForever()
            throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        int size = 4 << 20; // far more than an AF_UNIX socket buffers
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared(); ScheduleControl schedule = ScheduleControl.install()) {
            MemorySegment src = arena.allocate(size);
            assertEquals(-1, laio.write(sp[0], src, size));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            LaioHandle h = laio.gethandle();
            // stop the waiter between its retry (some bytes out, then EAGAIN) and its requeue
            ScheduleControl.Pause atRequeue = schedule.pause(SocketRetry.BEFORE_REQUEUE, t -> true);
            long received = drain(sp[1], 512 * 1024); // room in the socket: the waiter's retry moves bytes, then blocks
            atRequeue.awaitReached(); // the waiter retried and would block again
            assertFalse(laio.cancel(h), "the waiter runs the call: the cancel cannot stop it there");
            atRequeue.release();
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(10)), "the cancel took effect at the requeue");
            received += drain(sp[1], size);
            assertTrue(h.cancelled());
            assertEquals(0, out[0].errno(), "bytes went out: reported as a short write");
            assertEquals(received, out[0].returnValue(), "the result is exactly the bytes the peer got");
            assertTrue(received > 0 && received < size);
            assertEquals(0, laio.poll(out, 1, Duration.ofMillis(50)), "reported once");
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void whenACancelArrivesWhileTheWaiterRetriesAReadThatMovedNothingThenItCompletesWithEcanceled() throws Exception {
        // two reads wait on one socket; one byte comes: the first takes it, the second's retry would block
        int[] sp = SocketWaiterTest.socketPair();
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared(); ScheduleControl schedule = ScheduleControl.install()) {
            MemorySegment buf = arena.allocate(8);
            assertEquals(-1, laio.read(sp[0], buf, 8));
            LaioHandle first = laio.gethandle();
            assertEquals(-1, laio.read(sp[0], buf, 8)); // the second reader finds nothing after the first took the byte
            LaioHandle second = laio.gethandle();
            ScheduleControl.Pause atRequeue = schedule.pause(SocketRetry.BEFORE_REQUEUE, t -> true);
            Native.writeByte(sp[1], (byte) 1);
            atRequeue.awaitReached(); // the second read was retried and would block
            assertFalse(laio.cancel(second));
            atRequeue.release();
            java.util.Map<LaioHandle, long[]> got = collect(laio, 2);
            assertEquals(2, got.size(), "both reported: the first read, and the cancelled second");
            assertEquals(1, got.get(first)[0]);
            assertEquals(-1, got.get(second)[0]);
            assertEquals(Errno.ECANCELED, got.get(second)[1]);
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void whenAWaitIsCancelledFromAnotherThreadAndItsDescriptorNumberReusedThenTheNewWaitOnTheEpollLoopCompletes()
            throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        int[] reused = new int[2];
        try (EventBase base = EventBase.create("epoll"); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(8);
            List<String> seen = new ArrayList<>();
            AtomicReference<LaioHandle> old = new AtomicReference<>();
            base.execute(() -> {
                assertEquals(-1, laio.read(sp[0], buf, 1));
                old.set(laio.gethandle());
                Event.set(base, old.get(), Ev.LAIO, (ev, w, a) -> seen.add("old " + Errno.name(ev.error())), null).add();
            });
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            base.execute(() -> {
                // all in one callback, before the loop runs any task posted meanwhile: a cancel on
                // another thread, then the loop closes the descriptor, reuses its number and waits on it
                Thread other = Thread.ofPlatform().start(() -> assertTrue(laio.cancel(old.get())));
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                Native.close(sp[0]);
                int[] np = SocketWaiterTest.socketPair();
                reused[0] = np[0];
                reused[1] = np[1];
                assertEquals(sp[0], np[0], "the lowest free number is the one just closed");
                assertEquals(-1, laio.read(np[0], buf, 1));
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, w, a) -> {
                    seen.add("new " + ev.result());
                    base.loopBreak();
                }, null).add();
                Native.writeByte(np[1], (byte) 5);
            });
            base.once(null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null, Duration.ofSeconds(10));
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            assertEquals(List.of("old ECANCELED", "new 1"), seen, "the wait on the reused number was watched");
        } finally {
            if (reused[0] != 0) {
                Native.close(reused[0]);
                Native.close(reused[1]);
            } else {
                Native.close(sp[0]);
            }
            Native.close(sp[1]);
        }
    }

    @Test
    void whenTheWaitersEpollFailsThenItsCallsFailWithThatErrnoAndLaterWaitsGoToANewWaiter() throws Exception {
        int[] a = SocketWaiterTest.socketPair();
        int[] b = SocketWaiterTest.socketPair();
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(8);
            // The waiter is held at its first wait until both calls were submitted, and then its
            // epoll_pwait "fails": injected from here instead, a waiter still on its way to its
            // first wait could meet the fault holding the first call only, and the second would
            // go to a new waiter.
            CountDownLatch arrived = new CountDownLatch(1);
            CountDownLatch proceed = new CountDownLatch(1);
            AtomicBoolean held = new AtomicBoolean();
            SchedulePoints.install(point -> {
                if (point.equals("SocketWaiter.run:beforeAwait") && held.compareAndSet(false, true)) {
                    arrived.countDown();
                    try {
                        proceed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    SchedulePoints.injectFault(Errno.EINVAL);
                }
            });
            assertEquals(-1, laio.read(a[0], buf, 1));
            LaioHandle first = laio.gethandle();
            LaioHandle second;
            try {
                assertTrue(arrived.await(10, TimeUnit.SECONDS), "the waiter reached its first wait");
                assertEquals(-1, laio.read(b[0], buf, 1));
                second = laio.gethandle();
            } finally {
                proceed.countDown(); // the waiter now meets the fault holding both calls
            }
            java.util.Map<LaioHandle, long[]> got = collect(laio, 2);
            assertEquals(2, got.size(), "the calls the failed waiter held are reported, not stranded");
            for (LaioHandle h : List.of(first, second)) {
                assertEquals(-1, got.get(h)[0]);
                assertEquals(Errno.EINVAL, got.get(h)[1], "the errno epoll_pwait gave");
            }
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(0, SchedulePoints.pendingFault(), "the fault was met");
            assertEquals(-1, laio.read(a[0], buf, 1));
            assertNotNull(laio.gethandle());
            Native.writeByte(a[1], (byte) 7);
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(10)), "a later wait is served by a new waiter");
            assertEquals(1, out[0].returnValue());
        } finally {
            Native.close(a[0]);
            Native.close(a[1]);
            Native.close(b[0]);
            Native.close(b[1]);
        }
    }

    @Test
    void whenCloseRacesManySubmittersThenEveryAcceptedCallIsReportedAndTheRestAreRefused() throws Exception {
        int threads = 4;
        for (int round = 0; round < 30; round++) {
            Laio laio = Laio.create();
            int[][] pairs = new int[threads][];
            AtomicInteger accepted = new AtomicInteger();
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(threads);
            List<Thread> submitters = new ArrayList<>();
            MemorySegment buf = Arena.global().allocate(8);
            MemorySegment pause = Arena.global().allocate(16, 8);
            pause.set(java.lang.foreign.ValueLayout.JAVA_LONG, 8, 100_000); // 100 µs
            for (int t = 0; t < threads; t++) {
                int[] sp = SocketWaiterTest.socketPair();
                pairs[t] = sp;
                boolean sockets = t % 2 == 0; // half wait on the socket waiter, half on helpers
                submitters.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        while (true) {
                            long r = sockets ? laio.read(sp[0], buf, 1) : laio.syscall(Sys.SYS_nanosleep, pause.address(), 0);
                            if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
                                accepted.incrementAndGet();
                            } else if (!(r == -1 && Laio.errno() == Errno.EAGAIN) && !(!sockets && r == 0)) {
                                throw new AssertionError("unexpected " + r + " " + Errno.name(Laio.errno()));
                            }
                        }
                    } catch (IllegalStateException e) {
                        if (!e.getMessage().equals("Laio is closed")) {
                            unexpected.compareAndSet(null, e);
                        }
                    } catch (Throwable e) {
                        unexpected.compareAndSet(null, e);
                    }
                }));
            }
            started.await();
            Thread.sleep(2 + round % 5);
            laio.close();
            for (Thread s : submitters) {
                s.join(30_000);
                assertFalse(s.isAlive(), "every submitter was refused after close");
            }
            if (unexpected.get() != null) {
                throw new AssertionError("round " + round, unexpected.get());
            }
            LaioCompletion[] out = new LaioCompletion[256];
            for (int i = 0; i < out.length; i++) {
                out[i] = new LaioCompletion();
            }
            int reported = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (reported < accepted.get() && System.nanoTime() < deadline) {
                reported += laio.poll(out, out.length, Duration.ofMillis(100));
            }
            assertEquals(accepted.get(), reported, "round " + round + ": every accepted call reported, none stranded");
            for (int[] sp : pairs) {
                Native.close(sp[0]);
                Native.close(sp[1]);
            }
        }
    }
}
