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

package io.laio.internal.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The kept numbers' table: any number a descriptor can have, with memory for the chunks of numbers kept. */
class KeptNumbersTest {
    @Test
    void numbersAboveSixtyFiveThousandAreKeptAndTheTableGrowsToTheHighestOnly() {
        KeptNumbers kept = new KeptNumbers();
        assertEquals(0, kept.bound(), "a base that keeps nothing has no table");
        assertTrue(kept.add(3));
        assertEquals(KeptNumbers.CHUNK, kept.bound());
        assertTrue(kept.add(70_000), "a number above 65,536 is kept");
        assertTrue(kept.add(1_000_000));
        assertTrue(kept.contains(3), "growing the table kept what it held");
        assertTrue(kept.contains(70_000));
        assertTrue(kept.contains(1_000_000));
        assertFalse(kept.contains(1_000_001));
        assertFalse(kept.contains(200_000), "a chunk between, never made");
        assertTrue(kept.bound() > 1_000_000 && kept.bound() <= 2L * 1_000_000 + KeptNumbers.CHUNK, "bound " + kept.bound());
        assertTrue(kept.remove(70_000));
        assertFalse(kept.contains(70_000));
        assertFalse(kept.remove(70_000));
        assertFalse(kept.remove(500_000_000), "far beyond the table: not kept");
        assertFalse(kept.add(-1));
        assertFalse(kept.contains(-1));
    }
}
