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

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance and its three shared mappings, driven by one thread: the submission
 * ring (head, tail, flags, and the index array), the completion ring (head, tail, and the CQEs
 * themselves) — one mapping for both where the kernel has {@code IORING_FEAT_SINGLE_MMAP} — and
 * the array of SQEs.
 *
 * <pre>
 *   SQ ring:  [head]  [tail]  [mask] ... [flags] ... [array: u32 x sq_entries]
 *                ^kernel  ^us                          index i = SQE slot i (set once)
 *   SQEs:     [sqe 0][sqe 1] ... 64 bytes each
 *   CQ ring:  [head]  [tail]  [mask] ... [cqes: 16 bytes x cq_entries]
 *                ^us      ^kernel
 * </pre>
 *
 * <p><b>Memory ordering.</b> Each index has one writer. We write an SQE with plain stores and
 * then the SQ tail with a release store; the kernel reads the tail with an acquire load, so it
 * sees the whole entry. The kernel moves the SQ head with a release store after it has read the
 * entries; we read it with an acquire load before reusing a slot. For completions the roles
 * swap: the kernel writes a CQE and then the CQ tail (release), we read the tail (acquire) and
 * then the entries, and publish our CQ head with a release store only after we are done reading
 * the entries it frees. The SQ flags word (overflow pending) is read with an acquire load.
 *
 * <p>Threading: one thread at a time (the loop thread; a waker ring is used under its lock).
 * Not safe for concurrent use.
 */
@SuppressWarnings("restricted") // reinterpreting the kernel's mappings is what this class is for
final class UringRing implements AutoCloseable {
    static final int OP_NOP = 0;
    static final int OP_POLL_ADD = 6;
    static final int OP_POLL_REMOVE = 7;
    static final int OP_TIMEOUT = 11;
    static final int OP_TIMEOUT_REMOVE = 12;
    static final int OP_READ = 22;
    static final int OP_MSG_RING = 40;

    static final int OP_ASYNC_CANCEL = 14;

    static final int FEAT_SINGLE_MMAP = 1;
    static final int FEAT_NODROP = 1 << 1;
    static final int FEAT_RW_CUR_POS = 1 << 3;
    static final int FEAT_EXT_ARG = 1 << 8;
    static final int FEAT_CQE_SKIP = 1 << 11;

    static final int IOSQE_CQE_SKIP_SUCCESS = 1 << 6;
    static final int POLL_ADD_MULTI = 1;
    static final int CQE_F_MORE = 1 << 1;

    private static final int SETUP_CQSIZE = 1 << 3;
    private static final int SETUP_CLAMP = 1 << 4;
    /** IORING_SETUP_COOP_TASKRUN (5.19): task work for a running loop thread waits for its next system call, no IPI. */
    static final int SETUP_COOP_TASKRUN = 1 << 8;
    private static final int ENTER_GETEVENTS = 1;
    private static final int ENTER_EXT_ARG = 1 << 3;
    private static final int SQ_CQ_OVERFLOW = 1 << 1;
    private static final long OFF_SQ_RING = 0L;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final int REGISTER_PROBE = 8;

    /** A u32 of a mapping, by byte offset: plain, acquire and release access. */
    private static final VarHandle U32 = ValueLayout.JAVA_INT.varHandle();

    final int fd;
    final int features;
    /** The {@code IORING_SETUP_*} flags the kernel accepted. */
    final int setupFlags;
    final int sqEntries;
    final int cqEntries;
    private final MemorySegment capture;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final MemorySegment probe;
    private final boolean probed;
    private final MemorySegment waitArg;
    private final MemorySegment waitTs;
    private final long sqHead;
    private final long sqTailAt;
    private final long sqFlags;
    private final long cqHeadAt;
    private final long cqTail;
    private final long cqes;
    private final int sqMask;
    private final int cqMask;
    /** Ours alone: published to the kernel at {@link #sqTailAt} by release stores. */
    private int sqTail;
    /** Ours alone: published to the kernel at {@link #cqHeadAt} by release stores. */
    private int cqHead;
    /** io_uring_enter calls made on this ring: what a deferred pass costs in system calls (tests). */
    private long enters;
    private boolean closed;

