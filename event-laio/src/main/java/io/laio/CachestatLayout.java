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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code cachestat(2)}'s argument and answer (Linux 6.5+): {@code struct cachestat_range
 * { __u64 off; __u64 len; }} and {@code struct cachestat { __u64 nr_cache; __u64 nr_dirty;
 * __u64 nr_writeback; __u64 nr_evicted; __u64 nr_recently_evicted; }}.
 */
final class CachestatLayout {
    static final long RANGE_SIZE = 16;
    static final long STAT_SIZE = 40;
    static final long PAGE = 4096;

    private CachestatLayout() {}

    static void range(MemorySegment range, long off, long len) {
        range.set(ValueLayout.JAVA_LONG, 0, off);
        range.set(ValueLayout.JAVA_LONG, 8, len);
    }

    static long cachedPages(MemorySegment stat) {
        return stat.get(ValueLayout.JAVA_LONG, 0);
    }

    /** Pages that {@code [off, off + len)} touches. */
    static long pagesOf(long off, long len) {
        return (off + len + PAGE - 1) / PAGE - off / PAGE;
    }
}
