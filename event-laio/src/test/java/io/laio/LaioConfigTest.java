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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The configuration's checks and the spins it sets. */
class LaioConfigTest {
    @Test
    void badValuesAreRefusedAtOnceWithTheirName() {
        LaioConfig.Builder b = LaioConfig.builder();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxHelpers(0)).getMessage().contains("maxHelpers"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.maxQueued(-1)).getMessage().contains("maxQueued"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.policy(99_999, Policy.INLINE)).getMessage()
                .contains("99999"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.loopSpin(Duration.ofSeconds(1))).getMessage()
                .contains("loopSpin"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> b.helperSpin(Duration.ofNanos(-1))).getMessage()
                .contains("helperSpin"));
    }

    @Test
    void spinsAreSetPerLaioAndZeroTurnsThemOff() throws Exception {
        LaioConfig c = LaioConfig.builder().policy(Policy.EAGER).helperSpin(Duration.ZERO).loopSpin(Duration.ZERO).build();
        assertEquals(Duration.ZERO, c.loopSpin());
        assertEquals(Duration.ZERO, c.helperSpin());
        assertEquals(Duration.ofNanos(50_000), LaioConfig.defaults().loopSpin());
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base, c)) {
            long[] got = new long[200];
            int[] n = {0};
            for (int i = 0; i < got.length; i++) {
                assertEquals(-1, laio.syscall(Sys.SYS_getpid));
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, w, a) -> got[n[0]++] = ev.result(), null).add();
            }
            base.dispatch();
            assertEquals(got.length, n[0], "with no spinning at all, every hand-off still completes");
            assertEquals(ProcessHandle.current().pid(), got[got.length - 1]);
        }
    }
}
