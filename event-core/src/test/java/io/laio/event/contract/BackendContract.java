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

package io.laio.event.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link io.laio.event.spi.Backend} must do under an {@link EventBase}, one case
 * each; a backend's test class extends this and says how to make a base on it and, if it
 * watches sources, a readable one. Run by parking (event-core), nio (event-nio) and epoll
 * (event-laio); event-core publishes it in its test-jar.
 *
 * <p>Nothing here passes by accident: work done on other threads goes through
 * {@link CrossThreadFailures} (and every base's uncaught handler reports to it), and a wait for
 * another thread is bounded by a watchdog that fails the test, instead of an assertion on a
 * producer thread that only prints.
 */
@Timeout(60)
public abstract class BackendContract {
    /** How long a wake-up may take before the watchdog calls it lost (generous: a loaded 2-core VM). */
    private static final Duration LOST = Duration.ofSeconds(5);

    /**
     * A source the backend watches, made readable by the test. {@link #makeReadable()} may be
     * called from any thread.
     */
    public interface ReadableSource extends AutoCloseable {
        /** What {@link Event#set} takes: a channel for nio, a descriptor for epoll. */
        Object source();

        /** Writes one byte to the other end. */
        void makeReadable();

        /** Reads whatever is there. */
        void drain();

        @Override
        void close();
    }

    protected EventBase base;
    protected final CrossThreadFailures failures = new CrossThreadFailures();
    private final List<String> log = new ArrayList<>();

    /** A new base on the backend under test. */
    protected abstract EventBase newBase();

    /** A readable source for the backend under test, or {@code null} if it watches none. */
    protected abstract ReadableSource openReadable();

    @BeforeEach
    final void openBase() {
        base = newBase();
        base.setUncaughtHandler(failures.uncaughtHandler());
    }

    @AfterEach
    final void closeBase() {
        Thread.interrupted(); // an interrupt test's leftover must not reach the next test
        base.close();
        failures.assertNone();
    }

    /**
     * Runs {@code base.loop(flags)} with a watchdog: if the loop is still running after
     * {@link #LOST}, the watchdog records a failure naming {@code what} and breaks the loop.
     */
    private int loopWatched(int flags, String what) throws InterruptedException {
        CountDownLatch returned = new CountDownLatch(1);
        Thread watchdog = failures.start("watchdog", () -> {
            if (!returned.await(LOST.toMillis(), TimeUnit.MILLISECONDS)) {
                base.loopBreak();
                throw new AssertionError("the loop still ran after " + LOST + ": " + what);
            }
        });
        try {
            return base.loop(flags);
        } finally {
            returned.countDown();
            boolean interrupted = Thread.interrupted(); // join() would throw on an interrupt test's status
            watchdog.join();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts {@code body} on another thread 50 ms after the loop began running (by then it is
     * asleep, normally; if not, the call must work all the same). Not a plain sleep from the
     * start of the test: on a loaded machine the loop may not have started by then, and a
     * {@code loopBreak()} made before it starts is forgotten, as in libevent.
     */
    private Thread startWhileTheLoopRuns(String name, CrossThreadFailures.Body body) {
        CountDownLatch running = new CountDownLatch(1);
        base.execute(running::countDown); // the loop's first pass runs it
        return failures.start(name, () -> {
            running.await();
            Thread.sleep(50);
            body.run();
        });
    }

    // ------------------------------------------------------------------ timers

    @Test
    public void timersFireInDeadlineOrderAndEqualDeadlinesInTheOrderAdded() {
        long start = System.nanoTime();
        long[] firedAt = new long[1];
        base.execute(() -> { // one pass: equal timeouts give equal deadlines
            for (String[] t : new String[][] {{"c", "30"}, {"a1", "10"}, {"b", "20"}, {"a2", "10"}}) {
                base.once(null, Ev.TIMEOUT, (e, w, a) -> {
                    log.add(t[0]);
                    firedAt[0] = System.nanoTime();
                }, null, Duration.ofMillis(Long.parseLong(t[1])));
            }
        });
        assertEquals(1, base.dispatch());
        assertEquals(List.of("a1", "a2", "b", "c"), log);
        assertTrue(firedAt[0] - start >= Duration.ofMillis(30).toNanos(), "the last timer fired before its timeout");
    }

    @Test
    public void aPersistentTimerKeepsItsPeriodBehindASlowCallbackAndNeverFiresEarly() {
        // each callback takes 15 of the 20 ms period: the fires stay 20 ms apart, where a timer
        // re-armed from the end of its callback would fire every 35 ms. The median gap, so that a
        // stall of the loaded machine (a skipped period) does not count. That the next deadline
        // is the previous one plus the period to the nanosecond (no drift) is
        // EventSemanticsTest's, which can read deadlines.
        long[] at = new long[11];
        int[] n = {0};
        Event tick = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
            at[n[0]++] = System.nanoTime();
            if (n[0] == at.length) {
                e.del();
            } else {
                sleepMillis(15);
            }
        }, null);
        long t0 = System.nanoTime();
        tick.add(Duration.ofMillis(20));
        assertEquals(1, base.dispatch());
        long[] gaps = new long[at.length - 1];
        for (int k = 0; k < at.length; k++) {
            assertTrue(at[k] - t0 >= (k + 1) * 20_000_000L, "fire " + k + " came before its deadline");
            if (k > 0) {
                gaps[k - 1] = (at[k] - at[k - 1]) / 1_000_000;
            }
        }
        java.util.Arrays.sort(gaps);
        long median = gaps[gaps.length / 2];
        assertTrue(median < 28, "a 20 ms period with 15 ms callbacks fired every " + median + " ms (median)");
    }

    // ------------------------------------------------------------------ other threads

    @Test
    public void executeFromAnotherThreadWakesALoopAsleepWithNoTimer() throws Exception {
        Thread producer = failures.start("producer", () -> {
            Thread.sleep(50); // the loop is asleep with no deadline by then
            base.execute(() -> {
                log.add("task");
                base.loopBreak();
            });
        });
        assertEquals(0, loopWatched(Ev.LOOP_NO_EXIT_ON_EMPTY, "execute() did not wake it"));
        producer.join();
        failures.assertNone();
        assertEquals(List.of("task"), log);
    }

    @Test
    public void crossThreadWakeUpsAreNeverLost() throws Exception {
        // A ping-pong: the producer sends the next task only after the last one ran, so every
        // hand-off finds the loop asleep or about to sleep, the window a lost wake-up hides in.
        // A lost one leaves the loop asleep with no deadline: the producer's bounded wait fails
        // the round, and the failure reaches the test thread.
        int rounds = 10_000;
        // not a SynchronousQueue: its offer() drops the value when the task runs before the
        // producer polls, a "lost round" that is no lost wake-up
        LinkedBlockingQueue<Integer> back = new LinkedBlockingQueue<>();
        int[] completed = {0};
        Thread producer = failures.start("ping", () -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    int v = i;
                    base.execute(() -> back.add(v));
                    Integer got = back.poll(LOST.toMillis(), TimeUnit.MILLISECONDS);
                    if (got == null || got != v) {
                        throw new AssertionError("wake-up lost in round " + i + " (got " + got + ")");
                    }
                    completed[0]++;
                }
            } finally {
                base.loopBreak();
            }
        });
        assertEquals(0, base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY));
        producer.join();
        failures.assertNone();
        assertTrue(base.gotBreak());
        assertEquals(rounds, completed[0]);
    }

    @Test
    public void tasksFromTwoThreadsEachRunOnceInPerThreadOrder() throws Exception {
        int perThread = 100_000;
        int[] next = new int[2];
        int[] total = {0};
        CountDownLatch start = new CountDownLatch(1);
        Thread[] producers = new Thread[2];
        for (int t = 0; t < 2; t++) {
            int tid = t;
            producers[t] = failures.start("producer-" + t, () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    int seq = i;
                    base.execute(() -> {
                        assertEquals(seq, next[tid], "tasks of producer " + tid + " ran out of order");
                        next[tid] = seq + 1;
                        if (++total[0] == 2 * perThread) {
                            base.loopBreak();
                        }
                    });
                }
            });
        }
        start.countDown();
        assertEquals(0, loopWatched(Ev.LOOP_NO_EXIT_ON_EMPTY, "not every task ran"));
        for (Thread p : producers) {
            p.join();
        }
        failures.assertNone();
        assertEquals(2 * perThread, total[0]);
        assertEquals(perThread, next[0]);
        assertEquals(perThread, next[1]);
    }

    /** Calls {@code control} from another thread 50 ms into a loop asleep with no timer; the loop must end. */
    private void endALoopAsleepWithNoTimerFromAnotherThread(CrossThreadFailures.Body control, String what) throws Exception {
        Thread other = startWhileTheLoopRuns("controller", () -> {
            control.run();
        });
        assertEquals(0, loopWatched(Ev.LOOP_NO_EXIT_ON_EMPTY, what + " did not wake it"));
        other.join();
        failures.assertNone();
    }

    @Test
    public void loopBreakFromAnotherThreadEndsALoopAsleepWithNoTimer() throws Exception {
        endALoopAsleepWithNoTimerFromAnotherThread(base::loopBreak, "loopBreak()");
        assertTrue(base.gotBreak());
        assertFalse(base.gotExit());
    }

    @Test
    public void loopExitFromAnotherThreadEndsALoopAsleepWithNoTimer() throws Exception {
        endALoopAsleepWithNoTimerFromAnotherThread(() -> base.loopExit(null), "loopExit(null)");
        assertTrue(base.gotExit());
        assertFalse(base.gotBreak());
    }

    @Test
    public void loopExitWithADelayFromAnotherThreadEndsTheLoopOnceTheDelayElapsed() throws Exception {
        long[] called = {0};
        Thread other = startWhileTheLoopRuns("exiter", () -> {
            called[0] = System.nanoTime();
            base.loopExit(Duration.ofMillis(40));
        });
        assertEquals(0, loopWatched(Ev.LOOP_NO_EXIT_ON_EMPTY, "loopExit(40 ms) did not end it"));
        long ended = System.nanoTime();
        other.join();
        failures.assertNone();
        assertTrue(base.gotExit());
        assertTrue(ended - called[0] >= Duration.ofMillis(40).toNanos(), "ended before the delay elapsed");
    }

    // ------------------------------------------------------------------ interrupts

    @Test
    public void interruptingALoopThreadAsleepWithNoTimerEndsTheLoopLikeLoopBreak() throws Exception {
        Thread loopThread = Thread.currentThread();
        Thread other = startWhileTheLoopRuns("interrupter", () -> {
            loopThread.interrupt();
        });
        int r = loopWatched(Ev.LOOP_NO_EXIT_ON_EMPTY, "Thread.interrupt() did not wake it");
        boolean stillInterrupted = Thread.interrupted(); // read (and clear) before join(), which would throw
        other.join();
        failures.assertNone();
        assertEquals(0, r);
        assertTrue(base.gotBreak());
        assertTrue(stillInterrupted, "the interrupt status stays set");
    }

    @Test
    public void anInterruptPendingWhenTheLoopStartsEndsItAtOnce() throws Exception {
        Thread.currentThread().interrupt();
        int r = loopWatched(Ev.LOOP_NO_EXIT_ON_EMPTY, "a pending interrupt did not end it");
        boolean stillInterrupted = Thread.interrupted();
        assertEquals(0, r);
        assertTrue(base.gotBreak());
        assertTrue(stillInterrupted, "the interrupt status stays set");
    }

    // ------------------------------------------------------------------ close

    @Test
    public void closeAfterTheLoopReturnedMakesLaterCallsThrowAndTwiceDoesNothing() {
        base.once(null, Ev.TIMEOUT, (e, w, a) -> log.add("never"), null, Duration.ofSeconds(60));
        base.loop(Ev.LOOP_NONBLOCK);
        base.close();
        assertThrows(IllegalStateException.class, () -> base.dispatch());
        assertThrows(IllegalStateException.class, () -> base.execute(() -> { }));
        assertThrows(IllegalStateException.class, () -> base.loopExit(null));
        assertThrows(IllegalStateException.class, () -> base.loopBreak());
        base.close();
        assertTrue(log.isEmpty(), "a pending event's callback ran after close");
    }

    @Test
    public void closeFromAnotherThreadWhileTheLoopRunsIsRefused() throws Exception {
        Thread other = startWhileTheLoopRuns("closer", () -> {
            IllegalStateException e = assertThrows(IllegalStateException.class, base::close);
            assertTrue(e.getMessage().contains("loopBreak"), e.getMessage());
            base.loopBreak();
        });
        assertEquals(0, loopWatched(Ev.LOOP_NO_EXIT_ON_EMPTY, "the closer's loopBreak() did not wake it"));
        other.join();
        failures.assertNone();
    }

    @Test
    public void loopExitAndLoopBreakRacingCloseEitherWorkOrSayTheBaseIsClosed() throws Exception {
        // a control call that passed the base's closed check while close() ran reaches the
        // backend's wakeup() after (or during) its close(): it must neither fail nor write to
        // what close released
        for (int round = 0; round < 50; round++) {
            EventBase racing = newBase();
            CountDownLatch started = new CountDownLatch(2);
            Thread[] callers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                boolean exit = t == 0;
                callers[t] = failures.start("racer-" + t, () -> {
                    started.countDown();
                    try {
                        while (true) {
                            if (exit) {
                                racing.loopExit(null);
                            } else {
                                racing.loopBreak();
                            }
                        }
                    } catch (IllegalStateException e) {
                        assertTrue(e.getMessage().contains("closed"), "not the closed base's refusal: " + e);
                    }
                });
            }
            started.await();
            racing.close();
            for (Thread c : callers) {
                c.join();
            }
        }
        failures.assertNone();
    }

    // ------------------------------------------------------------------ readiness

    private ReadableSource readableOrSkip() {
        ReadableSource r = openReadable();
        assumeTrue(r != null, () -> base.backendName() + " watches no sources");
        return r;
    }

    @Test
    public void aOneShotReadFiresOnceWhenItsSourceBecomesReadable() throws Exception {
        try (ReadableSource r = readableOrSkip()) {
            Event ev = Event.set(base, r.source(), Ev.READ, (e, w, a) -> log.add(Ev.toString(w)), null);
            ev.add();
            assertTrue(ev.pending(Ev.READ));
            r.makeReadable();
            assertEquals(1, base.dispatch(), "one-shot: nothing pending after its callback");
            assertEquals(List.of("READ"), log);
            assertFalse(ev.pending(Ev.READ));
        }
    }

    @Test
    public void aPersistentReadIsLevelTriggeredWhileTheByteStaysUnread() throws Exception {
        try (ReadableSource r = readableOrSkip()) {
            int[] fired = {0};
            Event ev = Event.set(base, r.source(), Ev.READ | Ev.PERSIST, (e, w, a) -> fired[0]++, null);
            ev.add();
            r.makeReadable();
            base.loop(Ev.LOOP_ONCE); // the first report may take a wait
            for (int i = 0; i < 4; i++) {
                base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            }
            assertEquals(5, fired[0], "the unread byte reports on every pass");
            r.drain();
            base.loop(Ev.LOOP_NONBLOCK);
            assertEquals(5, fired[0], "drained: quiet");
            ev.del();
        }
    }

    @Test
    public void aReadEventDeletedBeforeTheLoopNeverFires() throws Exception {
        try (ReadableSource r = readableOrSkip()) {
            Event ev = Event.set(base, r.source(), Ev.READ, (e, w, a) -> log.add("fired"), null);
            ev.add();
            r.makeReadable();
            ev.del();
            base.once(null, Ev.TIMEOUT, (e, w, a) -> log.add("timer"), null, Duration.ofMillis(30));
            assertEquals(1, base.dispatch());
            assertEquals(List.of("timer"), log);
        }
    }

    @Test
    public void readinessCausedByAnotherThreadWakesALoopAsleepWithNoTimer() throws Exception {
        try (ReadableSource r = readableOrSkip()) {
            Event.set(base, r.source(), Ev.READ, (e, w, a) -> log.add("read"), null).add();
            Thread writer = failures.start("writer", () -> {
                Thread.sleep(50);
                r.makeReadable();
            });
            assertEquals(1, loopWatched(0, "the source's readiness did not wake it"));
            writer.join();
            failures.assertNone();
            assertEquals(List.of("read"), log);
        }
    }

    @Test
    public void aOneShotReadReAddedFromItsOwnCallbackKeepsFiring() throws Exception {
        try (ReadableSource r = readableOrSkip()) {
            int[] fired = {0};
            Event[] ev = new Event[1];
            ev[0] = Event.set(base, r.source(), Ev.READ, (e, w, a) -> {
                r.drain();
                if (++fired[0] < 200) {
                    ev[0].add();
                    ev[0].del();
                    ev[0].add();
                    r.makeReadable();
                }
            }, null);
            ev[0].add();
            r.makeReadable();
            assertEquals(1, loopWatched(0, "a re-added event stopped firing"));
            assertEquals(200, fired[0]);
        }
    }
}
