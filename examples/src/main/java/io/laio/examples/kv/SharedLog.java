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

import io.laio.LaioStats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The mutation log's state that every loop shares: the records sealed and not yet written, the
 * log sequence numbers, and the one write-and-fsync cycle at a time. The logic is
 * {@link GroupCommit}'s, one per loop; this holds what they share.
 *
 * <p>{@link #lock} guards the sealed records, the LSN counter and the cycle's start and end, and
 * is held only to encode a record or to swap buffers: never across a system call. The cycle
 * itself (its buffer, its offsets) belongs to the loop that started it until it ends, and the
 * lock hands it from one owner to the next. Records are encoded and numbered under the lock, so
 * LSNs follow the file's order; {@link #ackedLsn} is published (volatile) at each cycle's end
 * and every loop is then told on its own thread.
 */
final class SharedLog {
    final int fd;
    final SyncMode mode;
    final ReentrantLock lock = new ReentrantLock();
    /** The loops' parts, in the order they joined; the first runs the interval timer. */
    final List<GroupCommit> loops = new CopyOnWriteArrayList<>();

    // ---- under lock
    RecordBuffer pending = new RecordBuffer(64 << 10);
    /** The records of the cycle being written (its owner's, between the swap and the copy). */
    RecordBuffer writing = new RecordBuffer(64 << 10);
    boolean busy;
    boolean scheduled;
    final List<Runnable> idleTasks = new ArrayList<>();

    // ---- written under lock (or by the cycle's owner), read anywhere
    volatile long lastLsn;
    volatile long ackedLsn;
    volatile boolean failed;
    /** {@code pending.size()}, for back-pressure checks on other loops. */
    volatile int pendingBytes;
    volatile long writes;
    volatile long fsyncs;
    volatile long bytesWritten;

    // ---- the cycle's owner only
    private final Arena arena = Arena.ofAuto();
    MemorySegment inflight = arena.allocate(64 << 10);
    int inflightLength;
    int inflightWritten;
    long cycleLsn;
    /**
     * Where the next cycle's bytes go in the file: its end when the log was made, then moved on
     * by each write. The log is written with {@code pwrite64} at this
     * offset rather than {@code write}: a {@code write} that would block is routed only after a
     * {@code statx} of its descriptor (socket, pipe or file), a system call per cycle on the loop
     * that a {@code pwrite64} (files only) does not pay. The descriptor keeps {@code O_APPEND},
     * under which Linux appends whatever the offset; the offset is right either way, as only the
     * cycle's owner writes.
     */
    long writeOffset;
    long writtenLsn;
    long syncedLsn;

    /** The log on {@code fd}, its next record written at byte {@code end} (the file's end). */
    SharedLog(int fd, SyncMode mode, long end) {
        this.fd = fd;
        this.mode = mode;
        this.writeOffset = end;
    }

    /** A buffer of at least {@code n} bytes for the cycle's write; the owner's. */
    MemorySegment inflight(int n) {
        if (inflight.byteSize() < n) {
            inflight = arena.allocate(Math.max(n, inflight.byteSize() * 2));
        }
        return inflight;
    }

    /** Under lock, after a record is sealed: whether the caller must schedule a cycle (none runs or is due). */
    boolean claimStart() {
        pendingBytes = pending.size();
        if (busy || scheduled) {
            return false;
        }
        scheduled = true;
        return true;
    }

    /** Every loop's LAIO counters, summed. */
    LaioStats laioStats() {
        List<LaioStats> parts = new ArrayList<>();
        for (GroupCommit g : loops) {
            parts.add(g.ownLaioStats());
        }
        return LaioStats.sum(parts);
    }
}
