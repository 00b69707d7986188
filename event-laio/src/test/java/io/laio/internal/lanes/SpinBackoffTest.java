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

package io.laio.internal.lanes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link SpinBackoff}: a helper or a loop whose spins keep missing spins only now and then. */
class SpinBackoffTest {
    @Test
    void shouldSpinEveryTimeWhileSpinsFindWork() {
        SpinBackoff b = new SpinBackoff();
        for (int i = 0; i < 100; i++) {
            assertTrue(b.shouldSpin(), "turn " + i);
            b.ended(i % SpinBackoff.MISSES_BEFORE_BACKOFF != 0); // a miss now and then, never 8 in a row
        }
    }

    @Test
    void whenSpinsKeepMissingThenOnlyEveryEighthSpinsUntilOneHits() {
        SpinBackoff b = new SpinBackoff();
        for (int i = 0; i < SpinBackoff.MISSES_BEFORE_BACKOFF; i++) {
            assertTrue(b.shouldSpin(), "spin " + i + " before the back-off");
            b.ended(false);
        }
        int spun = 0;
        for (int i = 0; i < 10 * SpinBackoff.BACKOFF_EVERY; i++) {
            if (b.shouldSpin()) {
                spun++;
                b.ended(false);
            }
        }
        assertEquals(10, spun, "one turn in " + SpinBackoff.BACKOFF_EVERY);
        while (!b.shouldSpin()) {
            // up to the next probing spin
        }
        b.ended(true);
        for (int i = 0; i < SpinBackoff.MISSES_BEFORE_BACKOFF; i++) {
            assertTrue(b.shouldSpin(), "a spin that found work resumes spinning every time: turn " + i);
            b.ended(false);
        }
    }
}
