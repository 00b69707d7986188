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

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioStats;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends log records through LAIO and tells waiters when they are safe to acknowledge.
 *
 * <p>Mutations encode their records into {@link #buffer()} and {@link #seal()} them, getting a
 * log sequence number (LSN). One <em>cycle</em> at a time takes everything sealed so far, writes
 * it with one LAIO {@code write} and, under {@link SyncMode#ALWAYS}, makes it durable with one
 * LAIO {@code fsync}; records sealed while a cycle runs wait for the next one, so one fsync
 * covers every mutation that arrived while the previous fsync ran (group commit). When a cycle
 * ends, {@link #ackedLsn()} moves to its last LSN and every registered {@link Waiter} is told.
 * Under {@link SyncMode#INTERVAL} a timer fsyncs about once a second; under
 * {@link SyncMode#NEVER} never.
 *
 * <p>If the log cannot be written, it is failed: {@link #ackedLsn()} stops for good and waiters
 * are told with {@link Waiter#logFailed()}, so nothing unwritten is ever acknowledged.
 *
 * <p>Loop thread only.
 */
final class GroupCommit {
    /** Someone holding replies until an LSN is acknowledged. */
    interface Waiter {
        /** The acknowledged LSN moved; return whether to stay registered. */
        boolean durable(long ackedLsn);

        void logFailed();
    }

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final Duration RETRY = Duration.ofMillis(1);

    private final EventBase base;
    private final Laio laio;
    private final int fd;
    private final SyncMode mode;
    private final RecordBuffer pending = new RecordBuffer(64 << 10);
    private final Arena arena = Arena.ofAuto();
    private MemorySegment inflight = arena.allocate(64 << 10);
    private int inflightLength;
    private int inflightWritten;
    private final EventCallback onWrite = (ev, what, arg) -> writeCompleted(ev.result(), ev.error());
    private final EventCallback onFsync = (ev, what, arg) -> fsyncCompleted(ev.result(), ev.error());
    private final Event retryWrite;
    private final Event retryFsync;
    private final Event interval;
    private final Runnable startTask = this::startCycle;
    private List<Waiter> waiters = new ArrayList<>();
    private List<Waiter> spare = new ArrayList<>();
    private final List<Runnable> idleTasks = new ArrayList<>();

    private long lastLsn;
    private long writtenLsn;
    private long syncedLsn;
    private long ackedLsn;
    private long cycleLsn;
    private boolean busy;
    private boolean scheduled;
    private boolean failed;
    private long writes;
    private long fsyncs;
    private long bytesWritten;

    GroupCommit(EventBase base, Laio laio, int fd, SyncMode mode) {
        this.base = base;
        this.laio = laio;
        this.fd = fd;
        this.mode = mode;
        this.retryWrite = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> writeMore(), null);
        this.retryFsync = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> fsync(), null);
        this.interval = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, w, a) -> intervalSync(), null);
        if (mode == SyncMode.INTERVAL) {
            interval.add(Duration.ofSeconds(1));
        }
    }

    /** Where the next record is encoded; {@link #seal()} it after. */
    RecordBuffer buffer() {
        return pending;
    }

    /** Ends the record just encoded; returns its LSN (acknowledge it once {@link #ackedLsn()} reaches it). */
    long seal() {
        long lsn = ++lastLsn;
        if (!busy && !scheduled) {
            // start at the end of this loop pass, so pipelined commands share the write
            scheduled = true;
            base.execute(startTask);
        }
        return lsn;
    }

    /** Bytes of sealed records not yet handed to a write. */
    int backlog() {
        return pending.size();
    }

    long ackedLsn() {
        return ackedLsn;
    }

    long lastLsn() {
        return lastLsn;
    }

    boolean failed() {
        return failed;
    }

    /** Completed log writes (one per cycle). */
    long writes() {
        return writes;
    }

    /** Completed fsyncs. */
    long fsyncs() {
        return fsyncs;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    /** The LAIO engine's counters (how many log writes completed inline, how many in the background). */
    LaioStats laioStats() {
        return laio.stats();
    }

    SyncMode mode() {
        return mode;
    }

    void addWaiter(Waiter w) {
        waiters.add(w);
    }

    /** Runs {@code task} once no cycle runs and nothing is waiting to be written (now, if so). */
    void whenIdle(Runnable task) {
        if (!busy && !scheduled && (pending.size() == 0 || failed)) {
            task.run();
        } else {
            idleTasks.add(task);
        }
    }

    void close() {
        interval.del();
        retryWrite.del();
        retryFsync.del();
    }

    // ------------------------------------------------------------------ the cycle

    private void startCycle() {
        scheduled = false;
        if (busy || failed) {
            return;
        }
        int n = pending.size();
        if (n == 0) {
            runIdleTasks();
            return;
        }
        busy = true;
        cycleLsn = lastLsn;
        if (inflight.byteSize() < n) {
            inflight = arena.allocate(Math.max(n, inflight.byteSize() * 2));
        }
        // the buffer stays untouched until the write completes: records sealed meanwhile go to `pending`
        MemorySegment.copy(pending.array(), 0, inflight, ValueLayout.JAVA_BYTE, 0, n);
        pending.clear();
        inflightLength = n;
        inflightWritten = 0;
        writeMore();
    }

    private void writeMore() {
        long r = laio.write(fd, inflight.asSlice(inflightWritten), inflightLength - inflightWritten);
        if (r >= 0) {
            writeCompleted(r, 0);
            return;
        }
        int e = Laio.errno();
        if (e == Errno.EINPROGRESS) {
            Event.set(base, laio.gethandle(), Ev.LAIO, onWrite, null).add();
        } else if (e == Errno.EAGAIN || e == Errno.EINTR) {
            retryWrite.add(RETRY); // LAIO's background is full: nothing started, try again shortly
        } else {
            fail("write", e);
        }
    }

    private void writeCompleted(long r, int error) {
        if (r < 0) {
            if (error == Errno.EINTR || error == Errno.EAGAIN) {
                retryWrite.add(RETRY);
            } else {
                fail("write", error);
            }
            return;
        }
        inflightWritten += (int) r;
        bytesWritten += r;
        if (inflightWritten < inflightLength) {
            writeMore();
            return;
        }
        writes++;
        writtenLsn = cycleLsn;
        if (mode == SyncMode.ALWAYS) {
            fsync();
        } else {
            endCycle(writtenLsn);
        }
    }

    private void fsync() {
        long r = laio.fsync(fd);
        if (r >= 0) {
            fsyncCompleted(r, 0);
            return;
        }
        int e = Laio.errno();
        if (e == Errno.EINPROGRESS) {
            Event.set(base, laio.gethandle(), Ev.LAIO, onFsync, null).add();
        } else if (e == Errno.EAGAIN || e == Errno.EINTR) {
            retryFsync.add(RETRY);
        } else {
            fail("fsync", e);
        }
    }

    private void fsyncCompleted(long r, int error) {
        if (r < 0) {
            if (error == Errno.EINTR) {
                retryFsync.add(RETRY);
            } else {
                fail("fsync", error); // after a failed fsync the page cache state is unknown: stop
            }
            return;
        }
        fsyncs++;
        syncedLsn = writtenLsn;
        endCycle(writtenLsn);
    }

    private void intervalSync() {
        if (!busy && !failed && syncedLsn < writtenLsn) {
            busy = true;
            fsync();
        }
    }

    private void endCycle(long acked) {
        busy = false;
        if (acked > ackedLsn) {
            ackedLsn = acked;
            List<Waiter> now = waiters;
            waiters = spare;
            for (Waiter w : now) {
                if (w.durable(acked)) {
                    waiters.add(w);
                }
            }
            now.clear();
            spare = now;
        }
        // everything sealed while this cycle ran goes in the next one, now
        startCycle();
    }

    private void runIdleTasks() {
        if (idleTasks.isEmpty()) {
            return;
        }
        List<Runnable> tasks = new ArrayList<>(idleTasks);
        idleTasks.clear();
        tasks.forEach(Runnable::run);
    }

    private void fail(String what, int errno) {
        LOG.error("mutation log {} failed: {}; no further mutation will be acknowledged", what, Errno.name(errno));
        failed = true;
        busy = false;
        List<Waiter> now = waiters;
        waiters = new ArrayList<>();
        for (Waiter w : now) {
            w.logFailed();
        }
        runIdleTasks();
    }
}
