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

import io.laio.internal.lanes.SpinGate;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** When helpers and the loop may spin. */
class SpinGateTest {

    private static int runnable(String loadavg) {
        MemorySegment m = Arena.ofAuto().allocateFrom(loadavg);
        return SpinGate.runnable(m, loadavg.length());
    }

    @Test
    void theRunnableCountIsTheFourthFieldOfProcLoadavg() {
        assertEquals(4, runnable("5.69 5.38 4.21 4/98 13049\n"));
        assertEquals(12, runnable("0.00 0.01 0.05 12/1043 77\n"));
        assertEquals(-1, runnable("garbage"));
        assertEquals(-1, runnable("1 2 3 /98 1"));
    }
}
