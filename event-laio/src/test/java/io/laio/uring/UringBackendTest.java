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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.spi.ReadySink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The uring backend driven directly, for what the contract suite cannot see: overflow, removal, timing, release. */
@Timeout(60)
class UringBackendTest {
    /** Records reports by attachment. */
    private static final class Sink implements ReadySink {
        final Map<Object, Integer> ready = new HashMap<>();
        final List<Object> invalid = new ArrayList<>();

        @Override
        public void ready(Object attachment, int events) {
            ready.merge(attachment, events, (a, b) -> a | b);
        }

        @Override
        public void invalid(Object attachment) {
            invalid.add(attachment);
        }
    }

    @Test
    void moreReadyDescriptorsThanCompletionEntriesAreAllReportedInOnePoll() throws Exception {
        List<UringTestFds.PipeSource> pipes = new ArrayList<>();
        try (UringBackend b = new UringBackend(4, 8, UringBackend.Wake.EVENTFD, false)) {
            assertTrue(b.ring().cqEntries <= 8, "a completion queue smaller than the descriptors: " + b.ring().cqEntries);
            Set<Object> expected = new HashSet<>();
            for (int i = 0; i < 64; i++) {
                UringTestFds.PipeSource p = UringTestFds.PipeSource.open();
                pipes.add(p);
                p.makeReadable();
                b.register(p.source(), Ev.READ, "pipe " + i);
                expected.add("pipe " + i);
            }
            Sink sink = new Sink();
            int reported = b.poll(0, sink);
            assertEquals(expected, sink.ready.keySet(), "every ready descriptor, past the completion queue's room");
            assertEquals(64, reported);
            sink.ready.values().forEach(ev -> assertEquals(Ev.READ, ev));
        } finally {
            pipes.forEach(UringTestFds.PipeSource::close);
        }
    }

