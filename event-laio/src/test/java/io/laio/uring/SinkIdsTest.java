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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ids of close-failure sinks: a released id comes back only after every other id of the field. */
class SinkIdsTest {
    @Test
    void aReleasedIdComesBackOnlyAfterEveryOtherIdOfTheFieldWasGiven() {
        SinkIds<String> t = new SinkIds<>("sink", 4);
        int a = t.open("a");
        t.release(a);
        assertNull(t.get(a), "a failure for a released id finds nobody");
        Set<Integer> given = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            int id = t.open("x" + i);
            given.add(id);
            assertNotEquals(a, id, "given again after " + i + " openings");
            t.release(id);
        }
        assertEquals(Set.of(1, 2, 3), given, "the other ids in turn");
        assertEquals(a, t.open("again"), "the field wrapped");
        assertSame("again", t.get(a));
    }

    @Test
    void aWrapSkipsIdsStillOpenAndAFullFieldIsRefused() {
        SinkIds<String> t = new SinkIds<>("sink", 3);
        int a = t.open("a");
        int b = t.open("b");
        int c = t.open("c");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.open("d"));
        assertEquals("more than 3 sinks open on one ring", e.getMessage());
        t.release(b);
        assertEquals(b, t.open("d"), "the only one free");
        t.release(a);
        t.release(c);
        assertEquals(c, t.open("e"), "in turn after d's id, though a's was freed first");
    }

    @Test
    void releasingAnIdNotOpenIsRefused() {
        SinkIds<String> t = new SinkIds<>("sink", 100);
        int a = t.open("a");
        t.release(a);
        assertThrows(IllegalStateException.class, () -> t.release(a));
        assertThrows(IllegalStateException.class, () -> t.release(7));
    }
}
