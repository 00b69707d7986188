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

package io.laio.internal.sockets;

import io.laio.Errno;
import io.laio.abi.EpollEventLayout;
import io.laio.internal.ErrnoException;
import io.laio.internal.LaioCall;
import io.laio.internal.SchedulePoints;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.epoll.WakeableEpoll;
import io.laio.internal.lanes.CallQueue;
import io.laio.internal.lanes.SubmitGate;
import io.laio.internal.route.RouteTable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background socket (and pipe) calls without a thread each: one thread waits on one epoll instance for
 * every socket whose call would block, and when one becomes ready it retries the call without
 * blocking ({@code MSG_DONTWAIT}) until it has completed in its entirety — a write of N bytes
 * completes when N bytes are written or an error occurs; a read, an accept when they return
 * anything. Pipes are retried with {@code preadv2}/{@code pwritev2(RWF_NOWAIT)}. (The LAIO appendix's "wrap non-blocking I/O, helpers for the rest", without its
 * pselect race: registration is one-shot and re-armed only after a retry found nothing.)
 *
 * <p>Threading: {@link #submit} and {@link #stop} from any thread (submit enqueues, then writes
 * the eventfd); everything else on the waiter's own thread. Per descriptor, calls of one
 * direction complete in submission order.
 *
 * <p><b>Stopping</b>, by {@link #stop} or because {@code epoll_pwait} failed: the thread closes
 * its {@link SubmitGate}, which waits until no submitter is inside it, ends every call it holds ({@code -1} with
 * {@link Errno#ECANCELED} after stop, with the {@code epoll_pwait} errno after a failure; a write
 * that moved bytes reports them), then closes its epoll and eventfd itself. A submitter enters
 * the gate before it enqueues and signals, so:
 * <ul>
 *   <li>a submit that entered before the gate closed has its call in {@code incoming} before the
 *       thread's last drain (the thread waits for it to leave): ended, never stranded;</li>
 *   <li>a submit after it is refused ({@link #submit} returns {@code false}, nothing enqueued):
 *       the caller decides (Laio starts a new waiter, or cancels the call when closing);</li>
 *   <li>no eventfd write can reach a closed (and possibly reused) descriptor number, since the
 *       descriptors are closed only once the gate is closed and empty.</li>
 * </ul>
 */
public final class SocketWaiter {
    /** {@link SchedulePoints}: about to wait on its epoll ({@link SchedulePoints#takeFault} may fail that wait). */
    static final String BEFORE_AWAIT = "SocketWaiter.run:beforeAwait";

    private static final Logger LOG = LoggerFactory.getLogger(SocketWaiter.class);

    private final Consumer<LaioCall> completer;
    private final SocketRetry retry;
    private final CallQueue incoming = new CallQueue(true); // intrusive: nothing allocated per call
    private final Map<Integer, Waiting> byFd = new HashMap<>();
    /**
     * By descriptor number: the kernel's set holds this waiter's entry for it, as far as the
     * waiter knows. An entry that fired (one-shot: disarmed) or whose calls are gone stays there,
     * so the next wait on the number re-arms it with one {@code EPOLL_CTL_MOD}; a number closed
     * since has lost its entry (the kernel drops it on the last close), which that MOD finds
     * ({@code ENOENT}) and answers with an ADD ({@link WakeableEpoll#adds()} grows).
     */
    private boolean[] inSet = new boolean[256];
    private final WakeableEpoll epoll;
    private final Thread thread;
    private volatile boolean stopping;
    /** Set once the thread has stopped taking calls; later submits are refused. */
    private volatile boolean stopped;
    /** Submitters inside {@link #submit} (and {@link #stop}'s wake-up); the thread closes it on its way out. */
    private final SubmitGate gate = new SubmitGate();

    /** The calls waiting on one descriptor, by direction. */
    private static final class Waiting {
        final ArrayDeque<LaioCall> readers = new ArrayDeque<>();
        final ArrayDeque<LaioCall> writers = new ArrayDeque<>();
    }

    /** Reports each finished call to {@code completer}; counts its tries in {@code counters}. */
    public SocketWaiter(Consumer<LaioCall> completer, CallCounters counters) {
        this.completer = completer;
        this.retry = new SocketRetry(completer, counters);
        try {
            this.epoll = new WakeableEpoll();
        } catch (ErrnoException e) {
            throw new IllegalStateException("the socket waiter cannot start: " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().daemon().name("laio-socket-waiter").stackSize(256 * 1024).start(this::run);
    }

    /**
     * Any thread: hands the QUEUED call {@code h} to the waiter.
     *
     * @return {@code true} if taken (it will be reported exactly once, even if the waiter stops);
     *         {@code false} if the waiter has stopped: nothing was enqueued or signalled, the call
     *         is still the caller's
     */
    public boolean submit(LaioCall h) {
        if (!gate.enter()) {
            return false;
        }
        try {
            incoming.offer(h);
            epoll.signal(); // the eventfd is open: it is closed only after the gate closed and emptied
        } finally {
            gate.leave();
        }
        return true;
    }

    /** Whether the waiter has stopped (closed, or its epoll failed): every later submit is refused. */
    public boolean stopped() {
        return stopped;
    }

    private void run() {
        int err = Errno.ECANCELED;
        try {
            while (!stopping) {
                LaioCall h;
                while ((h = incoming.poll()) != null) {
                    enqueue(h);
                }
                int n;
                try {
                    SchedulePoints.at(BEFORE_AWAIT);
                    int fault = SchedulePoints.takeFault();
                    if (fault != 0) {
                        throw new ErrnoException("epoll_pwait (injected)", fault);
                    }
                    n = epoll.await(-1);
                } catch (ErrnoException e) {
                    LOG.error("{}; the socket waiter stops, its calls fail with that errno and later socket"
                            + " waits go to a new waiter", e.getMessage());
                    err = e.errno;
                    return;
                }
                for (int i = 0; i < n; i++) {
                    int fd = epoll.fd(i);
                    if (fd >= 0) {
                        ready(fd, epoll.readiness(i));
                    }
                }
            }
        } finally {
            shutDown(err);
        }
    }

    /** The thread's last act: refuse new calls, end every call it holds with {@code err}, close its descriptors. */
    private void shutDown(int err) {
        gate.close(); // a submitter inside is between its offer and its signal: waited for
        stopped = true;
        LaioCall h;
        while ((h = incoming.poll()) != null) {
            end(h, err);
        }
        for (Waiting w : byFd.values()) {
            w.readers.forEach(c -> end(c, err));
            w.writers.forEach(c -> end(c, err));
        }
        byFd.clear();
        epoll.close();
    }

    private void enqueue(LaioCall h) {
        int fd = (int) h.a1;
        Waiting w = byFd.computeIfAbsent(fd, k -> new Waiting());
        boolean unprobed = h.unprobed;
        (RouteTable.waitsToWrite(h.nr) ? w.writers : w.readers).add(h);
        // not tried again here: the caller's probe found it would block, and the level-triggered
        // entry armed below reports readiness that came since at once (as LoopSocketWaits does).
        // A receive that skipped its probe is as safe, unless its entry had to be added: the
        // number is new to this waiter, or was closed and reused since its last wait, and the
        // guess that skipped the probe knew nothing of the file it names now. Tried at once
        // then, as its probe would have been (a pipe answers ENOTSOCK rather than wait)
        long adds = epoll.adds();
        rewatch(fd, w);
        if (unprobed && epoll.adds() != adds && byFd.get(fd) == w) {
            retry.drain(w.readers);
            rewatch(fd, w);
        }
    }

    private void ready(int fd, int mask) {
        Waiting w = byFd.get(fd);
        if (w == null) {
            return;
        }
        boolean failed = (mask & (EpollEventLayout.EPOLLERR | EpollEventLayout.EPOLLHUP)) != 0;
        if (failed || (mask & EpollEventLayout.EPOLLIN) != 0) {
            retry.drain(w.readers);
        }
        if (failed || (mask & EpollEventLayout.EPOLLOUT) != 0) {
            retry.drain(w.writers); // a readable socket does not make a blocked send go
        }
        rewatch(fd, w);
    }

    /** Re-arms {@code fd} for what still waits on it, or forgets it when nothing does. */
    private void rewatch(int fd, Waiting w) {
        if (w.readers.isEmpty() && w.writers.isEmpty()) {
            // the entry stays in the set, disarmed (it fired) or armed (a call that completed at
            // once): the next wait re-arms it with one MOD, and a report meanwhile finds no record
            byFd.remove(fd);
            return;
        }
        int mask = EpollEventLayout.EPOLLONESHOT | (w.readers.isEmpty() ? 0 : EpollEventLayout.EPOLLIN)
                | (w.writers.isEmpty() ? 0 : EpollEventLayout.EPOLLOUT);
        int err = epoll.watch(fd, mask, fd < inSet.length && inSet[fd]);
        if (err != 0) {
            inSet(fd, false);
            if (err == Errno.EPERM) {
                // not pollable (a regular file: a number closed behind laio's back and reused,
                // under a receive that skipped its probe): one non-blocking try gives the
                // kernel's own answer (ENOTSOCK), as the probe would have
                retry.drain(w.readers);
                retry.drain(w.writers);
            }
            failAll(w, err); // EBADF, EPERM: the call's answer
            byFd.remove(fd);
            return;
        }
        inSet(fd, true);
    }

    private void inSet(int fd, boolean in) {
        if (fd >= inSet.length) {
            if (!in) {
                return;
            }
            inSet = Arrays.copyOf(inSet, Math.max(fd + 1, inSet.length * 2));
        }
        inSet[fd] = in;
    }

    private void failAll(Waiting w, int err) {
        retry.failAll(w.readers, err);
        retry.failAll(w.writers, err);
    }

    /**
     * Ends a waiting call with {@code err} ({@code -1}/err, or the bytes a write already moved);
     * one cancelled meanwhile (DONE) was reported by its canceller.
     */
    private void end(LaioCall h, int err) {
        if (h.cancelQueued()) {
            h.endUnfinished(err);
            completer.accept(h);
        }
    }

    /**
     * Any thread: stops the thread (waiting calls complete with ECANCELED) and waits up to
     * {@code waitNanos} for it; the thread closes its descriptors on its way out. After a stop
     * every {@link #submit} is refused.
     */
    public void stop(long waitNanos) {
        stopping = true;
        if (gate.enter()) {
            try {
                epoll.signal(); // inside the gate: the eventfd cannot be closed under this write
            } finally {
                gate.leave();
            }
        }
        try {
            thread.join(Duration.ofNanos(Math.max(1, waitNanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