    private UringRing(int fd, MemorySegment params, MemorySegment capture, Arena arena,
                      MemorySegment sqRing, MemorySegment cqRing, MemorySegment sqes) {
        this.fd = fd;
        this.capture = capture;
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        features = UringParamsLayout.get(UringParamsLayout.FEATURES, params);
        setupFlags = UringParamsLayout.get(UringParamsLayout.FLAGS, params);
        sqEntries = UringParamsLayout.get(UringParamsLayout.SQ_ENTRIES, params);
        cqEntries = UringParamsLayout.get(UringParamsLayout.CQ_ENTRIES, params);
        sqHead = UringParamsLayout.get(UringParamsLayout.SQ_HEAD, params);
        sqTailAt = UringParamsLayout.get(UringParamsLayout.SQ_TAIL, params);
        sqFlags = UringParamsLayout.get(UringParamsLayout.SQ_FLAGS, params);
        cqHeadAt = UringParamsLayout.get(UringParamsLayout.CQ_HEAD, params);
        cqTail = UringParamsLayout.get(UringParamsLayout.CQ_TAIL, params);
        cqes = UringParamsLayout.get(UringParamsLayout.CQ_CQES, params);
        sqMask = (int) U32.get(sqRing, (long) UringParamsLayout.get(UringParamsLayout.SQ_RING_MASK, params));
        cqMask = (int) U32.get(cqRing, (long) UringParamsLayout.get(UringParamsLayout.CQ_RING_MASK, params));
        long array = UringParamsLayout.get(UringParamsLayout.SQ_ARRAY, params);
        for (int i = 0; i < sqEntries; i++) {
            U32.set(sqRing, array + 4L * i, i); // slot i is always SQE i: the tail alone says what is new
        }
        sqTail = (int) U32.get(sqRing, sqTailAt);
        cqHead = (int) U32.get(cqRing, cqHeadAt);
        probe = arena.allocate(UringProbeLayout.SIZE, 8);
        probed = UringNative.register(capture, fd, REGISTER_PROBE, probe.address(), UringProbeLayout.MAX_OPS) >= 0;
        waitArg = arena.allocate(UringWaitArgLayout.ARG);
        waitTs = arena.allocate(UringWaitArgLayout.TIMESPEC);
        UringWaitArgLayout.pointAt(waitArg, waitTs);
    }

