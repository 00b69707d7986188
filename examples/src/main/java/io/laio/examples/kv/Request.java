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

package io.laio.examples.kv;

import java.util.ArrayList;
import java.util.List;

/** One parsed command line: what {@link CommandParser} fills and the server executes. */
final class Request {
    enum Kind {
        GET, GETS, SET, ADD, REPLACE, APPEND, PREPEND, CAS, DELETE, INCR, DECR, TOUCH, FLUSH_ALL,
        VERSION, VERBOSITY, STATS, STATS_RESET, QUIT,
        /** The line was refused: {@link #error} is the reply. */
        INVALID
    }

    Kind kind;
    final List<String> keys = new ArrayList<>();
    int flags;
    /** The exptime argument as sent (memcached's rules turn it into a deadline). */
    long exptime;
    /** Bytes of data that follow a storage command (without the trailing CRLF). */
    int length;
    long cas;
    long delta;
    boolean noreply;
    String error;

    String key() {
        return keys.get(0);
    }

    boolean isStorage() {
        return kind == Kind.SET || kind == Kind.ADD || kind == Kind.REPLACE || kind == Kind.APPEND
                || kind == Kind.PREPEND || kind == Kind.CAS;
    }

    void reset() {
        kind = null;
        keys.clear();
        flags = 0;
        exptime = 0;
        length = 0;
        cas = 0;
        delta = 0;
        noreply = false;
        error = null;
    }
}
