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

package io.laio.uring;

import io.laio.Laio;
import io.laio.event.EventBase;
import io.laio.event.spi.Loops;
import io.laio.internal.LaioCall;
import io.laio.internal.route.RingRoute;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAIO calls as submission entries on the ring of one {@link UringBackend}: the {@link RingRoute}
 * of every {@link Laio} attached to its base. Each call in flight holds a slot; its entry's
 * {@code user_data} is {@link #CALL} with the slot number, so the backend's reaping hands its
 * completion back here ({@link #completed}) and from here to the {@link RingRoute.Completion} it
 * was submitted with. A slot is freed only by the call's one completion (no entry here is
 * multishot, and the ring has {@code IORING_FEAT_NODROP}), so a {@code user_data} never names a
 * later call.
 *
 * <p><b>Inline completion.</b> {@link #submit} with {@code now} enters the kernel with the entry
 * (and whatever else is queued) and then looks for the entry's completion among those ready:
 * the kernel completes a read of cached pages or of a socket with data during the submission.
 * The completion is taken out wherever it stands ({@link UringRing#take}), so the calls and
 * readiness completions ahead of it stay for the next reaping.
 *
 * <p><b>Batches.</b> The calls of an {@code io.laio.LaioBatch} have no record: their entries'
 * {@code user_data} is {@link #BATCH} with the batch's id ({@link #openBatch}, held while the batch
 * has entries in flight) and the call's index, and their completions go to the batch
 * ({@link #batchCompleted}). {@link #closeCalls} cancels and reaps them with the owner's other
 * calls.
 *
 * <p>Threading: loop thread only, as the ring; {@link #closeCalls} also from the owning thread
 * while no loop runs.
 */
public final class UringCalls implements RingRoute {
    private static final Logger LOG = LoggerFactory.getLogger(UringCalls.class);
    /** user_data kind of a call's entry; the low 32 bits are its slot. */
    static final long CALL = 0x8400_0000_0000_0000L;
    /** user_data kind of an {@code IORING_OP_ASYNC_CANCEL}'s own completion. */
    static final long CANCEL = 0x8500_0000_0000_0000L;
    /** user_data kind of a batch call's entry: the batch's id in bits 24-55, the call's index in bits 0-23. */
    static final long BATCH = 0x8600_0000_0000_0000L;
    /**
     * user_data kind of an unawaited close ({@link #closeUnawaited}): the failure sink's id in bits
     * 32-55, the descriptor in bits 0-31. Only a failure posts a completion.
     */
    static final long CLOSE = 0x8700_0000_0000_0000L;
    /**
     * Failure sinks open at once: the sink id's bits in an unawaited close's user_data; also how
     * many sinks are opened before an id comes back ({@link SinkIds}).
     */
    static final int MAX_CLOSE_SINKS = 1 << 24;
    /** Calls in one batch: the index's bits in a batch entry's user_data. */
    public static final int MAX_BATCH = 1 << 24;

    private final UringRing ring;
    private final boolean[] has = new boolean[UringOps.LIMIT];
    private final boolean currentPosition;
    private LaioCall[] calls = new LaioCall[64];
    private RingRoute.Completion[] sinks = new RingRoute.Completion[64];
    private int[] free = new int[64];
    private int freeCount;
    /** Slots ever used: {@code [0, used)}. */
    private int used;
    private int inFlight;
    /** Batches with entries in flight, by id (bits 24-55 of their entries' user_data). */
    private final IdTable<RingRoute.Batch> batches = new IdTable<>("batch", Integer.MAX_VALUE);
    /** Failure sinks of unawaited closes, by id (bits 32-55 of their entries' user_data). */
    private final SinkIds<RingRoute.CloseFailure> failureSinks = new SinkIds<>("close failure sink", MAX_CLOSE_SINKS);
    /** {@code IOSQE_CQE_SKIP_SUCCESS} and {@code IORING_OP_CLOSE}: {@link #closeUnawaited} is offered. */
    private final boolean skipsSuccess;

    UringCalls(UringRing ring) {
        this.ring = ring;
        for (int op = 0; op < has.length; op++) {
            has[op] = ring.supports(op);
        }
        currentPosition = ring.has(UringRing.FEAT_RW_CUR_POS);
        skipsSuccess = ring.has(UringRing.FEAT_CQE_SKIP) && has[UringOps.CLOSE];
    }

    /**
     * The ring route of {@code base}: its uring backend's calls, or {@code null} when the base
     * runs on another backend.
     *
     * @param base an event base
     * @return the route, or {@code null}
     */
    public static RingRoute of(EventBase base) {
        UringBackend b = Loops.backend(base, UringBackend.class);
        return b == null ? null : b.calls();
    }

    @Override
    public boolean takes(long nr, long a1, long a2, long a3, long a4, long a5) {
        int op = UringOps.opcode(nr, a1, a2, a3, a4, a5);
        return op >= 0 && has[op] && (currentPosition || !UringOps.usesPosition(nr));
    }

    /**
     * {@link io.laio.RingMode#DEFERRED}: every call with an opcode, {@code close} and
     * {@code statx} included. A deferred call costs no system call of its own (it goes with the
     * pass's wait); a probe costs one. {@code statx} always runs on an io-wq worker
     * ({@code IORING_OP_STATX} is forced async: a kernel thread's hand-off, ~3x a plain statx in
     * CPU, docs/design/uring.md), which trades that CPU for the system call.
     */
    @Override
    public boolean defers(long nr, long a1, long a2, long a3, long a4, long a5) {
        return takes(nr, a1, a2, a3, a4, a5);
    }

    @Override
    public boolean closesUnawaited() {
        return skipsSuccess;
    }

    @Override
    public int openFailureSink(RingRoute.CloseFailure f) {
        return failureSinks.open(f);
    }

    @Override
    public void releaseFailureSink(int id) {
        failureSinks.release(id);
    }

    @Override
    public void closeUnawaited(int sink, int fd) {
        if (!skipsSuccess) {
            throw new IllegalStateException("the kernel has no IOSQE_CQE_SKIP_SUCCESS or IORING_OP_CLOSE");
        }
        try {
            ring.push(UringOps.CLOSE, UringRing.IOSQE_CQE_SKIP_SUCCESS, fd, 0, 0, 0, 0, closeData(sink, fd));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long closeData(int sink, int fd) {
        return CLOSE | ((long) sink & (MAX_CLOSE_SINKS - 1)) << 32 | (fd & 0xFFFF_FFFFL);
    }

    /** From the backend's reaping: an unawaited close failed (a success posts nothing). */
    void closeFailed(long data, int res) {
        int id = (int) ((data >>> 32) & (MAX_CLOSE_SINKS - 1));
        int fd = (int) data;
        RingRoute.CloseFailure f = failureSinks.get(id);
        if (f == null) {
            LOG.debug("close of descriptor {} failed after its Laio closed: {}", fd, UringNative.errnoName(-res));
            return;
        }
        f.closeFailed(fd, -res);
    }

    @Override
    public long submit(LaioCall h, RingRoute.Completion done, boolean now) {
        int slot = takeSlot();
        long data = CALL | slot;
        try {
            UringOps.push(ring, UringOps.opcode(h.nr, h.a1, h.a2, h.a3, h.a4, h.a5), h.nr, h.a1, h.a2, h.a3, h.a4, h.a5,
                    data);
        } catch (IOException e) {
            freeSlot(slot);
            throw new UncheckedIOException(e); // the ring took no entry even after a submission: unusable
        }
        calls[slot] = h;
        sinks[slot] = done;
        h.ringSlot = slot;
        inFlight++;
        if (!now) {
            return IN_FLIGHT;
        }
        try {
            if (ring.submit() < 0) {
                return IN_FLIGHT; // EAGAIN, EBUSY, EINTR: the entry stays queued and goes with the next wait
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long res = ring.take(data, UringBackend.IGNORED);
        if (res == UringRing.NOT_READY) {
            return IN_FLIGHT;
        }
        release(slot, h);
        return res;
    }

    /** From the backend's reaping: the completion of the call in {@code slot}. */
    void completed(long data, int res) {
        int slot = (int) data;
        LaioCall h = slot < used ? calls[slot] : null;
        if (h == null) {
            return; // taken already by a close that timed out waiting for it
        }
        RingRoute.Completion sink = sinks[slot];
        release(slot, h);
        sink.completed(h, res);
    }

    @Override
    public int openBatch(RingRoute.Batch b) {
        return batches.open(b);
    }

    @Override
    public void closeBatch(int id) {
        batches.release(id);
    }

    @Override
    public void pushBatchCall(int id, int index, long nr, long a1, long a2, long a3, long a4, long a5) {
        try {
            UringOps.push(ring, UringOps.opcode(nr, a1, a2, a3, a4, a5), nr, a1, a2, a3, a4, a5, batchData(id, index));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void cancelBatchCall(int id, int index) {
        try {
            ring.push(UringRing.OP_ASYNC_CANCEL, 0, -1, 0, batchData(id, index), 0, 0, UringBackend.IGNORED);
        } catch (IOException e) {
            // no room even after a submission: the call completes as it would have, uncancelled
        }
    }

    @Override
    public void flush() {
        try {
            ring.submit(); // a refusal (EAGAIN, EBUSY, EINTR) leaves the entries queued for the next wait
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long batchData(int id, int index) {
        return BATCH | ((id & 0xFFFF_FFFFL) << 24) | index;
    }

    /** From the backend's reaping: the completion of a batch call. */
    void batchCompleted(long data, int res) {
        RingRoute.Batch b = batchOf(data);
        if (b != null) {
            b.completed((int) (data & (MAX_BATCH - 1)), res);
        }
    }

    private RingRoute.Batch batchOf(long data) {
        int id = (int) ((data >>> 24) & 0xFFFF_FFFFL);
        return batches.get(id);
    }

    @Override
    public boolean cancel(LaioCall h, long gen) {
        int slot = h.ringSlot;
        if (slot < 0 || slot >= used || calls[slot] != h || h.generation() != gen) {
            return false;
        }
        try {
            ring.push(UringRing.OP_ASYNC_CANCEL, 0, -1, 0, CALL | slot, 0, 0, CANCEL | slot);
            if (ring.submit() < 0) {
                return false; // goes with the next wait: the call completes, cancelled or not
            }
        } catch (IOException e) {
            return false;
        }
        // 0: found and cancelled before it ran; -ENOENT: already completed; -EALREADY: running
        return ring.take(CANCEL | slot, UringBackend.IGNORED) == 0;
    }

    @Override
    public int closeCalls(Laio owner, long deadlineNanos) {
        int mine = 0;
        for (int slot = 0; slot < used; slot++) {
            LaioCall h = calls[slot];
            if (h != null && h.owner == owner) {
                try {
                    ring.push(UringRing.OP_ASYNC_CANCEL, 0, -1, 0, CALL | slot, 0, 0, UringBackend.IGNORED);
                } catch (IOException e) {
                    break; // the completions still come, cancelled or not: wait for them below
                }
                mine++;
            }
        }
        for (int id = 0; id < batches.bound(); id++) {
            RingRoute.Batch b = batches.get(id);
            if (b != null && b.owner() == owner) {
                mine += b.cancelOnRing(this);
            }
        }
        try {
            while (mine > 0) {
                mine -= reapOwned(owner);
                long left = deadlineNanos - System.nanoTime();
                if (mine == 0 || left <= 0) {
                    break;
                }
                int r = ring.submitAndWait(ring.ready() + 1, Math.min(left, 10_000_000L)); // one more completion
                if (r == -UringNative.EBUSY && ring.ready() == 0) {
                    break;
                }
            }
        } catch (IOException e) {
            return mine; // the ring failed: nothing more will complete
        }
        return mine;
    }

    /**
     * Takes the ready completions of {@code owner}'s calls, wherever they stand (the others stay
     * for the backend's reaping), and completes them.
     */
    private int reapOwned(Laio owner) {
        MemorySegment cqes = ring.cqes();
        int n = ring.ready();
        int done = 0;
        for (int i = 0; i < n; i++) {
            long at = ring.cqeAt(i);
            long data = UringCqeLayout.userData(cqes, at);
            if ((data & UringBackend.KIND) == BATCH) {
                RingRoute.Batch b = batchOf(data);
                if (b != null && b.owner() == owner) {
                    UringCqeLayout.setUserData(cqes, at, UringBackend.IGNORED);
                    done++;
                    batchCompleted(data, UringCqeLayout.res(cqes, at));
                }
                continue;
            }
            if ((data & UringBackend.KIND) != CALL) {
                continue;
            }
            int slot = (int) data;
            LaioCall h = slot < used ? calls[slot] : null;
            if (h == null || h.owner != owner) {
                continue;
            }
            int res = UringCqeLayout.res(cqes, at);
            UringCqeLayout.setUserData(cqes, at, UringBackend.IGNORED);
            done++;
            completed(data, res);
        }
        while (ring.ready() > 0 && UringCqeLayout.userData(cqes, ring.cqeAt(0)) == UringBackend.IGNORED) {
            ring.consume(1); // the leading ones taken: room for the completions still to come
        }
        return done;
    }

    /** Calls in flight on the ring, of every Laio. */
    int inFlight() {
        return inFlight;
    }

    private int takeSlot() {
        if (freeCount > 0) {
            return free[--freeCount];
        }
        if (used == calls.length) {
            calls = Arrays.copyOf(calls, used * 2);
            sinks = Arrays.copyOf(sinks, used * 2);
        }
        return used++;
    }

    private void freeSlot(int slot) {
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = slot;
    }

    private void release(int slot, LaioCall h) {
        calls[slot] = null;
        sinks[slot] = null;
        h.ringSlot = -1;
        inFlight--;
        freeSlot(slot);
    }
}
