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

package io.laio.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The ids a ring hands out for batches and close-failure sinks. */
class IdTableTest {
    @Test
    void aReleasedIdIsReusedBeforeANewOneAndNamesNothingMeanwhile() {
        IdTable<String> t = new IdTable<>("thing", 100);
        int a = t.open("a");
        int b = t.open("b");
        assertEquals(0, a);
        assertEquals(1, b);
        t.release(a);
        assertNull(t.get(a), "a completion for a released id finds nobody");
        assertSame("b", t.get(b));
        int c = t.open("c");
        assertEquals(a, c, "the freed id comes back first");
        assertSame("c", t.get(c));
        assertEquals(2, t.bound());
        for (int i = 0; i < 50; i++) {
            t.open("more" + i); // grows past its first arrays
        }
        assertEquals("more49", t.get(51));
        assertNull(t.get(-1));
        assertNull(t.get(52));
    }

    @Test
    void releasingAnIdNotOpenIsRefused() {
        IdTable<String> t = new IdTable<>("thing", 100);
        int a = t.open("a");
        t.release(a);
        assertThrows(IllegalStateException.class, () -> t.release(a));
        assertThrows(IllegalStateException.class, () -> t.release(7));
    }

    @Test
    void idsBeyondTheFieldsWidthAreRefusedNotWrapped() {
        IdTable<String> t = new IdTable<>("thing", 3);
        t.open("a");
        int b = t.open("b");
        t.open("c");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.open("d"));
        assertEquals("more than 3 things open on one ring", e.getMessage());
        t.release(b);
        assertEquals(b, t.open("d"));
    }
}
