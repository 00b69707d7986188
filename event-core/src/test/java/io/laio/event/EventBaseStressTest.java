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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The timer heap under load. The cross-thread stress (tasks from two threads, the lost-wake-up
 * ping-pong) is in {@link io.laio.event.contract.BackendContract}, run on every backend.
 */
@Timeout(60)
class EventBaseStressTest {

    @Test
    void hundredThousandTimersWithHalfDeletedFireInDeadlineOrderAndLeaveNothingBehind() {
        try (EventBase base = EventBase.create(new ParkingBackend())) {
            int n = 100_000;
            Random rnd = new Random(42);
            long[] fireOrderKey = new long[n];
            List<Integer> fired = new ArrayList<>();
            Event[] events = new Event[n];
            for (int i = 0; i < n; i++) {
                int id = i;
                long delayMicros = rnd.nextInt(50_000); // up to 50 ms, many equal
                fireOrderKey[i] = delayMicros;
                events[i] = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> fired.add(id), null);
            }
            // Added in one loop pass so every deadline is computed from the same cached time.
            base.execute(() -> {
                for (int i = 0; i < n; i++) {
                    events[i].add(Duration.ofNanos(fireOrderKey[i] * 1000));
                }
                for (int i = 0; i < n; i += 2) {
                    events[i].del();
                }
            });
            assertEquals(1, base.dispatch());
            assertEquals(n / 2, fired.size());
            for (int k = 1; k < fired.size(); k++) {
                int prev = fired.get(k - 1);
                int cur = fired.get(k);
                assertTrue(cur % 2 == 1, "a deleted timer fired: " + cur);
                assertTrue(fireOrderKey[prev] < fireOrderKey[cur]
                        || (fireOrderKey[prev] == fireOrderKey[cur] && prev < cur),
                        "out of order: " + prev + " then " + cur);
            }
            assertEquals(0, base.timerCount());
            assertEquals(0, base.insertedCount());
        }
    }
}