    @Test
    void aCancelledRegistrationLeavesNoPollInTheKernelAndNeverReports() throws Exception {
        List<UringTestFds.PipeSource> pipes = new ArrayList<>();
        try (UringBackend b = new UringBackend(8, 0, UringBackend.Wake.EVENTFD, false)) {
            List<Object> keys = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                UringTestFds.PipeSource p = UringTestFds.PipeSource.open();
                pipes.add(p);
                keys.add(b.register(p.source(), Ev.READ, "pipe " + i));
            }
            Sink sink = new Sink();
            b.poll(0, sink);
            assertEquals(5, UringTestFds.pollsInKernel(b.ring().fd), "one poll per watched descriptor, none ready yet");
            for (Object key : keys) {
                b.cancel(key);
            }
            b.poll(0, sink);
            assertEquals(0, UringTestFds.pollsInKernel(b.ring().fd), "cancelled: removed from the kernel");
            pipes.forEach(UringTestFds.PipeSource::makeReadable);
            b.poll(20_000_000, sink);
            assertEquals(Map.of(), sink.ready, "a cancelled registration reports nothing");
        } finally {
            pipes.forEach(UringTestFds.PipeSource::close);
        }
    }

    @Test
    void narrowingTheInterestReplacesThePollAndReportsOnlyWhatIsStillWanted() throws Exception {
        try (UringBackend b = new UringBackend(8, 0, UringBackend.Wake.EVENTFD, false);
             UringTestFds.PipeSource p = UringTestFds.PipeSource.open()) {
            Object key = b.register(UringSources.source(p.write()), Ev.READ | Ev.WRITE, "w");
            Sink sink = new Sink();
            b.poll(0, sink);
            assertEquals(Map.of("w", Ev.WRITE), sink.ready, "a pipe's write end is writable, never readable");
            b.modify(key, Ev.READ);
            sink.ready.clear();
            b.poll(20_000_000, sink);
            assertEquals(Map.of(), sink.ready, "no longer asked for WRITE");
            assertEquals(1, UringTestFds.pollsInKernel(b.ring().fd), "the WRITE poll replaced, not added to");
        }
    }

    @Test
    void aClosedDescriptorIsReportedInvalid() throws Exception {
        try (UringBackend b = new UringBackend(8, 0, UringBackend.Wake.EVENTFD, false)) {
            int[] p = UringTestFds.pipe();
            UringTestFds.close(p[0]);
            UringTestFds.close(p[1]);
            b.register(UringSources.source(p[0]), Ev.READ, "closed");
            Sink sink = new Sink();
            b.poll(0, sink);
            assertEquals(List.of("closed"), sink.invalid);
            assertEquals(Map.of(), sink.ready);
        }
    }

    @ParameterizedTest
    @EnumSource(UringBackend.Wake.class)
    void aWakeupFromAnotherThreadEndsAWaitWithNoTimeout(UringBackend.Wake mode) throws Exception {
        try (UringBackend b = new UringBackend(8, 0, mode, false)) {
            for (int round = 0; round < 3; round++) {
                CountDownLatch waiting = new CountDownLatch(1);
                AtomicReference<Throwable> failed = new AtomicReference<>();
                Thread waker = Thread.ofPlatform().start(() -> {
                    try {
                        waiting.await();
                        Thread.sleep(50);
                        b.wakeup();
                    } catch (Throwable t) {
                        failed.set(t);
                    }
                });
                waiting.countDown();
                long start = System.nanoTime();
                assertEquals(0, b.poll(TimeUnit.SECONDS.toNanos(10), new Sink())); // bounded: a lost wake-up fails, not hangs
                long took = System.nanoTime() - start;
                waker.join();
                assertEquals(null, failed.get());
                assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(40), "returned before the wake-up: " + took + " ns");
                assertTrue(took < TimeUnit.SECONDS.toNanos(5), "the wake-up was lost: " + took + " ns");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTimeoutEndsTheWaitNeitherEarlyNorFarLate(boolean timeoutBySqe) throws Exception {
        try (UringBackend b = new UringBackend(8, 0, UringBackend.Wake.EVENTFD, timeoutBySqe)) {
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                assertEquals(0, b.poll(TimeUnit.MILLISECONDS.toNanos(100), new Sink()));
                long took = System.nanoTime() - start;
                assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(99), "early: " + took + " ns");
                assertTrue(took < TimeUnit.MILLISECONDS.toNanos(1500), "late (generous bound on a loaded VM): " + took + " ns");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTimeoutCutShortByAWakeupDoesNotEndALaterWait(boolean timeoutBySqe) throws Exception {
        try (UringBackend b = new UringBackend(8, 0, UringBackend.Wake.EVENTFD, timeoutBySqe)) {
            b.wakeup();
            assertEquals(0, b.poll(TimeUnit.MILLISECONDS.toNanos(50), new Sink())); // the wake-up ends it at once
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    return;
                }
                b.wakeup();
            });
            long start = System.nanoTime();
            b.poll(TimeUnit.SECONDS.toNanos(10), new Sink());
            long took = System.nanoTime() - start;
            waker.join();
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(300), "the first wait's timer ended the second: " + took + " ns");
            assertTrue(took < TimeUnit.SECONDS.toNanos(5), "the wake-up was lost: " + took + " ns");
        }
    }

    @ParameterizedTest
    @EnumSource(UringBackend.Wake.class)
    void closeWithRegistrationsOutstandingReleasesTheRingAndItsDescriptors(UringBackend.Wake mode) throws Exception {
        List<UringTestFds.PipeSource> pipes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pipes.add(UringTestFds.PipeSource.open());
        }
        try {
            long fds = UringTestFds.openDescriptors();
            long rings = UringTestFds.ringDescriptors();
            long maps = UringTestFds.ringMappings();
            UringBackend b = new UringBackend(8, 0, mode, false);
            assertTrue(UringTestFds.ringDescriptors() > rings);
            for (int i = 0; i < pipes.size(); i++) {
                b.register(pipes.get(i).source(), Ev.READ | Ev.WRITE, i);
            }
            pipes.get(0).makeReadable();
            b.poll(0, new Sink());
            b.wakeup();
            b.close();
            b.wakeup(); // after close: does nothing, touches nothing
            b.close(); // twice: nothing
            assertEquals(rings, UringTestFds.ringDescriptors(), "ring descriptors closed");
            assertTrue(UringTestFds.openDescriptors() <= fds, "ring and wake-up descriptors closed");
            assertEquals(maps, UringTestFds.ringMappings(), "ring mappings unmapped");
        } finally {
            pipes.forEach(UringTestFds.PipeSource::close);
        }
    }

    @ParameterizedTest
    @EnumSource(UringBackend.Wake.class)
    void wakeupsRacingCloseNeverFailNorTouchWhatCloseReleased(UringBackend.Wake mode) throws Exception {
        // a wake-up past close() would write an eventfd number close() freed (EBADF, or into a
        // stranger's descriptor) or, for MSG_RING, queue on a ring close() unmapped (a crash)
        for (int round = 0; round < 10; round++) {
            long fds = UringTestFds.openDescriptors();
            long rings = UringTestFds.ringDescriptors();
            UringBackend b = new UringBackend(8, 0, mode, false);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(2);
            Thread[] wakers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                wakers[t] = Thread.ofPlatform().start(() -> {
                    started.countDown();
                    try {
                        while (!stop.get()) {
                            b.wakeup();
                            Thread.yield(); // two spinning threads must not starve the closing one on two cores
                        }
                    } catch (Throwable e) {
                        failed.compareAndSet(null, e);
                    }
                });
            }
            started.await();
            b.poll(0, new Sink());
            b.close();
            Thread.sleep(5); // the wakers go on calling the closed backend
            stop.set(true);
            for (Thread w : wakers) {
                w.join();
            }
            assertEquals(null, failed.get());
            assertEquals(rings, UringTestFds.ringDescriptors(), "the ring's descriptors closed");
            // other tests' clean-up may still close descriptors of theirs; none of ours may stay
            assertTrue(UringTestFds.openDescriptors() <= fds, "no descriptor left open");
        }
    }
}
