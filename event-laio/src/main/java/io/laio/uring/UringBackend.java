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

import io.laio.event.Ev;
import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import io.laio.internal.InterruptHook;
import io.laio.internal.WakeCloseGate;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code "uring"} backend: readiness of raw descriptors ({@code Descriptor} of
 * {@code io.laio.internal.sockets}, as on the epoll backend) through {@code IORING_OP_POLL_ADD} on the loop's own io_uring instance, the
 * timer heap's deadline as the wait's timeout, and wake-ups as completions on the same ring.
 *
 * <p><b>Readiness.</b> Each watched descriptor has one one-shot {@code POLL_ADD} in flight for
 * its interest. When it completes the source is reported and, if still wanted, armed again
 * before the next wait: the new entry rides in the same {@code io_uring_enter} as the wait (no
 * system call of its own) and completes at once if the descriptor is still ready, which makes
 * readiness level-triggered, as the backend contract asks. Multishot poll
 * ({@code IORING_POLL_ADD_MULTI}) is not used: it posts a completion per wake-up of the
 * descriptor, not while it stays ready, so it would report a byte left unread only once. Changing
 * the interest or cancelling queues an {@code IORING_OP_POLL_REMOVE}; a completion of an entry
 * replaced or removed is recognised by its {@code user_data} and dropped. A descriptor the kernel
 * refuses (closed: EBADF) is reported {@link ReadySink#invalid invalid} at the next poll, not
 * at {@code register}: the entry is only submitted with the next wait.
 *
 * <p><b>Overflow.</b> The ring is opened only with {@code IORING_FEAT_NODROP}: completions that
 * find the completion queue full wait in the kernel, flagged by {@code IORING_SQ_CQ_OVERFLOW},
 * and each poll reaps the queue, flushes the backlog with an {@code io_uring_enter} and reaps
 * again until the flag is clear, so more descriptors may be armed than the queue has entries.
 *
 * <p><b>Timeout.</b> With {@code IORING_FEAT_EXT_ARG} (5.11) the deadline goes with the wait as
 * a timespec; without it, as an {@code IORING_OP_TIMEOUT} entry, removed at the next poll if it
 * did not fire.
 *
 * <p>Threading: as {@link Backend} says; {@link #wakeup()} from any thread, also racing
 * {@link #close()}, after which it does nothing.
 */
final class UringBackend implements Backend {
    /** How other threads wake the loop. */
    enum Wake {
        /** An eventfd with a read in flight on the ring ({@link UringEventfdWake}); the default. */
        EVENTFD,
        /** {@code IORING_OP_MSG_RING} from a small ring of the wakers' ({@link UringMsgRingWake}). */
        MSG_RING
    }

    private static final Logger LOG = LoggerFactory.getLogger(UringBackend.class);

    /*
     * user_data: a registration's poll is (arm number << 32 | fd), never negative; everything else
     * has the sign bit set and a kind in the next byte.
     */
    /** The wake-up's completion. */
    static final long WAKE = 0x8100_0000_0000_0000L;
    /** A fallback timeout entry, with its sequence number in the low 32 bits. */
    private static final long TIMEOUT = 0x8200_0000_0000_0000L;
    /** Completions nobody waits for: removals, cancellations, and completions already taken out of turn ({@link UringRing#take}). */
    static final long IGNORED = 0x8300_0000_0000_0000L;
    /** LAIO calls ({@link UringCalls#CALL}), their cancellations and batch calls ({@link UringCalls#BATCH}) and unawaited closes ({@link UringCalls#CLOSE}) have kinds 0x84 to 0x87. */
    static final long KIND = 0xFF00_0000_0000_0000L;

    private static final int POLLIN = 0x001;
    private static final int POLLOUT = 0x004;
    private static final int POLLERR = 0x008;
    private static final int POLLHUP = 0x010;
    private static final int POLLRDHUP = 0x2000;


    /** One watched descriptor; dormant (no attachment) once cancelled, until its number is registered again. */
    private static final class Registration {
        final int fd;
        int interest;
        Object attachment;
        /** The POLL mask of the entry in flight, 0 when none is. */
        int armedMask;
        /** The user_data of the entry in flight, -1 when none is (no completion matches it). */
        long armedData = -1;
        /** In {@link #fired}: to be armed again before the next wait if still wanted. */
        boolean fired;

        Registration(int fd) {
            this.fd = fd;
        }
    }

    private final UringRing ring;
    private final UringWake wake;
    private final InterruptHook interruptHook = new InterruptHook(this::wakeup);
    private final boolean timeoutBySqe;
    /** IOSQE_CQE_SKIP_SUCCESS where the kernel has it: a removal that worked needs no completion. */
    private final int skipSuccess;
    private final MemorySegment timeoutTs;
    private Registration[] byFd = new Registration[256];
    private Registration[] fired = new Registration[64];
    private int firedCount;
    private int nextArm;
    /** The user_data of the fallback timeout in flight, or 0. */
    private long timeoutInFlight;
    private int timeoutSeq;
    /** Set by {@link #reap} when a completion must end the wait though it reports no source: a wake-up, the timer, an invalid source. */
    private boolean woken;
    /** Wake-ups against close() ({@link WakeCloseGate}). */
    private final WakeCloseGate wakeGate;
    /** LAIO calls on this ring, made when the first Laio attached to the base asks ({@link #calls()}). */
    private UringCalls calls;

    /**
     * @param entries      submission queue entries
     * @param cqEntries    completion queue entries (0: twice {@code entries})
     * @param wakeMode     how other threads wake the loop
     * @param timeoutBySqe use {@code IORING_OP_TIMEOUT} even where {@code IORING_FEAT_EXT_ARG} exists (tests)
     * @throws UringRefusal if io_uring is unavailable (the message says why)
     */
    UringBackend(int entries, int cqEntries, Wake wakeMode, boolean timeoutBySqe) throws IOException {
        ring = UringRing.open(entries, cqEntries);
        try {
            if (!ring.supports(UringRing.OP_POLL_ADD) || !ring.supports(UringRing.OP_POLL_REMOVE)
                    || !ring.supports(UringRing.OP_READ)) {
                throw UringRefusal.ofFeature("the kernel lacks IORING_REGISTER_PROBE or one of IORING_OP_POLL_ADD,"
                        + " POLL_REMOVE, READ (older than 5.6)");
            }
            wake = wakeMode == Wake.MSG_RING ? new UringMsgRingWake(ring) : new UringEventfdWake();
            wakeGate = new WakeCloseGate(wake::signal);
        } catch (IOException | RuntimeException e) {
            ring.close();
            throw e;
        }
        this.timeoutBySqe = timeoutBySqe || !ring.has(UringRing.FEAT_EXT_ARG);
        skipSuccess = ring.has(UringRing.FEAT_CQE_SKIP) ? UringRing.IOSQE_CQE_SKIP_SUCCESS : 0;
        timeoutTs = Arena.ofAuto().allocate(UringWaitArgLayout.TIMESPEC);
    }

    @Override
    public String name() {
        return "uring";
    }

    @Override
    public boolean accepts(Object source) {
        return UringSources.accepts(source);
    }

    @Override
    public Object register(Object source, int interest, Object attachment) throws IOException {
        int fd = UringSources.fd(source);
        if (fd < 0) {
            throw new IOException("cannot watch descriptor " + fd);
        }
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        Registration known = byFd[fd];
        Registration r;
        if (known != null && known.attachment == null) {
            r = known;
        } else {
            r = new Registration(fd);
            if (known != null) {
                disarm(known); // another source of the same number: one entry per number, as epoll keeps
            }
        }
        r.attachment = attachment;
        byFd[fd] = r;
        arm(r, interest);
        return r;
    }

    @Override
    public void modify(Object key, int interest) throws IOException {
        arm((Registration) key, interest);
    }

    /** Never throws: a removal the ring cannot take leaves an entry whose completion is dropped as stale. */
    @Override
    public void cancel(Object key) {
        Registration r = (Registration) key;
        r.attachment = null;
        r.interest = 0;
        try {
            disarm(r);
        } catch (IOException e) {
            LOG.debug("cannot queue the poll removal of descriptor {}; its completion will be dropped", r.fd, e);
        }
    }

    private static int mask(int interest) {
        return ((interest & Ev.READ) != 0 ? POLLIN : 0) | ((interest & Ev.WRITE) != 0 ? POLLOUT : 0)
                | ((interest & Ev.CLOSED) != 0 ? POLLRDHUP : 0);
    }

    /** Sets the interest and makes the entry in flight match it (no system call unless the queue is full). */
    private void arm(Registration r, int interest) throws IOException {
        r.interest = interest;
        int mask = mask(interest);
        if (mask == r.armedMask) {
            return;
        }
        disarm(r);
        if (mask != 0) {
            long data = ((long) (nextArm++ & 0x7FFF_FFFF) << 32) | r.fd;
            r.armedData = data; // before the push: if it throws, no completion of an earlier entry is taken for this one
            ring.push(UringRing.OP_POLL_ADD, 0, r.fd, 0, 0, 0 /* one-shot */, mask, data);
            r.armedMask = mask;
        }
    }

    private void disarm(Registration r) throws IOException {
        if (r.armedMask != 0) {
            long data = r.armedData;
            r.armedMask = 0;
            r.armedData = -1; // from here its completion, whatever it says, is stale
            ring.push(UringRing.OP_POLL_REMOVE, skipSuccess, -1, 0, data, 0, 0, IGNORED);
        }
    }

    /** Before a wait: entries that reported and are still wanted are armed again (level-triggered). */
    private void rearmFired() throws IOException {
        for (int i = 0; i < firedCount; i++) {
            Registration r = fired[i];
            fired[i] = null;
            r.fired = false;
            if (r.attachment != null && r.armedMask == 0 && r.interest != 0) {
                arm(r, r.interest);
            }
        }
        firedCount = 0;
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        rearmFired();
        wake.beforeWait(ring);
        if (timeoutBySqe) {
            queueTimeout(timeoutNanos);
        }
        if (timeoutNanos == 0 || ring.ready() > 0) {
            ring.submitAndWait(0, 0); // does not block: an interrupt is seen by the base before its next wait
            return reap(sink);
        }
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        long left = timeoutNanos;
        interruptHook.enter(); // an interrupt from here on, or one already pending, wakes the wait below
        try {
            while (true) {
                int r = ring.submitAndWait(1, timeoutBySqe ? -1 : left); // by entry: the TIMEOUT queued above ends it
                woken = false;
                int reported = reap(sink);
                // a removal's or a stale entry's completion also ends the wait, and so does a signal
                // (EINTR) meant for no one here: wait again for the rest
                if (woken || reported > 0 || r == -UringNative.ETIME || Thread.currentThread().isInterrupted()) {
                    return reported;
                }
                if (deadline != 0) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return 0;
                    }
                }
            }
        } finally {
            interruptHook.exit();
        }
    }

    /** The deadline as an {@code IORING_OP_TIMEOUT} entry, for kernels without EXT_ARG; the last one removed first. */
    private void queueTimeout(long timeoutNanos) throws IOException {
        if (timeoutInFlight != 0) {
            ring.push(UringRing.OP_TIMEOUT_REMOVE, skipSuccess, -1, 0, timeoutInFlight, 0, 0, IGNORED);
            timeoutInFlight = 0;
        }
        if (timeoutNanos > 0) {
            UringWaitArgLayout.setNanos(timeoutTs, timeoutNanos); // the kernel copies it when it takes the entry
            long data = TIMEOUT | (++timeoutSeq & 0xFFFF_FFFFL);
            ring.push(UringRing.OP_TIMEOUT, 0, -1, 0 /* no completion count: a pure timer */, timeoutTs.address(), 1, 0, data);
            timeoutInFlight = data;
        }
    }

    /** Reads every completion, flushing the kernel's overflow backlog until none is left. */
    private int reap(ReadySink sink) throws IOException {
        int reported = 0;
        MemorySegment cqes = ring.cqes();
        while (true) {
            int n = ring.ready();
            if (n == 0) {
                if (!ring.overflowed()) {
                    return reported;
                }
                ring.submitAndWait(0, 0); // moves the backlog into the room just freed
                if (ring.ready() == 0) {
                    return reported; // the kernel kept it (EBUSY and the like): the next poll comes back for it
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                long at = ring.cqeAt(0);
                long data = UringCqeLayout.userData(cqes, at);
                int res = UringCqeLayout.res(cqes, at);
                ring.consume(1); // each entry freed once read: a throwing sink loses none of the others
                reported += data >= 0 ? pollCompleted(data, res, sink) : other(data, res);
            }
        }
    }

    private int pollCompleted(long data, int res, ReadySink sink) {
        int fd = (int) data;
        Registration r = fd < byFd.length ? byFd[fd] : null;
        if (r == null || r.armedData != data) {
            return 0; // replaced or removed since it was queued
        }
        r.armedMask = 0; // one-shot: done
        r.armedData = -1;
        if (r.attachment == null) {
            return 0;
        }
        if (!r.fired) {
            if (firedCount == fired.length) {
                fired = Arrays.copyOf(fired, firedCount * 2);
            }
            r.fired = true;
            fired[firedCount++] = r;
        }
        if (res < 0) {
            if (res == -UringNative.ECANCELED) {
                return 0; // the kernel dropped the entry (not our removal: that one is stale above); armed again before the wait
            }
            r.interest = 0; // EBADF and the like: never armed again
            woken = true;
            sink.invalid(r.attachment);
            return 0;
        }
        boolean failed = (res & (POLLERR | POLLHUP)) != 0;
        int ready = ((res & POLLIN) != 0 || failed ? Ev.READ : 0) | ((res & POLLOUT) != 0 || failed ? Ev.WRITE : 0)
                | ((res & POLLRDHUP) != 0 || failed ? Ev.CLOSED : 0);
        ready &= r.interest;
        if (ready == 0) {
            return 0;
        }
        sink.ready(r.attachment, ready);
        return 1;
    }

    private int other(long data, int res) {
        long kind = data & KIND;
        if (kind == UringCalls.CALL) {
            woken = true; // the loop drains the completion in this pass
            calls.completed(data, res);
        } else if (kind == UringCalls.CLOSE) {
            calls.closeFailed(data, res); // only a failure posts one
        } else if (kind == UringCalls.BATCH) {
            woken = true; // the batch's callback runs in this pass
            calls.batchCompleted(data, res);
        } else if (kind == (WAKE & KIND)) {
            woken = true;
            wake.completed(res);
        } else if (kind == (TIMEOUT & KIND) && data == timeoutInFlight) {
            woken = true;
            timeoutInFlight = 0; // fired (ETIME): nothing to remove
        }
        return 0;
    }

    /** Any thread: posts a wake-up completion on the ring, or does nothing once {@link #close()} began. */
    @Override
    public void wakeup() {
        wakeGate.wake();
    }

    /** Releases the ring (the kernel cancels every entry in flight) and the wake-up's descriptors. */
    @Override
    public void close() {
        if (!wakeGate.close()) {
            return; // closed before
        }
        if (calls != null && calls.inFlight() > 0) {
            // a Laio left open: the kernel cancels them with the ring; their buffers are the caller's
            LOG.debug("closing a ring with {} LAIO calls in flight", calls.inFlight());
        }
        try {
            ring.close();
            wake.close();
        } finally {
            try {
                interruptHook.close();
            } catch (IOException e) {
                LOG.debug("closing the interrupt hook", e);
            }
        }
    }

    /** The LAIO calls on this ring; made on first use (loop or owning thread). */
    UringCalls calls() {
        UringCalls c = calls;
        if (c == null) {
            c = new UringCalls(ring);
            calls = c;
        }
        return c;
    }

    /** The ring, for tests. */
    UringRing ring() {
        return ring;
    }

    /** The wake-up, for tests. */
    UringWake wake() {
        return wake;
    }
}
