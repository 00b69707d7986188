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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.contract.CrossThreadFailures;
import io.laio.event.spi.EventSource;
import io.laio.event.spi.LoopSource;
import io.laio.event.spi.Loops;
import io.laio.event.spi.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SPI a completion source (the LAIO engine) uses: a drained queue, a waker, deliver(). */
@Timeout(30)
class LoopSourceTest {
    /** Assertions in callbacks and on the posting thread report here, or they would only be logged. */
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureOffTheTestThread() {
        failures.assertNone();
    }

    private EventBase parkingBase() {
        EventBase base = EventBase.create(new ParkingBackend());
        base.setUncaughtHandler(failures.uncaughtHandler());
        return base;
    }

    /** A minimal completion source: results posted from any thread, delivered to added events. */
    static class Completions implements LoopSource, EventSource {
        final ConcurrentLinkedQueue<long[]> posted = new ConcurrentLinkedQueue<>();
        Event waiting;
        long[] early;
        Waker waker;
        final List<String> calls = new ArrayList<>();

        void post(long result, int error) { // any thread
            posted.add(new long[] {result, error});
            waker.wakeup();
        }

        @Override
        public int drain(int max) {
            int n = 0;
            long[] c;
            while (n < max && (c = posted.poll()) != null) {
                n++;
                if (waiting != null) {
                    Loops.deliver(waiting, c[0], (int) c[1]);
                } else {
                    early = c;
                }
            }
            return n;
        }

        @Override
        public boolean isEmpty() {
            return posted.isEmpty();
        }

        @Override
        public void added(Event ev) {
            calls.add("added");
            waiting = ev;
            if (early != null) {
                Loops.deliver(ev, early[0], (int) early[1]);
                early = null;
            }
        }

        @Override
        public void deleted(Event ev) {
            calls.add("deleted");
            waiting = null;
        }
    }

    @Test
    void aCompletionPostedFromAnotherThreadWakesTheLoopAndRunsTheCallbackWithItsResult() throws Exception {
        try (EventBase base = parkingBase()) {
            Completions src = new Completions();
            src.waker = Loops.attach(base, src);
            long[] got = new long[2];
            Event ev = Event.set(base, src, Ev.LAIO, (e, w, a) -> {
                got[0] = e.result();
                got[1] = e.error();
                assertEquals(Ev.LAIO, w);
            }, null);
            ev.add();
            Thread t = failures.start("poster", () -> {
                EventSemanticsTest.sleep(50);
                src.post(4096, 0);
            });
            assertEquals(1, base.dispatch());
            t.join();
            assertEquals(4096, got[0]);
            assertEquals(List.of("added", "deleted"), src.calls);
        }
    }

    @Test
    void aCompletionThatArrivedBeforeAddIsDeliveredAtAdd() {
        try (EventBase base = parkingBase()) {
            Completions src = new Completions();
            src.waker = Loops.attach(base, src);
            src.post(-1, 9);
            base.loop(Ev.LOOP_NONBLOCK); // drains it: nothing waits yet
            assertTrue(src.early != null);
            int[] runs = {0};
            Event ev = Event.set(base, src, Ev.LAIO, (e, w, a) -> {
                runs[0]++;
                assertEquals(-1, e.result());
                assertEquals(9, e.error());
            }, null);
            ev.add();
            base.dispatch();
            assertEquals(1, runs[0]);
        }
    }

    @Test
    void deliverToAnEventThatIsNoLongerPendingDoesNothing() {
        try (EventBase base = parkingBase()) {
            Completions src = new Completions();
            src.waker = Loops.attach(base, src);
            int[] runs = {0};
            Event ev = Event.set(base, src, Ev.LAIO, (e, w, a) -> runs[0]++, null);
            ev.add();
            ev.del();
            Loops.deliver(ev, 1, 0);
            base.loop(Ev.LOOP_NONBLOCK);
            assertEquals(0, runs[0]);
        }
    }

    /**
     * An item that arrives during a source's {@code beforeSleep} (a spin that caught a
     * completion) is drained at once, with no wake-up: the loop asks {@code beforeSleep}, not
     * only {@code isEmpty}, right before it sleeps. Without the hook the loop would sleep the
     * 20 s its only event allows.
     */
    @Test
    void anItemFoundInBeforeSleepIsDrainedWithoutAWakeup() {
        try (EventBase base = parkingBase()) {
            int[] beforeSleep = {0};
            Completions src = new Completions() {
                @Override
                public boolean beforeSleep() {
                    if (beforeSleep[0]++ == 0) {
                        posted.add(new long[] {7, 0}); // came while it spun: no waker called
                        return false;
                    }
                    return isEmpty();
                }
            };
            src.waker = Loops.attach(base, src);
            long[] got = {0};
            Event ev = Event.set(base, src, Ev.LAIO, (e, w, a) -> got[0] = e.result(), null);
            ev.add();
            Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null).add(java.time.Duration.ofSeconds(20));
            long start = System.nanoTime();
            base.loop(Ev.LOOP_ONCE);
            assertEquals(7, got[0]);
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "the loop slept instead of draining");
            assertTrue(beforeSleep[0] >= 1);
        }
    }
}
