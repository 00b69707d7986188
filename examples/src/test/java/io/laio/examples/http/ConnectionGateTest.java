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

package io.laio.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hand-off group's shared connection count: the limit, the pause and the one resume. */
@Timeout(60)
class ConnectionGateTest {

    @Test
    void atTheLimitItPausesAndTheFirstCloseResumesOnce() {
        AtomicInteger resumes = new AtomicInteger();
        ConnectionGate g = new ConnectionGate(2, resumes::incrementAndGet);
        assertFalse(g.full());
        g.opened();
        g.opened();
        g.closed(); // not paused: nothing to resume
        assertEquals(0, resumes.get());
        g.opened();
        assertTrue(g.full());
        g.closed();
        g.closed();
        assertEquals(1, resumes.get(), "one resume per pause");
        assertEquals(0, g.open());
        assertFalse(g.full());
    }

    /**
     * A close on another loop lands between the accepting loop's check and its pause: it saw no
     * pause to end, so the accepting loop must see the room itself and go on accepting, or it
     * would stay paused with nothing left to resume it.
     */
    @Test
    void aCloseBetweenTheCheckAndThePauseIsNotLost() {
        AtomicInteger resumes = new AtomicInteger();
        ConnectionGate[] g = new ConnectionGate[1];
        boolean[] once = {true};
        g[0] = new ConnectionGate(1, resumes::incrementAndGet, () -> {
            if (once[0]) {
                once[0] = false;
                g[0].closed();
            }
        });
        g[0].opened();
        boolean full = g[0].full();
        assertTrue(!full || resumes.get() == 1, "paused with no resume to come");
        assertFalse(full, "room again: it accepts on");
        assertEquals(0, resumes.get());
    }

    @Test
    void noLimitOnlyCounts() {
        ConnectionGate g = new ConnectionGate(-1, () -> { throw new AssertionError("no pause, no resume"); });
        for (int i = 0; i < 1000; i++) {
            g.opened();
        }
        assertFalse(g.full());
        assertEquals(1000, g.open());
    }

    /**
     * An accepting thread and two closing ones, the count at the limit over and over: the
     * accepter, once paused, is always resumed (no close lost between its check and its pause),
     * and never holds more than the limit.
     */
    @Test
    void aPauseRacingTheClosesIsNeverLeftWithoutItsResume() throws Exception {
        int limit = 3;
        int rounds = 200_000;
        Semaphore resumed = new Semaphore(0);
        ConnectionGate g = new ConnectionGate(limit, resumed::release);
        BlockingQueue<Integer> served = new ArrayBlockingQueue<>(limit);
        Runnable closer = () -> {
            try {
                while (true) {
                    int c = served.take();
                    if (c < 0) {
                        return;
                    }
                    g.closed();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread a = Thread.ofPlatform().start(closer);
        Thread b = Thread.ofPlatform().start(closer);
        for (int i = 0; i < rounds; i++) {
            while (g.full()) {
                assertTrue(resumed.tryAcquire(10, TimeUnit.SECONDS), "paused at " + g.open() + " open, never resumed");
            }
            g.opened();
            assertTrue(g.open() <= limit, "over the limit: " + g.open());
            served.put(i);
        }
        served.put(-1);
        served.put(-1);
        a.join();
        b.join();
        assertEquals(0, g.open());
    }
}
