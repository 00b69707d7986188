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

import org.junit.jupiter.api.Test;

class EvTest {
    @Test
    void flagsHaveLibeventValues() {
        assertEquals(0x01, Ev.TIMEOUT);
        assertEquals(0x02, Ev.READ);
        assertEquals(0x04, Ev.WRITE);
        assertEquals(0x08, Ev.SIGNAL);
        assertEquals(0x10, Ev.PERSIST);
        assertEquals(0x20, Ev.ET);
        assertEquals(0x80, Ev.CLOSED);
    }

    @Test
    void toStringNamesEachFlagAndUnknownBits() {
        assertEquals("READ|PERSIST", Ev.toString(Ev.READ | Ev.PERSIST));
        assertEquals("TIMEOUT|LAIO|0x4000", Ev.toString(Ev.TIMEOUT | Ev.LAIO | 0x4000));
        assertEquals("0", Ev.toString(0));
    }
}
