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

package io.laio.buffer;

import java.lang.foreign.Arena;

/**
 * The off-heap segments {@link EvBuffer}s are made of, recycled: a buffer takes a segment when
 * it needs room and gives it back when its bytes are drained, so a buffer in steady use
 * allocates nothing. Segments are of one size ({@link #segmentSize()}); the pool keeps up to
 * {@link #maxRetained()} free ones and lets the garbage collector have the rest (their memory
 * is freed with the segment, through an automatic arena).
 *
 * <p><b>Threading.</b> Not thread-safe: one thread at a time uses a pool and every buffer made
 * from it — normally the loop thread of one event base (a pool per loop). Buffers that
 * exchange segments ({@link EvBuffer#appendBuffer}) must share that thread, since a segment
 * returns to the pool it came from.
 */
public final class SegmentPool {
    /** The default segment size: 16 KiB, the largest read a connection makes in one call. */
    public static final int DEFAULT_SEGMENT_SIZE = 16 * 1024;

    private final int segmentSize;
    private final int maxRetained;
    private final Arena arena = Arena.ofAuto();
    private Chunk[] free;
    private int freeCount;
    private long allocated;

    private SegmentPool(int segmentSize, int maxRetained) {
        if (segmentSize < 8) {
            throw new IllegalArgumentException("segment size " + segmentSize + " < 8");
        }
        if (maxRetained < 0) {
            throw new IllegalArgumentException("maxRetained " + maxRetained + " < 0");
        }
        this.segmentSize = segmentSize;
        this.maxRetained = maxRetained;
        this.free = new Chunk[Math.min(maxRetained, 64)];
    }

    /**
     * A pool of {@value #DEFAULT_SEGMENT_SIZE}-byte segments keeping up to 1,024 free ones
     * (16 MiB).
     *
     * @return a new pool
     */
    public static SegmentPool create() {
        return new SegmentPool(DEFAULT_SEGMENT_SIZE, 1024);
    }

    /**
     * A pool of {@code segmentSize}-byte segments keeping up to {@code maxRetained} free ones.
     *
     * @param segmentSize bytes per segment, at least 8
     * @param maxRetained free segments kept for reuse; more are left to the garbage collector
     * @return a new pool
     * @throws IllegalArgumentException if {@code segmentSize < 8} or {@code maxRetained < 0}
     */
    public static SegmentPool create(int segmentSize, int maxRetained) {
        return new SegmentPool(segmentSize, maxRetained);
    }

    /** Bytes per segment. @return the segment size */
    public int segmentSize() {
        return segmentSize;
    }

    /** The most free segments kept. @return the bound given at creation */
    public int maxRetained() {
        return maxRetained;
    }

    /** Free segments held now, ready for reuse. @return the count */
    public int retained() {
        return freeCount;
    }

    /**
     * Segments allocated since the pool was made: in steady use it stops growing.
     *
     * @return the count of segments ever allocated
     */
    public long allocated() {
        return allocated;
    }

    Chunk take() {
        if (freeCount > 0) {
            Chunk c = free[--freeCount];
            free[freeCount] = null;
            return c;
        }
        allocated++;
        return new Chunk(this, arena.allocate(segmentSize, 64));
    }

    void give(Chunk c) {
        c.off = 0;
        c.end = 0;
        c.next = null;
        if (freeCount == free.length) {
            if (freeCount >= maxRetained) {
                return; // over the bound: the collector frees it
            }
            free = java.util.Arrays.copyOf(free, Math.min(maxRetained, freeCount * 2 + 1));
        }
        free[freeCount++] = c;
    }

    @Override
    public String toString() {
        return "SegmentPool[" + segmentSize + " B, " + freeCount + " free, " + allocated + " allocated]";
    }
}
