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
