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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.event.Level;

/** What a user watching a loop sees: its metrics, the blocked-loop warning, its JFR events. */
class LoopObservabilityTest {
    private static final long MS = 1_000_000L;

    @Test
    void aTimerStuckBehindASlowCallbackShowsItsWaitAsLagAndThePassAsLong() {
        try (EventBase base = EventBase.create("parking")) {
            base.blockedThreshold(null);
            Event slow = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> sleep(300), null);
            Event quick = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> { }, null);
            slow.add(Duration.ofMillis(1));
            quick.add(Duration.ofMillis(1)); // due together: it waits for the slow one
            assertEquals(2, base.stats().pendingEvents());
            assertEquals(1, base.dispatch());

            LoopStats s = base.stats();
            assertEquals(2, s.callbacks(), s.toString());
            assertTrue(s.lagNanosMax() >= 300 * MS, "the quick timer waited 300 ms: " + s);
            assertTrue(s.lagNanosLast() >= 300 * MS, s.toString());
            assertTrue(s.passNanosMax() >= 300 * MS && s.passNanosTotal() >= s.passNanosMax(), s.toString());
            assertEquals(s.passes(), Arrays.stream(s.passHistogram()).sum(), "every pass is in the histogram");
            assertEquals(2, Arrays.stream(s.lagHistogram()).sum());
            assertTrue(LoopStats.quantile(s.lagHistogram(), 1.0).toNanos() >= 300 * MS);
            assertEquals(0, s.pendingEvents());
            assertEquals(0, s.activeEvents());
        }
    }

    @Test
    void measuringTheLoopAllocatesNothingPerPassOrCallback() {
        try (EventBase base = EventBase.create("parking")) {
            int[] left = {0};
            Event again = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> {
                if (--left[0] > 0) {
                    ev.active(Ev.TIMEOUT); // one callback per pass, each pass timed, each lag measured
                } else {
                    ev.del();
                }
            }, null);
            for (int round = 0; round < 3; round++) { // warm-up rounds, then the measured one
                left[0] = 100_000;
                again.add();
                again.active(Ev.TIMEOUT);
                long before = allocatedBytes();
                base.dispatch();
                long allocated = allocatedBytes() - before;
                if (round == 2) {
                    assertTrue(allocated < 16 * 1024, allocated + " bytes for 100,000 passes");
                }
            }
            assertTrue(base.stats().passes() >= 300_000);
        }
    }

    @Test
    void anotherThreadSeesQueuedTasksAndActiveEventsWhileTheLoopIsHeld() throws Exception {
        try (EventBase base = EventBase.create("parking")) {
            base.blockedThreshold(null);
            Event timer = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> { }, null);
            timer.add(Duration.ofHours(1));
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            base.execute(() -> {
                Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> { }, null).active(Ev.TIMEOUT);
                held.countDown();
                await(release);
            });
            Thread loop = Thread.ofPlatform().start(() -> base.loop(Ev.LOOP_ONCE));
            assertTrue(held.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 3; i++) {
                base.execute(() -> { });
            }
            LoopStats s = base.stats();
            assertEquals(3, s.queuedTasks(), s.toString());
            assertEquals(1, s.pendingEvents(), s.toString());
            assertEquals(1, s.activeEvents(), s.toString());
            release.countDown();
            loop.join(10_000);
            assertEquals(1, base.stats().callbacks());
        }
    }

    @Test
    void aCallbackHoldingTheLoopPastTheThresholdIsLoggedOnceWithTheLoopThreadsStack() {
        CapturingLogger log = new CapturingLogger();
        try (EventBase base = EventBase.create("parking")) {
            base.checker = new BlockedLoopChecker(new FailureLog(log, null), true);
            base.blockedThreshold(Duration.ofMillis(200));
            Event.set(base, null, Ev.TIMEOUT, new SleepingCallback(1500), null).add(Duration.ZERO);
            base.dispatch();

            List<CapturingLogger.Line> warnings = log.at(Level.WARN);
            assertEquals(1, warnings.size(), "one warning per episode, however long it lasts: " + warnings);
            CapturingLogger.Line w = warnings.get(0);
            assertTrue(w.message().contains("held by one callback or task"), w.message());
            assertNotNull(w.thrown());
            String stack = Arrays.toString(w.thrown().getStackTrace());
            assertTrue(stack.contains("SleepingCallback.onEvent"), "the loop thread's stack: " + stack);
            assertEquals(1, base.stats().blockedEpisodes());
        }
    }

    @Test
    void fastCallbacksAndALongWaitAreNotABlockedLoop() {
        CapturingLogger log = new CapturingLogger();
        try (EventBase base = EventBase.create("parking")) {
            base.checker = new BlockedLoopChecker(new FailureLog(log, null), true);
            base.blockedThreshold(Duration.ofMillis(500));
            int[] ticks = {0};
            Event tick = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> {
                sleep(5);
                if (++ticks[0] == 20) {
                    ev.del();
                }
            }, null);
            tick.add(Duration.ofMillis(10));
            // the loop then waits 1.5 s in the backend: waiting is not blocking
            Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> { }, null).add(Duration.ofMillis(1500));
            base.dispatch();
            assertEquals(20, ticks[0]);
            assertEquals(List.of(), log.lines());
            assertEquals(0, base.stats().blockedEpisodes());
        }
    }

    @Test
    void stepByStepTheCheckerWarnsOncePerEpisodeAndNeverWhileTheLoopWaits() throws Exception {
        CapturingLogger log = new CapturingLogger();
        BlockedLoopChecker checker = new BlockedLoopChecker(new FailureLog(log, null), false);
        long later = 3_600_000 * MS; // checks "an hour later": only the episode logic decides
        try (EventBase base = EventBase.create("parking")) {
            base.checker = checker;
            base.blockedThreshold(Duration.ofSeconds(1));
            java.util.concurrent.SynchronousQueue<String> step = new java.util.concurrent.SynchronousQueue<>();
            CountDownLatch inCallback = new CountDownLatch(2);
            EventCallback holds = (ev, what, arg) -> {
                inCallback.countDown();
                take(step);
            };
            Event.set(base, null, Ev.TIMEOUT, holds, null).add(Duration.ZERO);
            Event.set(base, null, Ev.TIMEOUT, holds, null).add(Duration.ofMillis(200));
            Thread loop = Thread.ofPlatform().start(base::dispatch);
            while (inCallback.getCount() == 2) {
                Thread.sleep(1);
            }
            checker.checkAll(System.nanoTime() + later);
            checker.checkAll(System.nanoTime() + later);
            assertEquals(1, log.at(Level.WARN).size(), "the same episode twice: one warning");
            step.put("go"); // the callback ends, then the loop waits ~200 ms for the second timer
            checker.checkAll(System.nanoTime() + later); // the same episode ending, or the wait: no warning
            while (inCallback.getCount() == 1) {
                Thread.sleep(1);
            }
            assertEquals(1, log.at(Level.WARN).size(), "waiting is not blocking: " + log.lines());
            checker.checkAll(System.nanoTime() + later);
            assertEquals(2, log.at(Level.WARN).size(), "a second blocking callback: a second episode");
            step.put("go");
            loop.join(10_000);
            assertEquals(2, base.stats().blockedEpisodes());
        }
    }

    @Test
    void twoBlockingCallbacksAreTwoEpisodes() {
        CapturingLogger log = new CapturingLogger();
        try (EventBase base = EventBase.create("parking")) {
            base.checker = new BlockedLoopChecker(new FailureLog(log, null), true);
            base.blockedThreshold(Duration.ofMillis(100));
            Event.set(base, null, Ev.TIMEOUT, new SleepingCallback(700), null).add(Duration.ZERO);
            Event.set(base, null, Ev.TIMEOUT, new SleepingCallback(700), null).add(Duration.ZERO);
            base.dispatch();
            assertEquals(2, log.at(Level.WARN).size(), log.lines().toString());
        }
    }

    @Test
    void slowPassesAndCallbacksAreJfrEventsInTheDefaultSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("loop.jfr");
        try (Recording r = new Recording(Configuration.getConfiguration("default"));
             EventBase base = EventBase.create("parking")) {
            base.blockedThreshold(null);
            r.start();
            Event.set(base, null, Ev.TIMEOUT, new SleepingCallback(60), null).add(Duration.ZERO);
            Event fast = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> {
                if (base.stats().callbacks() > 50) {
                    ev.del();
                }
            }, null);
            fast.add(Duration.ofMillis(1));
            base.dispatch();
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> passes = events.stream().filter(e -> e.getEventType().getName().equals(LoopPassEvent.NAME)).toList();
        List<RecordedEvent> callbacks = events.stream().filter(e -> e.getEventType().getName().equals(CallbackEvent.NAME)).toList();
        // the threshold (20 ms) keeps the ~50 fast passes out; a noisy machine may add one or two
        assertTrue(!passes.isEmpty() && passes.size() <= 5, "only passes over 20 ms: " + passes);
        assertTrue(passes.stream().allMatch(p -> p.getDuration().toMillis() >= 20), passes.toString());
        RecordedEvent pass = passes.stream().max(java.util.Comparator.comparing(RecordedEvent::getDuration)).orElseThrow();
        assertTrue(pass.getDuration().toMillis() >= 60, pass.toString());
        assertEquals("parking", pass.getString("backend"));
        assertTrue(pass.getInt("callbacks") >= 1, pass.toString());
        List<RecordedEvent> slow = callbacks.stream()
                .filter(e -> SleepingCallback.class.getName().equals(e.getString("callbackClass"))).toList();
        assertEquals(1, slow.size(), callbacks.toString());
        assertTrue(callbacks.size() <= 3, "only callbacks over 10 ms: " + callbacks);
        RecordedEvent cb = slow.get(0);
        assertTrue(cb.getDuration().toMillis() >= 60, cb.toString());
        assertEquals("TIMEOUT", cb.getString("what"));
    }

    @Test
    void withNoSlf4jProviderACallbacksExceptionReachesThePlatformLoggerOncePerKind() {
        RecordingPlatformLogger bytes = new RecordingPlatformLogger();
        try (EventBase base = EventBase.create("parking")) {
            base.failures = new FailureLog(org.slf4j.helpers.NOPLogger.NOP_LOGGER, bytes);
            for (int i = 0; i < 3; i++) {
                Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> {
                    throw new IllegalStateException("callback failure");
                }, null).add(Duration.ZERO);
            }
            base.execute(() -> {
                throw new IllegalStateException("task failure");
            });
            base.execute(() -> {
                throw new IllegalStateException("task failure");
            });
            base.dispatch();
        }
        String text = bytes.text();
        assertEquals(1, count(text, "IllegalStateException: callback failure"), text);
        assertEquals(1, count(text, "IllegalStateException: task failure"), text);
        assertTrue(text.contains("no slf4j provider on the class path"), text);
    }

    @Test
    void withAProviderFailuresGoThroughSlf4jEveryTime() {
        CapturingLogger log = new CapturingLogger();
        try (EventBase base = EventBase.create("parking")) {
            base.failures = new FailureLog(log, null);
            for (int i = 0; i < 3; i++) {
                Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> {
                    throw new IllegalStateException("callback failure");
                }, null).add(Duration.ZERO);
            }
            base.dispatch();
        }
        assertEquals(3, log.at(Level.ERROR).size());
    }

    @Test
    void aBackendWhosePollKeepsFailingIsLoggedRarelyAndDoesNotSpin() throws Exception {
        CapturingLogger log = new CapturingLogger();
        FailingBackend backend = new FailingBackend();
        EventBase base = EventBase.create(backend);
        base.failures = new FailureLog(log, null);
        base.blockedThreshold(null);
        AtomicReference<Integer> result = new AtomicReference<>();
        Thread loop = Thread.ofPlatform().start(() -> result.set(base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY)));
        Thread.sleep(1500);
        base.loopBreak();
        loop.join(10_000);
        assertEquals(0, result.get());
        int polls = backend.polls;
        // 1, 2, 4 ... 64 ms, then 100 ms each: about 20 polls in 1.5 s; a spinning loop makes millions
        assertTrue(polls >= 3 && polls < 60, "polls in 1.5 s: " + polls);
        int errors = log.at(Level.ERROR).size();
        assertTrue(errors >= 1 && errors <= 2, "logged at once, then after 1 s: " + log.lines());
        assertTrue(log.at(Level.ERROR).get(0).message().contains("failed to poll"));

        backend.fail = false; // it recovers: one line says so
        base.execute(base::loopBreak);
        base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
        assertTrue(log.at(Level.WARN).stream().anyMatch(l -> l.message().contains("polls again")), log.lines().toString());
        base.close();
    }

    static final class SleepingCallback implements EventCallback {
        private final long millis;

        SleepingCallback(long millis) {
            this.millis = millis;
        }

        @Override
        public void onEvent(Event ev, int what, Object arg) {
            sleep(millis);
        }
    }

    /** A backend with no sources whose poll fails at once (or, once {@code fail} is cleared, parks). */
    static final class FailingBackend implements io.laio.event.spi.Backend {
        volatile boolean fail = true;
        volatile int polls;
        private final ParkingBackend parking = new ParkingBackend();

        @Override
        public String name() {
            return "failing";
        }

        @Override
        public boolean accepts(Object source) {
            return false;
        }

        @Override
        public Object register(Object source, int interest, Object attachment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void modify(Object key, int interest) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cancel(Object key) {
        }

        @Override
        public int poll(long timeoutNanos, io.laio.event.spi.ReadySink sink) throws java.io.IOException {
            polls++;
            if (fail) {
                throw new java.io.IOException("injected poll failure");
            }
            return parking.poll(timeoutNanos, sink);
        }

        @Override
        public void wakeup() {
            parking.wakeup();
        }

        @Override
        public void close() {
            parking.close();
        }
    }

    /** com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes through reflection (the test module does not read jdk.management). */
    private static long allocatedBytes() {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes").invoke(mx);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static void take(java.util.concurrent.SynchronousQueue<String> q) {
        try {
            q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
