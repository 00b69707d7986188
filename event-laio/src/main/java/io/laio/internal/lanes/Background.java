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

package io.laio.internal.lanes;

import io.laio.Errno;
import io.laio.LaioConfig;
import io.laio.event.EventBase;
import io.laio.event.spi.Loops;
import io.laio.internal.LaioCall;
import io.laio.internal.ThreadState;
import io.laio.internal.completion.BackgroundCallEvent;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.completion.Completions;
import io.laio.internal.completion.InFlight;
import io.laio.internal.sockets.LoopSocketWaits;
import io.laio.Descriptor;
import io.laio.internal.sockets.SocketWaiter;
import jdk.jfr.FlightRecorder;

/**
 * Where a call that would block goes, and what bounds it: three helper lanes (file data,
 * metadata, Java calls), so a flood of one kind cannot starve the others (libuv's
 * getaddrinfo-starves-the-filesystem problem), and the socket waits — on the loop's own poller
 * when its backend can watch a raw descriptor, else on the shared {@link SocketWaiter} thread.
 * Admission counts each call against its bound ({@link InFlight}) and hands it over inside the
 * {@link SubmitGate}, so close never strands one.
 */
public final class Background {
    /** Where {@link #submit} hands a call: a helper lane, or a socket (or pipe) wait. */
    public static final int DATA_LANE = 0;
    public static final int METADATA_LANE = 1;
    public static final int JAVA_LANE = 2;
    public static final int SOCKET_WAIT = 3;
    public static final int PIPE_WAIT = 4;

    private static final String[] ROUTE_NAMES = {"data lane", "metadata lane", "java lane", "socket wait", "pipe wait"};

    private final EventBase base;
    private final LaioConfig config;
    private final CallCounters counters;
    private final Completions completions;
    public final InFlight inFlight;
    private final HelperPool dataLane;
    private final HelperPool metaLane;
    private final HelperPool javaLane;
    private volatile SocketWaiter waiter;
    /** Socket waits on the loop's own poller, when its backend can watch a raw descriptor (else null: the waiter thread). */
    private final LoopSocketWaits loopWaits;
    /**
     * Submitters inside {@link #submit}; closed by {@link #close()}, which then waits for them:
     * close's cancel passes run after every accepted call is in its queue, so no call is stranded
     * behind them and none is handed to a stopped waiter.
     */
    private final SubmitGate submitGate = new SubmitGate();

    public Background(EventBase base, LaioConfig config, CallCounters counters, Completions completions, InFlight inFlight) {
        this.base = base;
        this.config = config;
        this.counters = counters;
        this.completions = completions;
        this.inFlight = inFlight;
        HelperRunner runner = new HelperRunner(counters, completions);
        long idle = config.helperIdle().toNanos();
        long spin = config.helperSpin().toNanos();
        this.dataLane = new HelperPool("laio-helper-data", config.maxHelpers(), idle, spin, runner, runner);
        this.metaLane = new HelperPool("laio-helper-meta", config.maxHelpers(), idle, spin, runner, runner);
        this.javaLane = new HelperPool("laio-helper-java", config.maxHelpers(), idle, spin, runner, runner);
        this.loopWaits = base != null && Loops.canWatch(base, new Descriptor(0))
                ? new LoopSocketWaits(base, completions::complete, counters) : null;
    }

    /**
     * Starts background call {@code h} (filled, QUEUED) {@code where}: counted against its bound,
     * beyond which it is refused and nothing starts. Returns what the caller gets: {@code -1}
     * with errno {@code EINPROGRESS} (the thread's last call is {@code h}), or the refusal.
     *
     * @throws IllegalStateException if the Laio is closed
     */
    public long submit(ThreadState ts, int slot, LaioCall h, int where) {
        if (!submitGate.enter()) {
            completions.giveBack(h);
            throw new IllegalStateException("Laio is closed");
        }
        try {
            boolean socketWait = where >= SOCKET_WAIT;
            if (!inFlight.tryAcquire(socketWait)) {
                long done = h.bias;
                completions.giveBack(h);
                return counters.refused(ts, slot, done);
            }
            h.viaWaiter = socketWait;
            h.pipe = where == PIPE_WAIT;
            h.route = where;
            counters.background.incrementAndGet(slot);
            ts.lastCall = h;
            ts.lastGen = h.generation(); // before it is published: afterwards it may complete and be recycled
            ts.errno = Errno.EINPROGRESS;
            if (FlightRecorder.isInitialized()) { // the event class loads only once JFR is up
                BackgroundCallEvent.begin(h);
            }
            switch (where) {
                case DATA_LANE -> dataLane.submit(h);
                case METADATA_LANE -> metaLane.submit(h);
                case JAVA_LANE -> javaLane.submit(h);
                default -> {
                    if (loopWaits != null && base.inLoop()) {
                        loopWaits.submit(h); // the loop's own poller watches it: no thread hand-off
                    } else {
                        toWaiter(h);
                    }
                }
            }
            return -1;
        } finally {
            submitGate.leave();
        }
    }

