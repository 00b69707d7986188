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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pieces behind the loop's metrics and failure reports, on their own. */
class LoopMeterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void bucketsArePowersOfTwoFromOneMicrosecond() {
        assertEquals(0, LoopMeter.bucket(0));
        assertEquals(0, LoopMeter.bucket(1023));
        assertEquals(1, LoopMeter.bucket(1024));
        assertEquals(1, LoopMeter.bucket(2047));
        assertEquals(2, LoopMeter.bucket(2048));
        for (int i = 1; i < LoopStats.BUCKETS; i++) {
            assertEquals(i, LoopMeter.bucket(LoopStats.bucketLowerNanos(i)), "bucket " + i);
            assertEquals(i - 1, LoopMeter.bucket(LoopStats.bucketLowerNanos(i) - 1), "below bucket " + i);
        }
        assertEquals(LoopStats.BUCKETS - 1, LoopMeter.bucket(Long.MAX_VALUE));
    }

    @Test
    void quantilesAreUpperBoundsOfBuckets() {
        long[] h = new long[LoopStats.BUCKETS];
        h[0] = 98;  // under 1 µs
        h[10] = 2;  // 0.5-1 ms
        assertEquals(Duration.ofNanos(1024), LoopStats.quantile(h, 0.5));
        assertEquals(Duration.ofNanos(1L << 20), LoopStats.quantile(h, 0.99));
        assertEquals(Duration.ZERO, LoopStats.quantile(new long[LoopStats.BUCKETS], 0.99));
        assertThrows(IllegalArgumentException.class, () -> LoopStats.quantile(h, 1.5));
    }

    @Test
    void aFailingPollIsLoggedAtOnceThenAtDoublingIntervalsAndSleepsLonger() {
        PollFailures f = new PollFailures();
        long t = 5 * S;
        assertTrue(f.failed(t), "the first failure is logged");
        assertEquals(1, f.unlogged());
        assertEquals(1_000_000L, f.sleepNanos());
        int logged = 0;
        long lastSleep = 0;
        // fail every 10 ms for 10 s: logged after 1 s, 2 s more, 4 s more: 3 more lines
        for (int i = 1; i <= 1000; i++) {
            if (f.failed(t + i * 10_000_000L)) {
                logged++;
                assertTrue(f.unlogged() > 1, "a line stands for the failures since the last one");
            }
            lastSleep = f.sleepNanos();
        }
        assertEquals(3, logged);
        assertEquals(PollFailures.MAX_SLEEP_NANOS, lastSleep);
        assertEquals(1001, f.succeeded());
        assertEquals(0, f.succeeded(), "reset");
        assertTrue(f.failed(t + 20 * S), "a new run of failures is logged at once");
        assertEquals(1_000_000L, f.sleepNanos());
    }

    @Test
    void withoutAProviderEachKindIsPrintedOnce() {
        RecordingPlatformLogger bytes = new RecordingPlatformLogger();
        FailureLog log = new FailureLog(org.slf4j.helpers.NOPLogger.NOP_LOGGER, bytes);
        assertFalse(log.logs());
        log.error("poll", "poll failed", new java.io.IOException("a"));
        log.error("poll", "poll failed", new java.io.IOException("b"));
        log.error("poll", "poll failed", new java.io.UncheckedIOException(new java.io.IOException("c")));
        log.error("callback", "callback threw", new java.io.IOException("d"));
        String text = bytes.text();
        assertTrue(text.contains("IOException: a") && !text.contains("IOException: b"), text);
        assertTrue(text.contains("UncheckedIOException"), text);
        assertTrue(text.contains("IOException: d"), text);
        for (int i = 0; i < 2 * FailureLog.MAX_KINDS; i++) {
            log.warn("k" + i, "m", null);
        }
        assertEquals(FailureLog.MAX_KINDS, bytes.text().lines().filter(l -> l.startsWith("laio: m")).count()
                + 3, "bounded: " + FailureLog.MAX_KINDS + " kinds in all");
    }
}
