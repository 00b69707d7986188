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

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;
import org.slf4j.helpers.SubstituteLogger;

/**
 * Reports a failure the loop survives (a callback or task that threw, a failed poll) through
 * slf4j, or, when slf4j has no provider on the class path (its logger is then a
 * {@link NOPLogger} that drops everything after slf4j's one-time "no providers" warning),
 * through the JDK's own platform logger ({@link System.Logger}, which without configuration is
 * {@code java.util.logging} writing to stderr) once per kind of failure: where it happened and
 * the exception's class. Without it a failing callback would leave no trace at all. Further
 * failures of a kind already reported are dropped; after {@link #MAX_KINDS} kinds nothing more is.
 */
final class FailureLog {
    static final int MAX_KINDS = 64;

    private final Logger log;
    private final System.Logger fallback;
    private final Set<String> printed = ConcurrentHashMap.newKeySet();

    /** Through {@code log}, else through {@code fallback} ({@code null}: the platform logger {@code io.laio.event}). */
    FailureLog(Logger log, System.Logger fallback) {
        this.log = log;
        this.fallback = fallback != null ? fallback : System.getLogger("io.laio.event");
    }

    /** Whether an slf4j provider is present, so failures go through slf4j. */
    boolean logs() {
        return !(log instanceof NOPLogger || log instanceof SubstituteLogger sub && sub.isDelegateNOP());
    }

    /** An error: {@code where} names the kind of failure ("callback", "task", "poll"). */
    void error(String where, String message, Throwable t) {
        if (logs()) {
            log.error(message, t);
        } else {
            fallback(where, message, t, System.Logger.Level.ERROR);
        }
    }

    /** A warning (no stack trace unless {@code t} is given). */
    void warn(String where, String message, Throwable t) {
        if (logs()) {
            log.warn(message, t);
        } else {
            fallback(where, message, t, System.Logger.Level.WARNING);
        }
    }

    private void fallback(String where, String message, Throwable t, System.Logger.Level level) {
        String kind = where + ":" + (t == null ? "" : t.getClass().getName());
        if (printed.size() >= MAX_KINDS || !printed.add(kind)) {
            return;
        }
        String text = "laio: " + message + System.lineSeparator()
                + "laio: (no slf4j provider on the class path: reported once per kind of failure, "
                + "further '" + where + "' failures" + (t == null ? "" : " of " + t.getClass().getName())
                + " are dropped; add a provider such as slf4j-simple to see them all)";
        // one record (the logger formats the stack trace), so two loops failing at once do not interleave
        if (t != null) {
            fallback.log(level, text, t);
        } else {
            fallback.log(level, text);
        }
    }
}
