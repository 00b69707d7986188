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

package io.laio.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventLoopGroupTest {

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix + "-") && t.isAlive()).count();
    }

    @Test
    void everyLoopRunsItsTasksOnItsOwnNamedThread() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.builder().loops(3).threadName("g-tasks").build()) {
            assertEquals(3, group.size());
            List<CompletableFuture<String>> ran = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int index = i;
                CompletableFuture<String> f = new CompletableFuture<>();
                group.execute(i, () -> f.complete(Thread.currentThread().getName() + " " + group.get(index).inLoop()
                        + " " + group.currentIndex()));
                ran.add(f);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("g-tasks-" + i + " true " + i, ran.get(i).get(10, TimeUnit.SECONDS));
            }
            assertEquals(-1, group.currentIndex());
        }
    }

    @Test
    void spinBeforeSleepIsSetOnEveryLoopAndCheckedWhenGiven() {
        assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.builder().spinBeforeSleep(Duration.ofMillis(2)));
        assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.builder().spinBeforeSleep(null));
        try (EventLoopGroup group = EventLoopGroup.builder().loops(2).spinBeforeSleep(Duration.ofNanos(2_000)).build()) {
            for (int i = 0; i < group.size(); i++) {
                assertEquals(Duration.ofNanos(2_000), group.get(i).spinBeforeSleep());
            }
        }
    }

    @Test
    void nextGoesRoundRobinAndExecuteSpreadsTasksOverEveryLoop() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(3)) {
            EventBase first = group.next();
            EventBase second = group.next();
            EventBase third = group.next();
            assertNotSame(first, second);
            assertNotSame(second, third);
            assertNotSame(first, third);
            assertEquals(first, group.next());
            Set<String> threads = ConcurrentHashMap.newKeySet();
            CountDownLatch done = new CountDownLatch(6);
            for (int i = 0; i < 6; i++) {
                group.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(3, threads.size(), threads.toString());
        }
    }

    @Test
    void anEventUsedOnAnotherLoopIsRefusedEvenWhileItsOwnLoopRuns() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(2)) {
            CompletableFuture<Event> onLoop1 = new CompletableFuture<>();
            group.execute(1, () -> onLoop1.complete(Event.set(group.get(1), null, Ev.TIMEOUT, (e, w, a) -> { }, null)));
            Event ev = onLoop1.get(10, TimeUnit.SECONDS);
            CompletableFuture<List<String>> refused = new CompletableFuture<>();
            group.execute(0, () -> {
                List<String> r = new ArrayList<>();
                for (Runnable misuse : List.<Runnable>of(ev::add, () -> ev.add(Duration.ofSeconds(1)), ev::del,
                        () -> ev.active(Ev.TIMEOUT), () -> ev.pending(Ev.TIMEOUT), () -> ev.priority(0),
                        () -> Event.set(group.get(1), null, Ev.TIMEOUT, (e, w, a) -> { }, null))) {
                    try {
                        misuse.run();
                        r.add("accepted");
                    } catch (IllegalStateException e) {
                        r.add(e.getMessage().contains("belongs to another EventBase") ? "refused" : e.getMessage());
                    }
                }
                refused.complete(r);
            });
            assertEquals(List.of("refused", "refused", "refused", "refused", "refused", "refused", "refused"),
                    refused.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void anEventOfABaseWhoseLoopIsNotRunningIsRefusedOnAGroupsLoop() throws Exception {
        try (EventLoopGroup group = EventLoopGroup.create(1); EventBase idle = EventBase.create()) {
            Event ev = Event.set(idle, null, Ev.TIMEOUT, (e, w, a) -> { }, null);
            CompletableFuture<String> outcome = new CompletableFuture<>();
            group.execute(() -> {
                try {
                    ev.add(Duration.ofSeconds(1)); // without the rule: pending on a base nobody runs
                    outcome.complete("accepted");
                } catch (IllegalStateException e) {
                    outcome.complete("refused");
                }
            });
            assertEquals("refused", outcome.get(10, TimeUnit.SECONDS));
            assertEquals(false, ev.pending(Ev.TIMEOUT));
        }
    }

    /**
     * A base of a group is its loop thread's from the start: another thread is refused its
     * events while the loop has not begun yet (its start action runs) as it is while the loop
     * runs. Before, such a call was accepted in that window and raced the loop thread (the
     * timer heap, the sources), so the same code failed or passed by timing.
     */
    @Test
    void anotherThreadIsRefusedAGroupBasesEventsAlsoBeforeItsLoopBegins() throws Exception {
        CountDownLatch starting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (EventLoopGroup group = EventLoopGroup.builder().loops(1).threadName("g-owned")
                .onLoopStart((base, index) -> {
                    starting.countDown();
                    try {
                        release.await(); // the loop has not begun while the test thread tries
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }).build()) {
            assertTrue(starting.await(10, TimeUnit.SECONDS));
            EventBase base = group.get(0);
            List<String> outcomes = new ArrayList<>();
            try {
                for (Runnable misuse : List.<Runnable>of(() -> Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null),
                        () -> base.once(null, Ev.TIMEOUT, (e, w, a) -> { }, null, Duration.ofMillis(1)))) {
                    try {
                        misuse.run();
                        outcomes.add("accepted");
                    } catch (IllegalStateException e) {
                        outcomes.add(e.getMessage().contains("g-owned-0") ? "refused" : e.getMessage());
                    }
                }
            } finally {
                release.countDown();
            }
            assertEquals(List.of("refused", "refused"), outcomes);
            CompletableFuture<Event> made = new CompletableFuture<>();
            group.execute(0, () -> made.complete(Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null)));
            Event ev = made.get(10, TimeUnit.SECONDS); // on its own thread it is the base's as ever
            assertThrows(IllegalStateException.class, ev::add, "and refused here while the loop runs");
        }
    }

    @Test
    void gracefulShutdownRunsEveryPendingTimerAndTaskThenEndsEveryThread() throws Exception {
        long before = threadsNamed("g-grace");
        EventLoopGroup group = EventLoopGroup.builder().loops(2).threadName("g-grace").build();
        AtomicInteger fired = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        CountDownLatch armed = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            int index = i;
            group.execute(i, () -> {
                Event.set(group.get(index), null, Ev.TIMEOUT, (e, w, a) -> {
                    fired.incrementAndGet();
                    group.get(index).execute(fired::incrementAndGet); // work made by the pending work runs too
                }, null).add(Duration.ofMillis(300));
                armed.countDown();
            });
        }
        assertTrue(armed.await(10, TimeUnit.SECONDS));
        assertEquals(2, threadsNamed("g-grace") - before);
        group.shutdownGracefully(Duration.ZERO, Duration.ofSeconds(20));
        assertTrue(group.awaitTermination(Duration.ofSeconds(20)));
        assertEquals(4, fired.get(), "both timers and the tasks they queued ran before the loops ended");
        assertEquals(before, threadsNamed("g-grace"));
        assertTrue(group.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> group.execute(() -> ended.incrementAndGet()));
        assertThrows(IllegalStateException.class, () -> group.get(0).execute(() -> { }), "the bases are closed");
    }

    @Test
    void theQuietPeriodRunsTasksHandedInWhileItLasts() throws Exception {
        EventLoopGroup group = EventLoopGroup.create(1);
        AtomicInteger ran = new AtomicInteger();
        group.shutdownGracefully(Duration.ofMillis(300), Duration.ofSeconds(20));
        for (int i = 0; i < 5; i++) {
            Thread.sleep(100); // each inside the quiet period the one before restarted
            group.execute(ran::incrementAndGet);
        }
        assertTrue(group.awaitTermination(Duration.ofSeconds(20)));
        assertEquals(5, ran.get());
    }

    @Test
    void theTimeoutEndsALoopThatNeverGoesQuietAndItsEndActionStillRuns() throws Exception {
        AtomicInteger ends = new AtomicInteger();
        AtomicInteger starts = new AtomicInteger();
        Set<String> endThreads = ConcurrentHashMap.newKeySet();
        EventLoopGroup group = EventLoopGroup.builder().loops(2).threadName("g-timeout")
                .onLoopStart((base, index) -> {
                    starts.incrementAndGet();
                    Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> { }, null).add(Duration.ofMillis(10));
                })
                .onLoopEnd((base, index) -> {
                    endThreads.add(index + " on " + Thread.currentThread().getName()); // asserted on the test thread
                    ends.incrementAndGet();
                })
                .build();
        long t0 = System.nanoTime();
        group.shutdownGracefully(Duration.ZERO, Duration.ofMillis(300));
        assertTrue(group.awaitTermination(Duration.ofSeconds(20)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 250 && ms < 10_000, ms + " ms");
        assertEquals(2, starts.get());
        assertEquals(2, ends.get());
        assertEquals(Set.of("0 on g-timeout-0", "1 on g-timeout-1"), endThreads,
                "each loop's end action runs on that loop's own thread");
    }

    @Test
    void badArgumentsAreRefusedAndCloseFromALoopIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.builder().loops(0));
        assertThrows(IllegalArgumentException.class, () -> EventLoopGroup.builder().backend("no-such").loops(1).build());
        try (EventLoopGroup group = EventLoopGroup.create(1)) {
            assertThrows(IllegalArgumentException.class,
                    () -> group.shutdownGracefully(Duration.ofSeconds(2), Duration.ofSeconds(1)));
            assertThrows(IndexOutOfBoundsException.class, () -> group.get(1));
            CompletableFuture<Throwable> fromLoop = new CompletableFuture<>();
            group.execute(() -> {
                try {
                    group.close();
                    fromLoop.complete(null);
                } catch (Throwable t) {
                    fromLoop.complete(t);
                }
            });
            assertTrue(fromLoop.get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
        }
    }
}
