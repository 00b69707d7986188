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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.contract.CrossThreadFailures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The libevent 2.x semantics of docs/design/loop.md, one test each. */
@Timeout(30)
class EventSemanticsTest {
    private EventBase base;
    private final List<String> log = new ArrayList<>();
    /** An assertion in a callback would only be logged by the loop: it reports here instead. */
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @BeforeEach
    void setUp() {
        base = EventBase.create(new ParkingBackend());
        base.setUncaughtHandler(failures.uncaughtHandler());
    }

    @AfterEach
    void tearDown() {
        base.close();
        failures.assertNone();
    }

    private Event timer(String name, int what) {
        return Event.set(base, null, what, (ev, w, arg) -> log.add(name + ":" + Ev.toString(w)), null);
    }

    @Test
    void nonPersistentEventIsDeletedBeforeItsCallbackRuns() {
        boolean[] pendingInside = {true};
        Event ev = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> pendingInside[0] = e.pending(Ev.TIMEOUT), null);
        ev.add(Duration.ofMillis(1));
        assertEquals(1, base.dispatch());
        assertFalse(pendingInside[0]);
        assertEquals(0, base.insertedCount());
    }

    @Test
    void persistentTimerStaysPendingAndFiresUntilDeleted() {
        int[] n = {0};
        Event ev = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
            assertTrue(e.pending(Ev.TIMEOUT), "a persistent event with a timeout is re-armed before its callback");
            if (++n[0] == 3) {
                e.del();
            }
        }, null);
        ev.add(Duration.ofMillis(2));
        assertEquals(1, base.dispatch());
        assertEquals(3, n[0]);
    }

    @Test
    void addWithTimeoutOnPendingEventReplacesItsTimeout() {
        Event slow = timer("slow", Ev.TIMEOUT);
        Event fast = timer("fast", Ev.TIMEOUT);
        slow.add(Duration.ofMillis(5));
        fast.add(Duration.ofMillis(50));
        slow.add(Duration.ofMillis(200)); // replaces 5 ms
        base.dispatch();
        assertEquals(List.of("fast:TIMEOUT", "slow:TIMEOUT"), log);
    }

    @Test
    void addWithoutTimeoutLeavesTheTimeoutOfAPendingEvent() {
        Event ev = timer("t", Ev.TIMEOUT);
        ev.add(Duration.ofMillis(5));
        ev.add();
        assertTrue(ev.pending(Ev.TIMEOUT));
        base.dispatch();
        assertEquals(List.of("t:TIMEOUT"), log);
    }

    @Test
    void delThenAddClearsTheTimeout() {
        Event ev = timer("t", Ev.TIMEOUT);
        ev.add(Duration.ofMillis(5));
        ev.del();
        ev.add();
        assertFalse(ev.pending(Ev.TIMEOUT));
        assertEquals(0, base.loop(Ev.LOOP_NONBLOCK));
        assertTrue(log.isEmpty());
        ev.del();
    }

    @Test
    void delFromAnotherCallbackPreventsItsCallbackInTheSamePass() {
        Event second = timer("second", Ev.TIMEOUT);
        Event first = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
            log.add("first");
            second.del();
        }, null);
        first.active(Ev.TIMEOUT);
        second.active(Ev.TIMEOUT);
        base.dispatch();
        assertEquals(List.of("first"), log);
    }

    @Test
    void reAddInsideItsOwnCallbackKeepsTheEventGoing() {
        int[] n = {0};
        Event ev = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
            if (++n[0] < 4) {
                e.add(Duration.ofMillis(1));
            }
        }, null);
        ev.add(Duration.ofMillis(1));
        base.dispatch();
        assertEquals(4, n[0]);
    }

    @Test
    void lowerPriorityNumberRunsFirstAndFifoWithinAPriority() {
        base.priorityInit(3);
        Event a = timer("a", Ev.TIMEOUT);
        Event b = timer("b", Ev.TIMEOUT);
        Event c = timer("c", Ev.TIMEOUT);
        Event d = timer("d", Ev.TIMEOUT);
        a.priority(2);
        b.priority(1);
        c.priority(0);
        d.priority(1);
        a.active(Ev.TIMEOUT);
        b.active(Ev.TIMEOUT);
        c.active(Ev.TIMEOUT);
        d.active(Ev.TIMEOUT);
        base.dispatch();
        assertEquals(List.of("c:TIMEOUT", "b:TIMEOUT", "d:TIMEOUT", "a:TIMEOUT"), log);
    }

    @Test
    void newEventsGetTheMiddlePriority() {
        base.priorityInit(5);
        Event ev = timer("x", Ev.TIMEOUT);
        assertEquals(2, ev.priority);
        assertThrows(IllegalArgumentException.class, () -> ev.priority(5));
    }

    @Test
    void priorityInitAfterAnAddIsRefused() {
        timer("x", Ev.TIMEOUT).add(Duration.ofSeconds(10));
        assertThrows(IllegalStateException.class, () -> base.priorityInit(3));
    }

    @Test
    void onePassRunsOnlyTheMostUrgentNonEmptyPriority() {
        base.priorityInit(2);
        int[] urgentRuns = {0};
        Event low = timer("low", Ev.TIMEOUT);
        low.priority(1);
        Event urgent = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
            log.add("urgent");
            if (++urgentRuns[0] < 3) {
                e.active(Ev.TIMEOUT); // busy: keeps the low priority starved
            }
        }, null);
        urgent.priority(0);
        low.active(Ev.TIMEOUT);
        urgent.active(Ev.TIMEOUT);
        base.dispatch();
        assertEquals(List.of("urgent", "urgent", "urgent", "low:TIMEOUT"), log);
    }

    @Test
    void timersWithEqualDeadlinesFireInTheOrderTheyWereAdded() {
        base.execute(() -> {
            // added in one pass: deadlines computed from the same cached time, so equal
            for (int i = 0; i < 20; i++) {
                timer("t" + i, Ev.TIMEOUT).add(Duration.ofMillis(5));
            }
        });
        Event keepAlive = timer("k", Ev.TIMEOUT);
        keepAlive.add(Duration.ofMillis(100));
        base.dispatch();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            expected.add("t" + i + ":TIMEOUT");
        }
        expected.add("k:TIMEOUT");
        assertEquals(expected, log);
    }

    @Test
    void activeTwiceBeforeTheCallbackOrsTheFlagsIntoOneCallback() {
        Event ev = timer("x", Ev.TIMEOUT);
        ev.active(Ev.READ);
        ev.active(Ev.WRITE);
        base.dispatch();
        assertEquals(List.of("x:READ|WRITE"), log);
    }

    @Test
    void activationAndExpiredTimeoutBeforeTheCallbackGiveOneCallbackWithBothFlags() {
        Event ev = timer("x", Ev.TIMEOUT);
        ev.add(Duration.ZERO);
        ev.active(Ev.READ);
        base.dispatch();
        assertEquals(List.of("x:TIMEOUT|READ"), log);
    }

    @Test
    void persistentTimerFiredByActiveIsReArmedFromNow() {
        long[] fired = new long[2];
        int[] n = {0};
        Event ev = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
            fired[n[0]++] = base.now();
            if (n[0] == 2) {
                e.del();
            }
        }, null);
        ev.add(Duration.ofSeconds(30));
        ev.active(Ev.TIMEOUT); // fired "by hand": next deadline is now + 30 s, not the old one + 30 s
        base.loop(Ev.LOOP_ONCE);
        assertEquals(1, n[0]);
        long remaining = ev.deadline - fired[0];
        assertEquals(Duration.ofSeconds(30).toNanos(), remaining);
        ev.del();
    }

    @Test
    void persistentTimerFiredByItsTimeoutIsReArmedAtItsPreviousDeadlinePlusThePeriod() {
        // no drift: the lateness of each wake-up is not added to the next deadline. Exactly the
        // period, except where the loaded machine stalled past a deadline and the period was skipped.
        long period = Duration.ofMillis(10).toNanos(); // a stall longer than this skips a period
        long[] deadlines = new long[16];
        int[] n = {0};
        Event tick = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
            deadlines[n[0]++] = e.deadline; // re-armed before the callback: the next one
            if (n[0] == deadlines.length) {
                e.del();
            }
        }, null);
        tick.add(Duration.ofNanos(period));
        base.dispatch();
        int exact = 0;
        for (int k = 1; k < deadlines.length; k++) {
            long step = deadlines[k] - deadlines[k - 1];
            assertTrue(step >= period, "deadline " + k + " came " + step + " ns after the previous one");
            exact += step == period ? 1 : 0;
        }
        assertTrue(exact > (deadlines.length - 1) / 2, exact + " of " + (deadlines.length - 1) + " steps were exactly the period");
    }

    @Test
    void persistentTimerSkipsMissedPeriodsInsteadOfReplayingThem() throws Exception {
        List<Long> times = new ArrayList<>();
        long interval = Duration.ofMillis(20).toNanos();
        Event ev = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
            times.add(System.nanoTime());
            if (times.size() == 1) {
                sleep(110); // misses about five periods
            }
            if (times.size() == 4) {
                e.del();
            }
        }, null);
        ev.add(Duration.ofNanos(interval));
        base.dispatch();
        for (int i = 2; i < times.size(); i++) {
            assertTrue(times.get(i) - times.get(i - 1) >= interval / 2,
                    "missed periods were replayed back to back: " + times);
        }
    }

    @Test
    void dispatchReturnsOneWhenNoEventsArePending() {
        assertEquals(1, base.dispatch());
    }

    @Test
    void loopCalledFromACallbackOfTheSameBaseIsRefused() {
        int[] rc = {0};
        base.once(null, Ev.TIMEOUT, (e, w, a) -> rc[0] = base.loop(0), null, Duration.ZERO);
        base.dispatch();
        assertEquals(-1, rc[0]);
    }

    @Test
    void loopExitEndsTheLoopAfterTheCallbacksOfItsPass() {
        Event persistent = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> log.add("p"), null);
        persistent.add(Duration.ofSeconds(60));
        Event first = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
            log.add("first");
            base.loopExit(null);
        }, null);
        Event second = timer("second", Ev.TIMEOUT);
        first.active(Ev.TIMEOUT);
        second.active(Ev.TIMEOUT);
        assertEquals(0, base.dispatch());
        assertEquals(List.of("first", "second:TIMEOUT"), log);
        assertTrue(base.gotExit());
        assertFalse(base.gotBreak());
    }

    @Test
    void loopExitWithADelayEndsTheLoopWhenTheDelayElapses() {
        Event persistent = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> log.add("p"), null);
        persistent.add(Duration.ofMillis(5));
        long t0 = System.nanoTime();
        base.loopExit(Duration.ofMillis(60));
        assertEquals(0, base.dispatch());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(base.gotExit());
        assertTrue(ms >= 60, "ended after " + ms + " ms, before the delay");
        // at least once, not "every 5 ms": a loaded machine may stall the loop for the whole delay
        assertTrue(log.size() >= 1, "the persistent timer ran meanwhile: " + log);
    }

    @Test
    void loopBreakEndsTheLoopRightAfterTheCurrentCallback() {
        Event first = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
            log.add("first");
            base.loopBreak();
        }, null);
        Event second = timer("second", Ev.TIMEOUT);
        first.active(Ev.TIMEOUT);
        second.active(Ev.TIMEOUT);
        assertEquals(0, base.dispatch());
        assertEquals(List.of("first"), log);
        assertTrue(base.gotBreak());
        base.dispatch(); // the second one is still active and runs now; flags reset on entry
        assertEquals(List.of("first", "second:TIMEOUT"), log);
        assertFalse(base.gotBreak());
    }

    @Test
    void loopBreakOrLoopExitInTheCallbackThatEndsALoopOnceRunShowsInGotBreakOrGotExit() {
        base.once(null, Ev.TIMEOUT, (e, w, a) -> base.loopBreak(), null, Duration.ZERO);
        assertEquals(0, base.loop(Ev.LOOP_ONCE));
        assertTrue(base.gotBreak(), "the break ended the run: gotBreak() says so (libevent)");
        base.once(null, Ev.TIMEOUT, (e, w, a) -> base.loopExit(null), null, Duration.ZERO);
        assertEquals(0, base.loop(Ev.LOOP_ONCE));
        assertTrue(base.gotExit());
        timer("next", Ev.TIMEOUT).add(Duration.ZERO);
        assertEquals(0, base.loop(Ev.LOOP_ONCE));
        assertFalse(base.gotExit(), "the exit was used up by the run it ended, not kept for the next");
        assertEquals(List.of("next:TIMEOUT"), log);
    }

    @Test
    void loopBreakBeforeTheLoopStartsIsForgotten() {
        base.loopBreak();
        timer("t", Ev.TIMEOUT).add(Duration.ofMillis(1));
        assertEquals(1, base.dispatch());
        assertEquals(List.of("t:TIMEOUT"), log);
        assertFalse(base.gotBreak());
    }

    @Test
    void loopExitBeforeTheLoopStartsIsKept() {
        Event persistent = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> log.add("p"), null);
        persistent.add(Duration.ofSeconds(60));
        base.loopExit(null);
        assertEquals(0, base.dispatch());
        assertTrue(base.gotExit());
    }

    @Test
    void loopOnceRunsTheFirstActiveEventsAndReturns() {
        timer("a", Ev.TIMEOUT).add(Duration.ofMillis(1));
        timer("b", Ev.TIMEOUT).add(Duration.ofSeconds(60));
        assertEquals(0, base.loop(Ev.LOOP_ONCE));
        assertEquals(List.of("a:TIMEOUT"), log);
    }

    @Test
    void loopNonblockRunsWhatIsActiveWithoutWaiting() {
        timer("later", Ev.TIMEOUT).add(Duration.ofSeconds(60));
        Event now = timer("now", Ev.TIMEOUT);
        now.active(Ev.TIMEOUT);
        long t0 = System.nanoTime();
        assertEquals(0, base.loop(Ev.LOOP_NONBLOCK));
        assertEquals(0, base.loop(Ev.LOOP_NONBLOCK));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos());
        assertEquals(List.of("now:TIMEOUT"), log);
    }

    @Test
    void noExitOnEmptyKeepsRunningUntilBreak() throws Exception {
        Thread t = failures.start("producer", () -> {
            sleep(50);
            base.execute(() -> log.add("task"));
            sleep(50);
            base.loopBreak();
        });
        assertEquals(0, base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY));
        t.join();
        assertEquals(List.of("task"), log);
    }

    @Test
    void onceRunsItsCallbackExactlyOnce() {
        base.once(null, Ev.TIMEOUT, (e, w, a) -> log.add("once:" + a), "x", Duration.ofMillis(1));
        base.dispatch();
        assertEquals(List.of("once:x"), log);
        assertThrows(IllegalArgumentException.class,
                () -> base.once(null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> { }, null, Duration.ZERO));
    }

    @Test
    void aThrowingCallbackGoesToTheUncaughtHandlerAndTheLoopGoesOn() {
        List<Throwable> caught = new ArrayList<>();
        base.setUncaughtHandler((ev, t) -> caught.add(t));
        Event bad = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
            throw new IllegalStateException("boom");
        }, null);
        bad.active(Ev.TIMEOUT);
        Event good = timer("good", Ev.TIMEOUT);
        good.active(Ev.TIMEOUT);
        base.execute(() -> {
            throw new ArithmeticException("task boom");
        });
        base.dispatch();
        assertEquals(List.of("good:TIMEOUT"), log);
        assertEquals(2, caught.size());
    }

    @Test
    void aThrowingCallbackWithTheDefaultHandlerIsLoggedAndTheLoopGoesOn() {
        base.setUncaughtHandler(null); // the default: an slf4j error
        Event bad = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
            throw new IllegalStateException("boom (expected in this test)");
        }, null);
        bad.active(Ev.TIMEOUT);
        timer("good", Ev.TIMEOUT).active(Ev.TIMEOUT);
        base.dispatch();
        assertEquals(List.of("good:TIMEOUT"), log);
    }

    @Test
    void loopThreadOnlyMethodsFromAnotherThreadWhileTheLoopRunsThrowNamingTheMethod() throws Exception {
        Event ev = timer("t", Ev.TIMEOUT);
        Throwable[] seen = new Throwable[1];
        Event keep = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> { }, null);
        keep.add(Duration.ofMillis(5));
        Thread other = failures.start("other", () -> {
            sleep(30);
            try {
                ev.add(Duration.ofMillis(1));
            } catch (Throwable t) {
                seen[0] = t;
            }
            base.loopBreak();
        });
        base.dispatch();
        other.join();
        assertTrue(seen[0] instanceof IllegalStateException, String.valueOf(seen[0]));
        assertTrue(seen[0].getMessage().contains("Event.add"), seen[0].getMessage());
    }

    @Test
    void closeDeletesPendingEventsAndLaterUseThrows() {
        Event ev = timer("t", Ev.TIMEOUT);
        ev.add(Duration.ofMillis(1));
        Event act = timer("a", Ev.TIMEOUT);
        act.active(Ev.TIMEOUT);
        base.close();
        assertEquals(0, base.insertedCount());
        assertEquals(0, base.timerCount());
        assertThrows(IllegalStateException.class, ev::add);
        assertThrows(IllegalStateException.class, () -> base.dispatch());
        assertThrows(IllegalStateException.class, () -> base.execute(() -> { }));
        base.close(); // twice: nothing
        assertTrue(log.isEmpty());
    }

    @Test
    void inLoopAndNowReflectTheLoopThread() {
        assertFalse(base.inLoop());
        boolean[] inside = new boolean[1];
        long[] times = new long[2];
        base.once(null, Ev.TIMEOUT, (e, w, a) -> {
            inside[0] = base.inLoop();
            times[0] = base.now();
            sleep(5);
            times[1] = base.now(); // cached: unchanged within the pass
        }, null, Duration.ZERO);
        base.dispatch();
        assertTrue(inside[0]);
        assertEquals(times[0], times[1]);
    }

    @Test
    void channelEventsNeedAChannelBackend() throws Exception {
        try (var pipe = PipeHolder.open()) {
            Event ev = Event.set(base, pipe.source(), Ev.READ, (e, w, a) -> { }, null);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, ev::add);
            assertTrue(e.getMessage().contains("event-nio"), e.getMessage());
            assertFalse(ev.pending(Ev.READ));
        }
    }

    @Test
    void setRefusesFlagsThatDoNotFitTheSource() {
        assertThrows(IllegalArgumentException.class, () -> Event.set(base, null, Ev.READ, (e, w, a) -> { }, null));
        assertThrows(IllegalArgumentException.class, () -> Event.set(base, "HUP", Ev.READ, (e, w, a) -> { }, null));
        assertThrows(IllegalArgumentException.class, () -> Event.set(base, 42, Ev.READ, (e, w, a) -> { }, null));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A java.nio Pipe with try-with-resources. */
    record PipeHolder(java.nio.channels.Pipe pipe) implements AutoCloseable {
        static PipeHolder open() throws java.io.IOException {
            java.nio.channels.Pipe p = java.nio.channels.Pipe.open();
            p.source().configureBlocking(false);
            return new PipeHolder(p);
        }

        java.nio.channels.Pipe.SourceChannel source() {
            return pipe.source();
        }

        @Override
        public void close() throws java.io.IOException {
            pipe.source().close();
            pipe.sink().close();
        }
    }
}
