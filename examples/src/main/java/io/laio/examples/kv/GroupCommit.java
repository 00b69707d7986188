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
import io.laio.LaioHandle;
import io.laio.LaioStats;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loop's side of the mutation log: appends records, runs write-and-fsync cycles through its
 * loop's LAIO, and tells its loop's waiters when they are safe to acknowledge.
 *
 * <p>Mutations append their records ({@link #appendSet} and friends), getting a log sequence
 * number (LSN). One <em>cycle</em> at a time, over all loops sharing the {@link SharedLog}, takes
 * everything sealed so far, writes it with one LAIO {@code write} and, under
 * {@link SyncMode#ALWAYS}, makes it durable with one LAIO {@code fsync}; records sealed while a
 * cycle runs wait for the next one, so one fsync covers every mutation that arrived, on any loop,
 * while the previous fsync ran (group commit). A cycle runs on the loop that started it (the loop
 * that sealed into an idle log, or the one whose cycle just ended and found more), so no loop
 * waits for another's fsync: its connections register {@link Waiter}s and go on serving. When a
 * cycle ends, {@link #ackedLsn()} moves to its last LSN and each loop's waiters are told on their
 * own loop (a task on each other loop). Under {@link SyncMode#INTERVAL} a timer on the first
 * loop fsyncs about once a second; under {@link SyncMode#NEVER} never.
 *
 * <p>If the log cannot be written, it is failed: {@link #ackedLsn()} stops for good and waiters
 * are told with {@link Waiter#logFailed()}, so nothing unwritten is ever acknowledged.
 *
 * <p>Loop thread only (its own loop's), except what {@link SharedLog} says.
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

    private final SharedLog shared;
    private final EventBase base;
    private final Laio laio;
    private final EventCallback onWrite = (ev, what, arg) -> writeCompleted(ev.result(), ev.error());
    private final EventCallback onFsync = (ev, what, arg) -> fsyncCompleted(ev.result(), ev.error());
    private final Event retryWrite;
    private final Event retryFsync;
    private final Event interval;
    private final Runnable startTask = this::startCycle;
    private final Runnable movedTask = this::logMoved;
    private List<Waiter> waiters = new ArrayList<>();
    private List<Waiter> spare = new ArrayList<>();
    /** The acknowledged LSN this loop's waiters were last told of. */
    private long toldLsn;
    /**
     * Whether this loop has waiters: a cycle's end on another loop wakes this one only then (a
     * wake-up is an {@code eventfd} write and, for a sleeping loop, a context switch). Written
     * on this loop, read by the loop whose cycle ends.
     */
    private volatile boolean hasWaiters;
    /** The handle and event of this loop's last LAIO wait, re-pointed at the next: a wait allocates nothing. */
    private LaioHandle laioHandle;
    private Event laioWait;

    /**
     * A log of its own on one loop (a one-loop server), appending at the current end of
     * {@code fd}; made off the loop (finding the end may run {@code base} until LAIO answers).
     */
    GroupCommit(EventBase base, Laio laio, int fd, SyncMode mode) throws IOException {
        this(new SharedLog(fd, mode, new DiskIo(base, laio).end(fd)), base, laio);
    }

    /** {@code base}'s part of {@code shared}; made on {@code base}'s thread, {@code laio} attached to it. */
    GroupCommit(SharedLog shared, EventBase base, Laio laio) {
        this.shared = shared;
        this.base = base;
        this.laio = laio;
        this.retryWrite = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> writeMore(), null);
        this.retryFsync = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> fsync(), null);
        this.interval = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, w, a) -> intervalSync(), null);
        synchronized (shared.loops) {
            if (shared.loops.isEmpty() && shared.mode == SyncMode.INTERVAL) {
                interval.add(Duration.ofSeconds(1));
            }
            shared.loops.add(this);
        }
    }

    // ------------------------------------------------------------------ appending

    /** Logs {@code it} as stored; returns its LSN. Under the store's lock of its key. */
    long appendSet(Item it) {
        ReentrantLock l = shared.lock;
        long lsn;
        boolean start;
        l.lock();
        try {
            MutationLog.set(shared.pending, it);
            lsn = ++shared.lastLsn;
            start = shared.claimStart();
        } finally {
            l.unlock();
        }
        return started(lsn, start);
    }

    /** {@link #appendDelete(byte[], int, int)} of a Latin-1 key: tests. */
    long appendDelete(String key) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        return appendDelete(k, 0, k.length);
    }

    /** Logs the removal of the key {@code k[off..off+len)}; returns its LSN. Under the store's lock of the key. */
    long appendDelete(byte[] k, int off, int len) {
        ReentrantLock l = shared.lock;
        long lsn;
        boolean start;
        l.lock();
        try {
            MutationLog.delete(shared.pending, k, off, len);
            lsn = ++shared.lastLsn;
            start = shared.claimStart();
        } finally {
            l.unlock();
        }
        return started(lsn, start);
    }

    /** Logs a new expiry of {@code key}; returns its LSN. Under the store's lock of the key. */
    long appendTouch(byte[] key, long expiresAt) {
        ReentrantLock l = shared.lock;
        long lsn;
        boolean start;
        l.lock();
        try {
            MutationLog.touch(shared.pending, key, expiresAt);
            lsn = ++shared.lastLsn;
            start = shared.claimStart();
        } finally {
            l.unlock();
        }
        return started(lsn, start);
    }

    /** Logs a {@code flush_all}; returns its LSN. Under all of the store's locks. */
    long appendFlush(long at, boolean now) {
        ReentrantLock l = shared.lock;
        long lsn;
        boolean start;
        l.lock();
        try {
            MutationLog.flush(shared.pending, at, now);
            lsn = ++shared.lastLsn;
            start = shared.claimStart();
        } finally {
            l.unlock();
        }
        return started(lsn, start);
    }

    private long started(long lsn, boolean start) {
        if (start) {
            // start at the end of this loop pass, so pipelined commands share the write
            base.execute(startTask);
        }
        return lsn;
    }

    /** Bytes of sealed records (of every loop) not yet handed to a write. */
    int backlog() {
        return shared.pendingBytes;
    }

    long ackedLsn() {
        return shared.ackedLsn;
    }

    long lastLsn() {
        return shared.lastLsn;
    }

    boolean failed() {
        return shared.failed;
    }

    /** Completed log writes (one per cycle), over all loops. */
    long writes() {
        return shared.writes;
    }

    /** Completed fsyncs, over all loops. */
    long fsyncs() {
        return shared.fsyncs;
    }

    long bytesWritten() {
        return shared.bytesWritten;
    }

    /** The LAIO counters of every loop's engine, summed (how many log writes completed inline, how many in the background). */
    LaioStats laioStats() {
        return shared.laioStats();
    }

    LaioStats ownLaioStats() {
        return laio.stats();
    }

    SyncMode mode() {
        return shared.mode;
    }

    /** Registers {@code w}, told on this loop when the log moves. */
    void addWaiter(Waiter w) {
        waiters.add(w);
        if (!hasWaiters) {
            hasWaiters = true;
            // A cycle that ended on another loop since w's connection read ackedLsn may have seen
            // no waiters here and not woken this loop; the flag is written before ackedLsn is read
            // again, and that loop writes ackedLsn before reading the flag, so one of the two sees
            // the other. Told by a task (on this loop: no system call), not from inside the caller.
            if (shared.ackedLsn > toldLsn) {
                wake();
            }
        }
        if (shared.failed) {
            wake(); // told by a task, not from inside the caller
        }
    }

    /** Runs {@code task} once no cycle runs and nothing is waiting to be written (now, if so); on the loop that finds it so. */
    void whenIdle(Runnable task) {
        boolean now;
        shared.lock.lock();
        try {
            now = !shared.busy && !shared.scheduled && (shared.pending.size() == 0 || shared.failed);
            if (!now) {
                shared.idleTasks.add(task);
            }
        } finally {
            shared.lock.unlock();
        }
        if (now) {
            task.run();
        }
    }

    /**
     * Stops this loop's interval timer; after its connections have closed. A retry of a cycle in
     * flight stays armed: deleting it would leave the cycle unfinished and the log stuck busy,
     * with the records sealed before never written (its one-shot timer keeps the loop until then).
     */
    void close() {
        interval.del();
    }

    // ------------------------------------------------------------------ the cycle (on its owner's loop)

    private void startCycle() {
        SharedLog s = shared;
        RecordBuffer records;
        s.lock.lock();
        try {
            s.scheduled = false;
            if (s.busy || s.failed) {
                return;
            }
            if (s.pending.size() == 0) {
                runIdleTasks();
                return;
            }
            s.busy = true;
            s.cycleLsn = s.lastLsn;
            // records sealed from now on go to the other buffer; this one is the cycle's until the next start
            records = s.pending;
            s.pending = s.writing;
            s.writing = records;
            s.pendingBytes = 0;
        } finally {
            s.lock.unlock();
        }
        int n = records.size();
        MemorySegment.copy(records.array(), 0, s.inflight(n), ValueLayout.JAVA_BYTE, 0, n);
        records.clear();
        s.inflightLength = n;
        s.inflightWritten = 0;
        writeMore();
    }

    private void writeMore() {
        SharedLog s = shared;
        // the raw address is safe: s.inflight is not replaced while a cycle runs, and holds the bytes until it ends
        long r = laio.syscall(Sys.SYS_pwrite64, s.fd, s.inflight.address() + s.inflightWritten,
                s.inflightLength - s.inflightWritten, s.writeOffset);
        if (r >= 0) {
            writeCompleted(r, 0);
            return;
        }
        int e = Laio.errno();
        if (e == Errno.EINPROGRESS) {
            await(onWrite);
        } else if (e == Errno.EAGAIN || e == Errno.EINTR) {
            retryWrite.add(RETRY); // LAIO's background is full: nothing started, try again shortly
        } else {
            fail("write", e);
        }
    }

    /** Waits for the LAIO call just made, in the background, with {@code cb}; one cycle's call at a time. */
    private void await(EventCallback cb) {
        LaioHandle h = laio.gethandle(laioHandle);
        laioHandle = h;
        if (laioWait == null) {
            laioWait = Event.set(base, h, Ev.LAIO, cb, null);
        } else {
            laioWait.assign(h, Ev.LAIO, cb, null); // inside the last wait's callback, or long after it
        }
        laioWait.add();
    }

    private void writeCompleted(long r, int error) {
        SharedLog s = shared;
        if (r < 0) {
            if (error == Errno.EINTR || error == Errno.EAGAIN) {
                retryWrite.add(RETRY);
            } else {
                fail("write", error);
            }
            return;
        }
        s.inflightWritten += (int) r;
        s.writeOffset += r;
        s.bytesWritten += r;
        if (s.inflightWritten < s.inflightLength) {
            writeMore();
            return;
        }
        s.writes++;
        s.writtenLsn = s.cycleLsn;
        if (s.mode == SyncMode.ALWAYS) {
            fsync();
        } else {
            endCycle(s.writtenLsn);
        }
    }

    private void fsync() {
        long r = laio.fsync(shared.fd);
        if (r >= 0) {
            fsyncCompleted(r, 0);
            return;
        }
        int e = Laio.errno();
        if (e == Errno.EINPROGRESS) {
            await(onFsync);
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
        SharedLog s = shared;
        s.fsyncs++;
        s.syncedLsn = s.writtenLsn;
        endCycle(s.writtenLsn);
    }

    private void intervalSync() {
        SharedLog s = shared;
        s.lock.lock();
        try {
            // writtenLsn and syncedLsn change only inside a cycle, so with none running they are still
            if (s.busy || s.failed || s.syncedLsn >= s.writtenLsn) {
                return;
            }
            s.busy = true;
        } finally {
            s.lock.unlock();
        }
        fsync();
    }

    private void endCycle(long acked) {
        SharedLog s = shared;
        s.lock.lock();
        try {
            s.busy = false;
            if (acked > s.ackedLsn) {
                s.ackedLsn = acked;
            }
        } finally {
            s.lock.unlock();
        }
        tellLoops();
        // everything sealed while this cycle ran goes in the next one, now
        startCycle();
    }

    /**
     * Tells every loop that the log moved: this one now, the others by a task on their own thread;
     * of the others only those with waiters (a failure, all of them), after {@code ackedLsn} or
     * {@code failed} was written (see {@link #addWaiter}).
     */
    private void tellLoops() {
        boolean all = shared.failed;
        for (GroupCommit g : shared.loops) {
            if (g == this) {
                logMoved();
            } else if (all || g.hasWaiters) {
                g.wake();
            }
        }
    }

    /**
     * Any thread: runs {@link #logMoved} on this loop. One task per cycle end, not coalesced
     * here: the base's waker already coalesces the wake-ups, and a task that finds nothing new
     * returns at once, so no racy flag of this class's own is needed.
     */
    private void wake() {
        try {
            base.execute(movedTask);
        } catch (RejectedExecutionException | IllegalStateException ended) {
            // that loop has ended: nobody is waiting there any more
        }
    }

    /** On this loop: tells the waiters what the log acknowledged since they were last told. */
    private void logMoved() {
        SharedLog s = shared;
        if (s.failed) {
            List<Waiter> now = waiters;
            waiters = new ArrayList<>();
            for (Waiter w : now) {
                w.logFailed();
            }
            hasWaiters = !waiters.isEmpty();
            return;
        }
        long acked = s.ackedLsn;
        if (acked <= toldLsn) {
            return;
        }
        toldLsn = acked;
        List<Waiter> now = waiters;
        waiters = spare;
        for (Waiter w : now) {
            if (w.durable(acked)) {
                waiters.add(w);
            }
        }
        now.clear();
        spare = now;
        // cleared only with none left; a cycle ending from here on wakes this loop only for new ones
        hasWaiters = !waiters.isEmpty();
    }

    /** Under the lock. */
    private void runIdleTasks() {
        SharedLog s = shared;
        if (s.idleTasks.isEmpty()) {
            return;
        }
        List<Runnable> tasks = new ArrayList<>(s.idleTasks);
        s.idleTasks.clear();
        // run after the lock is released: a task may append (and lock) again
        base.execute(() -> tasks.forEach(Runnable::run));
    }

    private void fail(String what, int errno) {
        LOG.error("mutation log {} failed: {}; no further mutation will be acknowledged", what, Errno.name(errno));
        SharedLog s = shared;
        s.lock.lock();
        try {
            s.failed = true;
            s.busy = false;
            runIdleTasks();
        } finally {
            s.lock.unlock();
        }
        tellLoops();
    }
}
