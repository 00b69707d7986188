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

/** The server's counters, as {@code stats} reports them. Loop thread only. */
final class KvStats {
    final long startedMillis = System.currentTimeMillis();
    long currConnections;
    long totalConnections;
    long cmdGet;
    long cmdSet;
    long cmdFlush;
    long cmdTouch;
    long getHits;
    long getMisses;
    long deleteHits;
    long deleteMisses;
    long incrHits;
    long incrMisses;
    long decrHits;
    long decrMisses;
    long casHits;
    long casMisses;
    long casBadval;
    long touchHits;
    long touchMisses;
    long storeTooLarge;
    long bytesRead;
    long bytesWritten;

    /** {@code stats reset}: the counters that memcached resets. */
    void reset() {
        totalConnections = 0;
        cmdGet = 0;
        cmdSet = 0;
        cmdFlush = 0;
        cmdTouch = 0;
        getHits = 0;
        getMisses = 0;
        deleteHits = 0;
        deleteMisses = 0;
        incrHits = 0;
        incrMisses = 0;
        decrHits = 0;
        decrMisses = 0;
        casHits = 0;
        casMisses = 0;
        casBadval = 0;
        touchHits = 0;
        touchMisses = 0;
        storeTooLarge = 0;
        bytesRead = 0;
        bytesWritten = 0;
    }
}
