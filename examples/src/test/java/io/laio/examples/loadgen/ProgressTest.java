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

package io.laio.examples.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Progress where stderr is not a terminal: a plain line every few seconds, no bar frames. */
class ProgressTest {
    @Test
    void notATerminalGetsPlainPeriodicLines() {
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong(1_000_000_000L);
        try (Progress p = Progress.lines("run x4", 1000, new PrintWriter(out), Duration.ofSeconds(5), now::get)) {
            assertFalse(p.drawsBar());
            for (int tick = 1; tick <= 60; tick++) { // 12 s of the loop's 200 ms timer
                now.addAndGet(200_000_000L);
                p.update(tick * 10L, tick > 40 ? 3 : 0);
            }
        }
        String log = out.toString();
        List<String> lines = log.lines().toList();
        assertEquals(List.of("run x4: 250/1000 requests (25 %), 50 req/s", "run x4: 500/1000 requests (50 %), 50 req/s, 3 errors"),
                lines, log);
        assertFalse(log.contains("\r") || log.contains("\u001b") || log.contains("?"), log);
    }

    @Test
    void anUnknownTotalIsLeftOut() {
        StringWriter out = new StringWriter();
        AtomicLong now = new AtomicLong();
        Progress p = Progress.lines("warm-up x1", 0, new PrintWriter(out), Duration.ofSeconds(1), now::get);
        now.set(2_000_000_000L);
        p.update(100, 0);
        assertEquals("warm-up x1: 100 requests, 50 req/s", out.toString().strip());
    }

    @Test
    void theChoiceFollowsTheTerminal() {
        StringWriter out = new StringWriter();
        try (Progress p = Progress.of("run x1", 10, false, new PrintWriter(out))) {
            assertFalse(p.drawsBar(), "no terminal: plain lines");
            p.update(5, 0); // less than 5 s in: nothing yet
        }
        assertEquals("", out.toString());
        // the test JVM's stderr is a pipe to the build, not a terminal
        assertFalse(Progress.stderrIsTerminal());
    }

    @Test
    void onlyTerminalDevicesCountAsTerminals() {
        assertTrue(Progress.isTerminal("/dev/pts/3"));
        assertTrue(Progress.isTerminal("/dev/tty1"));
        assertFalse(Progress.isTerminal("pipe:[123456]"), "| tee log");
        assertFalse(Progress.isTerminal("/tmp/run.log"), "> log 2>&1");
        assertFalse(Progress.isTerminal("/dev/null"));
    }
}
