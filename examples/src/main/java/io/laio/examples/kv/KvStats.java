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

/** One loop's counters, as {@code stats} reports them (summed over the loops). Written on its loop only; other loops read them racily for {@code stats}. */
final class KvStats {
    final long startedMillis;

    KvStats() {
        this(System.currentTimeMillis());
    }

    private KvStats(long startedMillis) {
        this.startedMillis = startedMillis;
    }

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

    /** A new set holding the sum of {@code parts} (started: the earliest). */
    static KvStats total(java.util.List<KvStats> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        KvStats t = new KvStats(parts.stream().mapToLong(p -> p.startedMillis).min().orElse(System.currentTimeMillis()));
        for (KvStats p : parts) {
            t.currConnections += p.currConnections;
            t.totalConnections += p.totalConnections;
            t.cmdGet += p.cmdGet;
            t.cmdSet += p.cmdSet;
            t.cmdFlush += p.cmdFlush;
            t.cmdTouch += p.cmdTouch;
            t.getHits += p.getHits;
            t.getMisses += p.getMisses;
            t.deleteHits += p.deleteHits;
            t.deleteMisses += p.deleteMisses;
            t.incrHits += p.incrHits;
            t.incrMisses += p.incrMisses;
            t.decrHits += p.decrHits;
            t.decrMisses += p.decrMisses;
            t.casHits += p.casHits;
            t.casMisses += p.casMisses;
            t.casBadval += p.casBadval;
            t.touchHits += p.touchHits;
            t.touchMisses += p.touchMisses;
            t.storeTooLarge += p.storeTooLarge;
            t.bytesRead += p.bytesRead;
            t.bytesWritten += p.bytesWritten;
        }
        return t;
    }

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
