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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.contract.CrossThreadFailures;
import io.laio.event.spi.Loops;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Event#assign}: one event re-pointed at new sources and callbacks, libevent's event_assign. */
@Timeout(30)
class EventAssignTest {
    private EventBase base;
    private final List<String> log = new ArrayList<>();
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

    private EventCallback logging(String name) {
        return (ev, w, arg) -> log.add(name + ":" + Ev.toString(w) + (arg != null ? ":" + arg : ""));
    }

    @Test
    void aPendingEventIsRefusedAndKeepsWhatItWaitsFor() {
        Event ev = Event.set(base, null, Ev.TIMEOUT, logging("old"), null);
        ev.add(Duration.ofMillis(1));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ev.assign(null, Ev.TIMEOUT, logging("new"), null));
        assertTrue(e.getMessage().contains("pending") && e.getMessage().contains("del()"), e.getMessage());
        assertEquals(1, base.dispatch());
        assertEquals(List.of("old:TIMEOUT"), log, "the refused assign changed nothing");
    }

    @Test
    void anActiveEventIsRefusedUntilItsCallbackRan() {
        Event ev = Event.set(base, null, Ev.TIMEOUT, logging("old"), null);
        ev.active(Ev.TIMEOUT);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ev.assign(null, Ev.TIMEOUT, logging("new"), null));
        assertTrue(e.getMessage().contains("active"), e.getMessage());
        base.loop(Ev.LOOP_NONBLOCK);
        assertEquals(List.of("old:TIMEOUT"), log);
        ev.assign(null, Ev.TIMEOUT, logging("new"), null); // its callback ran: neither pending nor active
        ev.active(Ev.TIMEOUT);
        base.loop(Ev.LOOP_NONBLOCK);
        assertEquals(List.of("old:TIMEOUT", "new:TIMEOUT"), log);
    }

    @Test
    void aPersistentEventStaysPendingInItsCallbackSoItMustBeDeletedFirst() {
        Event ev = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
            assertThrows(IllegalStateException.class, () -> e.assign(null, Ev.TIMEOUT, logging("new"), "x"));
            e.del();
            e.assign(null, Ev.TIMEOUT, logging("new"), "x");
            e.add(Duration.ofMillis(1));
            log.add("persistent");
        }, null);
        ev.add(Duration.ofMillis(1));
        assertEquals(1, base.dispatch());
        assertEquals(List.of("persistent", "new:TIMEOUT:x"), log);
    }

    @Test
    void aNonPersistentEventReassignedInItsOwnCallbackWaitsOnItsNewSourceOnly() {
        LoopSourceTest.Completions first = new LoopSourceTest.Completions();
        LoopSourceTest.Completions second = new LoopSourceTest.Completions();
        first.waker = Loops.attach(base, first);
        second.waker = Loops.attach(base, second);
        List<Long> results = new ArrayList<>();
        EventCallback onSecond = (e, w, a) -> {
            assertSame(second, e.source());
            assertEquals("b", a);
            results.add(e.result());
        };
        EventCallback onFirst = (e, w, a) -> {
            results.add(e.result());
            e.assign(second, Ev.LAIO, onSecond, "b"); // the keep-alive pattern: the same event, the next wait
            e.add();
        };
        Event ev = Event.set(base, first, Ev.LAIO, onFirst, "a");
        ev.add();
        first.post(1, 0);
        base.loop(Ev.LOOP_ONCE);
        assertEquals(List.of(1L), results);
        assertEquals(List.of("added", "deleted"), first.calls, "the old source heard of the delete before the assign");
        assertNull(first.waiting);
        assertSame(ev, second.waiting, "added on the new source");
        first.post(7, 0); // the old source completes again: nothing waits there any more
        second.post(2, 0);
        base.dispatch();
        assertEquals(List.of(1L, 2L), results);
        assertSame(onSecond, ev.callback);
        assertEquals(Ev.LAIO, ev.events());
    }

    @Test
    void theResultAndErrorOfThePreviousFiringReadZeroAfterAssign() {
        LoopSourceTest.Completions src = new LoopSourceTest.Completions();
        src.waker = Loops.attach(base, src);
        Event ev = Event.set(base, src, Ev.LAIO, logging("laio"), null);
        ev.add();
        src.post(-1, 11);
        base.dispatch();
        assertEquals(-1, ev.result());
        assertEquals(11, ev.error());
        ev.assign(src, Ev.LAIO, logging("laio"), null);
        assertEquals(0, ev.result());
        assertEquals(0, ev.error());
    }

    @Test
    void noTimeoutSurvivesAssignNeitherTheLastOneNorAPersistentInterval() {
        int[] fired = {0};
        Event ev = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
            if (++fired[0] == 2) {
                e.del();
            }
        }, null);
        ev.add(Duration.ofMillis(1));
        base.dispatch();
        assertEquals(2, fired[0]);
        LoopSourceTest.Completions src = new LoopSourceTest.Completions();
        src.waker = Loops.attach(base, src);
        ev.assign(src, Ev.LAIO | Ev.PERSIST, logging("laio"), null);
        ev.add();
        assertTrue(ev.pending(Ev.LAIO));
        assertFalse(ev.pending(Ev.TIMEOUT), "the timer's timeout is not re-armed for the new source");
        ev.del();
        ev.assign(null, Ev.TIMEOUT, logging("timer"), null);
        ev.add(Duration.ofMillis(2)); // a timeout given with the new add works as on a new event
        assertTrue(ev.pending(Ev.TIMEOUT));
        base.dispatch();
        assertEquals(List.of("timer:TIMEOUT"), log);
    }

    @Test
    void theTimeoutOfAnAssignedSourceEventFiresWithTimeout() {
        LoopSourceTest.Completions src = new LoopSourceTest.Completions();
        src.waker = Loops.attach(base, src);
        Event ev = Event.set(base, null, Ev.TIMEOUT, logging("timer"), null);
        ev.assign(src, Ev.LAIO, logging("laio"), null);
        ev.add(Duration.ofMillis(1)); // nothing is posted: it times out
        base.dispatch();
        assertEquals(List.of("laio:TIMEOUT"), log);
        assertNull(src.waiting, "a non-persistent event that timed out left its source");
    }

    @Test
    void thePriorityGoesBackToTheBaseDefaultAsLibeventDoes() {
        base.priorityInit(3);
        Event urgent = Event.set(base, null, Ev.TIMEOUT, logging("ev"), null);
        urgent.priority(0);
        Event other = Event.set(base, null, Ev.TIMEOUT, logging("other"), null); // default: 1
        other.active(Ev.TIMEOUT);
        urgent.active(Ev.TIMEOUT);
        base.loop(Ev.LOOP_NONBLOCK);
        base.loop(Ev.LOOP_NONBLOCK);
        assertEquals(List.of("ev:TIMEOUT", "other:TIMEOUT"), log, "priority 0 first");

        log.clear();
        urgent.assign(null, Ev.TIMEOUT, logging("ev"), null);
        other.active(Ev.TIMEOUT);
        urgent.active(Ev.TIMEOUT);
        base.loop(Ev.LOOP_NONBLOCK);
        assertEquals(List.of("other:TIMEOUT", "ev:TIMEOUT"), log, "both at the default now: activation order");

        log.clear();
        urgent.assign(null, Ev.TIMEOUT, logging("ev"), null);
        urgent.priority(0); // set again after assign, as with libevent
        other.active(Ev.TIMEOUT);
        urgent.active(Ev.TIMEOUT);
        base.loop(Ev.LOOP_NONBLOCK);
        base.loop(Ev.LOOP_NONBLOCK);
        assertEquals(List.of("ev:TIMEOUT", "other:TIMEOUT"), log);
    }

    @Test
    void flagsThatDoNotFitTheNewSourceAreRefusedAndTheEventIsUnchanged() {
        Event ev = Event.set(base, null, Ev.TIMEOUT, logging("timer"), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ev.assign("HUP", Ev.READ, logging("signal"), null));
        assertTrue(e.getMessage().contains("SIGNAL"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ev.assign(new Object(), Ev.READ, logging("x"), null));
        assertThrows(NullPointerException.class, () -> ev.assign(null, Ev.TIMEOUT, null, null));
        assertNull(ev.source());
        assertEquals(Ev.TIMEOUT, ev.events());
        ev.add(Duration.ofMillis(1));
        base.dispatch();
        assertEquals(List.of("timer:TIMEOUT"), log);
    }

    @Test
    void aClosedBaseRefusesAssign() {
        Event ev = Event.set(base, null, Ev.TIMEOUT, logging("timer"), null);
        base.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ev.assign(null, Ev.TIMEOUT, logging("timer"), null));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertSame(base, ev.base());
    }
}