    /**
     * A new ring of {@code entries} submission entries (rounded up to a power of two by the
     * kernel) and {@code cqEntries} completion entries (0: the kernel's default, twice as many).
     *
     * @throws UringRefusal when the kernel refuses io_uring or lacks what this package needs
     *                      (the message names the cause)
     */
    static UringRing open(int entries, int cqEntries) throws IOException {
        Arena arena = Arena.ofAuto(); // also holds memory the kernel may still read as the ring dies: freed only by GC
        MemorySegment capture = UringNative.newCapture(arena);
        MemorySegment params = arena.allocate(UringParamsLayout.LAYOUT);
        int flags = cqEntries > 0 ? SETUP_CQSIZE | SETUP_CLAMP : 0;
        // COOP_TASKRUN: completions that arrive as task work (a socket's poll, an uncached
        // read's page, the wake-up's eventfd) while the loop runs Java code no longer interrupt
        // it with an IPI (a VM exit on a guest); the loop enters the ring at every pass, which
        // runs them. Nothing else changes: any thread may still enter the ring.
        int fd = setup(capture, entries, cqEntries, flags | SETUP_COOP_TASKRUN, params);
        if (fd == -UringNative.EINVAL) {
            fd = setup(capture, entries, cqEntries, flags, params); // older than 5.19: the flag is unknown
        }
        if (fd < 0) {
            throw UringRefusal.ofSetup(-fd);
        }
        long[] maps = new long[6]; // address, length pairs
        try {
            int features = UringParamsLayout.get(UringParamsLayout.FEATURES, params);
            if ((features & FEAT_NODROP) == 0) {
                // without it a completion the CQ has no room for is dropped: a readiness lost for good
                throw UringRefusal.ofFeature("the kernel lacks IORING_FEAT_NODROP (older than 5.5)");
            }
            int sqN = UringParamsLayout.get(UringParamsLayout.SQ_ENTRIES, params);
            int cqN = UringParamsLayout.get(UringParamsLayout.CQ_ENTRIES, params);
            long sqSize = UringParamsLayout.get(UringParamsLayout.SQ_ARRAY, params) + 4L * sqN;
            long cqSize = UringParamsLayout.get(UringParamsLayout.CQ_CQES, params) + UringCqeLayout.SIZE * cqN;
            boolean single = (features & FEAT_SINGLE_MMAP) != 0;
            if (single) {
                sqSize = cqSize = Math.max(sqSize, cqSize);
            }
            MemorySegment sq = map(capture, fd, sqSize, OFF_SQ_RING, maps, 0);
            MemorySegment cq = single ? sq : map(capture, fd, cqSize, OFF_CQ_RING, maps, 2);
            MemorySegment sqes = map(capture, fd, UringSqeLayout.SIZE * sqN, OFF_SQES, maps, 4);
            return new UringRing(fd, params, capture, arena, sq, cq, sqes);
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < maps.length; i += 2) {
                if (maps[i] != 0) {
                    UringNative.munmap(capture, maps[i], maps[i + 1]);
                }
            }
            UringNative.close(capture, fd);
            throw e;
        }
    }

    private static int setup(MemorySegment capture, int entries, int cqEntries, int flags, MemorySegment params) {
        params.fill((byte) 0); // a refused setup may have left the kernel's answers in it
        UringParamsLayout.FLAGS.set(params, 0L, flags);
        if (cqEntries > 0) {
            UringParamsLayout.CQ_ENTRIES.set(params, 0L, cqEntries);
        }
        return UringNative.setup(capture, entries, params);
    }

    private static MemorySegment map(MemorySegment capture, int fd, long size, long offset, long[] maps, int slot)
            throws IOException {
        long address = UringNative.mmapShared(capture, size, fd, offset);
        if (address < 0 && address > -4096) {
            throw new IOException("mmap of the io_uring ring at offset 0x" + Long.toHexString(offset) + " failed: "
                    + UringNative.errnoName((int) -address));
        }
        maps[slot] = address;
        maps[slot + 1] = size;
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    boolean has(int feature) {
        return (features & feature) == feature;
    }

    /** Whether {@code IORING_REGISTER_PROBE} said the kernel has {@code opcode} (false where it has no probe, before 5.6). */
    boolean supports(int opcode) {
        return probed && UringProbeLayout.supported(probe, opcode);
    }

    /**
     * Queues one entry; the kernel sees it at the next {@link #submit} or {@link #submitAndWait}.
     * A full queue is submitted first (one system call).
     */
    void push(int opcode, int flags, int fd, long off, long addr, int len, int opFlags, long userData) throws IOException {
        // acquire: pairs with the kernel's release of the head once it has read the entries up to it
        if (sqTail - (int) U32.getAcquire(sqRing, sqHead) == sqEntries) {
            submitFull();
        }
        long at = (long) (sqTail & sqMask) * UringSqeLayout.SIZE;
        UringSqeLayout.set(sqes, at, opcode, flags, fd, off, addr, len, opFlags, userData);
        sqTail++;
        U32.setRelease(sqRing, sqTailAt, sqTail); // release: the entry's bytes before the tail that shows it
    }

    private void submitFull() throws IOException {
        int r = submit();
        if (r < 0 || sqTail - (int) U32.getAcquire(sqRing, sqHead) == sqEntries) {
            throw new IOException("io_uring_enter could not make room in the submission queue: "
                    + (r < 0 ? UringNative.errnoName(-r) : "nothing consumed"));
        }
    }

    /** Entries queued that the kernel has not consumed yet. */
    int unsubmitted() {
        return sqTail - (int) U32.getAcquire(sqRing, sqHead);
    }

    /** Hands every queued entry to the kernel without waiting: entries consumed, or {@code -errno} (EINTR, EAGAIN, EBUSY). */
    int submit() throws IOException {
        enters++;
        return checked(UringNative.enter(capture, fd, unsubmitted(), 0, 0, 0, 0));
    }

    /** The {@code io_uring_enter} calls made on this ring so far. */
    long enters() {
        return enters;
    }

    /**
     * Submits every queued entry and waits until at least {@code minComplete} completions are in
     * the queue, or {@code timeoutNanos} (&gt; 0, only with {@code IORING_FEAT_EXT_ARG}; else
     * none) elapsed, or a signal came. {@code minComplete} 0 waits for nothing but still runs
     * the kernel's pending completion work.
     *
     * @return entries consumed, or {@code -errno} for an expected refusal (EINTR, ETIME: time
     *         is up, EAGAIN, EBUSY: the caller reaps and comes back)
     * @throws IOException for any other errno (the ring is unusable)
     */
    int submitAndWait(int minComplete, long timeoutNanos) throws IOException {
        int flags = ENTER_GETEVENTS;
        long arg = 0;
        long argSize = 0;
        if (timeoutNanos > 0 && minComplete > 0 && has(FEAT_EXT_ARG)) {
            UringWaitArgLayout.setNanos(waitTs, timeoutNanos);
            flags |= ENTER_EXT_ARG;
            arg = waitArg.address();
            argSize = UringWaitArgLayout.ARG.byteSize();
        }
        enters++;
        return checked(UringNative.enter(capture, fd, unsubmitted(), minComplete, flags, arg, argSize));
    }

    private static int checked(int r) throws IOException {
        if (r >= 0 || r == -UringNative.EINTR || r == -UringNative.ETIME || r == -UringNative.EAGAIN
                || r == -UringNative.EBUSY) {
            return r;
        }
        throw new IOException("io_uring_enter failed: " + UringNative.errnoName(-r));
    }

    /** Completions ready to read, from {@link #cqeAt}(0). */
    int ready() {
        return (int) U32.getAcquire(cqRing, cqTail) - cqHead; // acquire: pairs with the kernel's release after it wrote the entries
    }

    /** The byte offset in {@link #cqes()} of the {@code i}-th completion not yet consumed. */
    long cqeAt(int i) {
        return cqes + (long) ((cqHead + i) & cqMask) * UringCqeLayout.SIZE;
    }

    /** The completion ring's mapping, for {@link UringCqeLayout} reads at {@link #cqeAt}. */
    MemorySegment cqes() {
        return cqRing;
    }

    /** Frees {@code n} completions read; the kernel may overwrite them from now on. */
    void consume(int n) {
        cqHead += n;
        U32.setRelease(cqRing, cqHeadAt, cqHead); // release: our reads of the entries happen before the kernel reuses them
    }

    /**
     * Takes the completion with {@code userData} out of the ones ready, wherever it stands: the
     * one at the head is consumed; one further on keeps its slot, its user_data overwritten with
     * {@code tombstone} so that the next reaping skips it (the entries between our head and the
     * kernel's tail are ours: the kernel writes none of them until the head passes it).
     *
     * @return its result ({@code res}: a value or {@code -errno}), or {@link #NOT_READY}
     */
    long take(long userData, long tombstone) {
        int n = ready();
        for (int i = 0; i < n; i++) {
            long at = cqeAt(i);
            if (UringCqeLayout.userData(cqRing, at) == userData) {
                int res = UringCqeLayout.res(cqRing, at);
                if (i == 0) {
                    consume(1);
                } else {
                    UringCqeLayout.setUserData(cqRing, at, tombstone);
                }
                return res;
            }
        }
        return NOT_READY;
    }

    /** {@link #take}: no such completion is ready. */
    static final long NOT_READY = Long.MIN_VALUE;

    /** Whether completions wait in the kernel's overflow list for room in the ring (IORING_SQ_CQ_OVERFLOW). */
    boolean overflowed() {
        return ((int) U32.getAcquire(sqRing, sqFlags) & SQ_CQ_OVERFLOW) != 0;
    }

    /** Unmaps the rings and closes the ring's descriptor; the kernel cancels whatever is in flight. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        int err = UringNative.munmap(capture, sqes.address(), sqes.byteSize());
        if (cqRing.address() != sqRing.address()) {
            err = Math.min(err, UringNative.munmap(capture, cqRing.address(), cqRing.byteSize()));
        }
        err = Math.min(err, UringNative.munmap(capture, sqRing.address(), sqRing.byteSize()));
        int closeErr = UringNative.close(capture, fd);
        if (err < 0 || closeErr < 0) {
            // EINVAL/EBADF here would be a bug of ours; the ring is gone either way
            throw new IllegalStateException("releasing io_uring " + fd + " failed: "
                    + UringNative.errnoName(-Math.min(err, closeErr)));
        }
    }
}
