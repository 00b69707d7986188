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
import static org.junit.jupiter.api.Assertions.assertNull;

import io.laio.LaioConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** {@code --helper-spin}, {@code --loop-spin}, {@code --spin-before-sleep}: read, and given to every loop. */
@Timeout(60)
class ThttpdSpinOptionsTest {

    private static ThttpdCommand parse(String... args) {
        ThttpdCommand c = new ThttpdCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void leftOutTheyKeepTheLibraryDefaults() {
        ThttpdCommand c = parse();
        assertNull(c.spins.helperSpin());
        assertNull(c.spins.loopSpin());
        assertNull(c.spins.spinBeforeSleep());
        LaioConfig defaults = LaioConfig.builder().build();
        LaioConfig cfg = ServeMode.LAIO_LAIO.laioConfig(8, 64, null, null);
        assertEquals(defaults.helperSpin(), cfg.helperSpin());
        assertEquals(defaults.loopSpin(), cfg.loopSpin());
    }

    @Test
    void givenTheyReachEveryLoopsLaioAndLoop() throws Exception {
        ThttpdCommand c = parse("--helper-spin", "0", "--loop-spin", "7us", "--spin-before-sleep", "1ms");
        assertEquals(Duration.ZERO, c.spins.helperSpin());
        assertEquals(Duration.ofNanos(7_000), c.spins.loopSpin());
        assertEquals(Duration.ofMillis(1), c.spins.spinBeforeSleep());
        ThttpdServer.Options o = ThttpdServer.Options.of(ServeMode.LAIO_LAIO)
                .withSpins(c.spins.helperSpin(), c.spins.loopSpin(), c.spins.spinBeforeSleep());
        ThttpdGroup group = new ThttpdGroup(o, 2, true, null);
        try {
            for (int i = 0; i < 2; i++) {
                ThttpdServer s = group.server(i);
                assertEquals(Duration.ZERO, s.laioConfig().helperSpin(), "loop " + i);
                assertEquals(Duration.ofNanos(7_000), s.laioConfig().loopSpin(), "loop " + i);
                assertEquals(Duration.ofMillis(1), s.base().spinBeforeSleep(), "loop " + i);
            }
        } finally {
            group.stop();
            group.run(); // returns once every loop has ended
        }
    }
}
