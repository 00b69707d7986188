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

/**
 * Backs off a backend whose poll keeps failing, so it neither floods the log nor spins a core.
 * A failure is logged at once; while failures go on, the next log comes after an interval
 * that doubles from {@link #FIRST_LOG_INTERVAL_NANOS} to {@link #MAX_LOG_INTERVAL_NANOS} and
 * says how many failed since. After each failure the loop sleeps, 1 ms doubling to
 * {@link #MAX_SLEEP_NANOS}. A successful poll resets all of it. Loop thread only.
 */
final class PollFailures {
    static final long FIRST_LOG_INTERVAL_NANOS = 1_000_000_000L;
    static final long MAX_LOG_INTERVAL_NANOS = 60_000_000_000L;
    static final long FIRST_SLEEP_NANOS = 1_000_000L;
    static final long MAX_SLEEP_NANOS = 100_000_000L;

    private long failures;      // in a row
    private long unlogged;      // failures since the last log line
    private long nextLogAt;
    private long logInterval;
    private long sleep;

    /** A poll failed at {@code now}; returns whether to log it now (then {@link #unlogged()} says how many it stands for). */
    boolean failed(long now) {
        failures++;
        unlogged++;
        if (failures == 1) {
            logInterval = FIRST_LOG_INTERVAL_NANOS;
            nextLogAt = now + logInterval;
            sleep = FIRST_SLEEP_NANOS;
            return true;
        }
        sleep = Math.min(MAX_SLEEP_NANOS, sleep * 2);
        if (now - nextLogAt >= 0) {
            logInterval = Math.min(MAX_LOG_INTERVAL_NANOS, logInterval * 2);
            nextLogAt = now + logInterval;
            return true;
        }
        return false;
    }

    /** Failures the line about to be logged stands for; resets the count. */
    long unlogged() {
        long n = unlogged;
        unlogged = 0;
        return n;
    }

    /** Failures in a row, the current one included. */
    long inARow() {
        return failures;
    }

    /** How long the loop sleeps after the current failure. */
    long sleepNanos() {
        return sleep;
    }

    /** A poll succeeded; returns how many failed in a row before it (0: none). */
    long succeeded() {
        long n = failures;
        if (n != 0) {
            failures = 0;
            unlogged = 0;
        }
        return n;
    }
}
