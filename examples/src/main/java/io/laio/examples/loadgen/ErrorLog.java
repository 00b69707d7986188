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

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The failed requests of a run: a count per kind and the first {@value #KEPT} messages
 * verbatim. Nothing is dropped from the counts. Threading: the loop thread.
 */
final class ErrorLog {
    static final int KEPT = 20;

    /** What went wrong with a request. */
    enum Kind {
        /** the connection could not be set up */
        CONNECT,
        /** the status was not 200 */
        STATUS,
        /** no Content-Length, or one that is not the file's size */
        LENGTH,
        /** the trace names a file that is not in the document root */
        NOT_IN_ROOT,
        /** the response could not be framed, or the connection closed in the middle of it */
        PROTOCOL,
        /** no byte arrived within the timeout */
        TIMEOUT,
        /** a socket error */
        IO,
        /** the load generator itself failed (a bug): the run was stopped */
        INTERNAL
    }

    private final EnumMap<Kind, Long> counts = new EnumMap<>(Kind.class);
    private final List<String> first = new ArrayList<>();
    private long total;

    void add(Kind kind, String message) {
        counts.merge(kind, 1L, Long::sum);
        total++;
        if (first.size() < KEPT) {
            first.add(kind + ": " + message);
        }
    }

    long total() {
        return total;
    }

    long count(Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    Map<Kind, Long> counts() {
        return new EnumMap<>(counts);
    }

    /** The first messages, in the order they happened. */
    List<String> first() {
        return List.copyOf(first);
    }
}