    /**
     * Hands a socket wait to the waiter thread. A waiter whose epoll failed has stopped (it ended
     * the calls it held with that errno) and refuses new ones: a new waiter takes over. Not while
     * closing: close stops the waiter only after every submitter has left {@link #submitGate}.
     */
    private void toWaiter(LaioCall h) {
        SocketWaiter w = waiter;
        while (w == null || !w.submit(h)) {
            w = newWaiter(w);
        }
    }

    private synchronized SocketWaiter newWaiter(SocketWaiter dead) {
        SocketWaiter w = waiter;
        if (w == dead) { // null, or stopped: no other submitter replaced it yet
            w = new SocketWaiter(completions::complete, counters);
            waiter = w;
        }
        return w;
    }

    /**
     * {@code c} was just cancelled while QUEUED ({@link LaioCall#cancel}): it completes as
     * cancelled now, and a socket wait stops being watched.
     */
    public void cancelled(LaioCall c) {
        int fd = (int) c.a1;
        boolean watched = loopWaits != null && c.viaWaiter;
        endCancelled(c); // from here on c may be recycled: fd was read before
        if (watched) {
            forgetWait(fd);
        }
    }

    private void endCancelled(LaioCall c) {
        c.pinned = true; // it stays in the work queue (or the waiter's) until a helper skips it
        c.endUnfinished(Errno.ECANCELED);
        counters.cancelled.incrementAndGet(CallCounters.slot(c.nr));
        completions.complete(c);
    }

    /**
     * A cancelled socket wait may sit in the loop's per-descriptor record (only the loop thread
     * touches it): stop watching a descriptor nothing waits on any more — now on the loop thread,
     * else by a task the loop runs next. (If the loop reuses the number first, its submit prunes
     * the cancelled call itself, {@link LoopSocketWaits#submit}.)
     */
    private void forgetWait(int fd) {
        if (base.inLoop()) {
            loopWaits.cancelled(fd);
            return;
        }
        try {
            base.execute(() -> loopWaits.cancelled(fd)); // a cancel from another thread is rare: one task allocated
        } catch (IllegalStateException e) {
            // the base is closed: its epoll and every registration went with it
        }
    }

    /** close(): a queued call never runs. */
    private void cancelQueued(LaioCall c) {
        if (c.cancelQueued()) {
            endCancelled(c);
        }
    }

    /**
     * Closes admission (waiting for submitters inside), cancels queued calls, waits up to
     * {@link LaioConfig#closeWait()} for running ones and stops every helper and the waiter.
     */
    public void close() {
        submitGate.close(); // from here on every accepted call is in its queue
        long deadline = System.nanoTime() + config.closeWait().toNanos();
        HelperPool[] lanes = {dataLane, metaLane, javaLane};
        for (HelperPool lane : lanes) {
            lane.drainQueued(this::cancelQueued);
        }
        for (HelperPool lane : lanes) {
            lane.stop(Math.max(1, deadline - System.nanoTime()));
        }
        SocketWaiter w;
        synchronized (this) {
            w = waiter;
        }
        if (w != null) {
            w.stop(config.closeWait().toNanos()); // waiting socket calls complete with ECANCELED
        }
        if (loopWaits != null) {
            loopWaits.cancelAll();
        }
    }

    /** Helper threads alive now, over all lanes. */
    public int helpersAlive() {
        return dataLane.alive() + metaLane.alive() + javaLane.alive();
    }

    /** Calls waiting for a helper now, over all lanes. */
    public int queued() {
        return dataLane.queued() + metaLane.queued() + javaLane.queued();
    }

    /** The name of route {@code where} ({@link #DATA_LANE} … {@link #PIPE_WAIT}), for JFR. */
    public static String routeName(int where) {
        return where >= 0 && where < ROUTE_NAMES.length ? ROUTE_NAMES[where] : "route " + where;
    }
}
