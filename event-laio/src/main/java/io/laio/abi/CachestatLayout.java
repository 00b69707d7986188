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

package io.laio.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code cachestat(2)}'s argument and answer (Linux 6.5+): {@code struct cachestat_range
 * { __u64 off; __u64 len; }} and {@code struct cachestat { __u64 nr_cache; __u64 nr_dirty;
 * __u64 nr_writeback; __u64 nr_evicted; __u64 nr_recently_evicted; }}.
 */
public final class CachestatLayout {
    /** {@code struct cachestat_range}: {@code off}, {@code len} (a zero {@code len}: to the end of the file). */
    public static final StructLayout RANGE = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("off"),
            ValueLayout.JAVA_LONG.withName("len"));
    /** {@code struct cachestat}: page counts of the range. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("nr_cache"),
            ValueLayout.JAVA_LONG.withName("nr_dirty"),
            ValueLayout.JAVA_LONG.withName("nr_writeback"),
            ValueLayout.JAVA_LONG.withName("nr_evicted"),
            ValueLayout.JAVA_LONG.withName("nr_recently_evicted"));
    /** {@code sizeof(struct cachestat_range)}: 16. */
    public static final long RANGE_SIZE = RANGE.byteSize();
    /** {@code sizeof(struct cachestat)}: 40. */
    public static final long STAT_SIZE = LAYOUT.byteSize();
    private static final VarHandle OFF = RANGE.varHandle(MemoryLayout.PathElement.groupElement("off"));
    private static final VarHandle LEN = RANGE.varHandle(MemoryLayout.PathElement.groupElement("len"));
    private static final VarHandle NR_CACHE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("nr_cache"));

    private CachestatLayout() {}

    /** Fills the cachestat_range at the start of {@code range}. */
    public static void range(MemorySegment range, long off, long len) {
        OFF.set(range, 0L, off);
        LEN.set(range, 0L, len);
    }

    /** {@code nr_cache}: pages of the range in the page cache. */
    public static long cachedPages(MemorySegment stat) {
        return (long) NR_CACHE.get(stat, 0L);
    }
}
