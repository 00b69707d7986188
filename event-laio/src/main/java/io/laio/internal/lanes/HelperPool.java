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
import io.laio.internal.LaioCall;
import io.laio.internal.SchedulePoints;
import io.laio.internal.ThreadState;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run background calls: at most {@code maxHelpers}, started on demand, reused
 * last-in first-out (the most recently idle helper is the likeliest to be still spinning and
 * have a warm cache), each spinning briefly for new work before it parks (a burst of calls then
 * pays no unpark per call; a helper whose spins keep finding nothing spins only now and then),
 * and exiting after {@code helperIdle} without work. Named daemon threads with small stacks.
 *
 * <p>Few wake-ups: an unpark costs the submitter ~30 µs on this VM (a cross-CPU wake is an
 * IPI, and the guest exits for it; perf put 7.5% of a cold thttpd loop in it). So a submitter
 * wakes a helper only when none is <em>searching</em>: awake and about to look at the queue
 * (just woken, spinning, or between two calls). A searching helper that takes a call and still
 * sees work queued wakes the next one before it runs its own, so a burst of N calls costs the
 * submitter one wake-up and still gets N helpers (Go's scheduler propagates wake-ups among its
 * spinning threads the same way).
 *
 * <p>Hand-off without lost wake-ups: a submitter enqueues the call, reads the searching count,
 * and when it is zero claims an idle helper and unparks it (the claim takes it off the
 * {@link IdleStack} and counts it searching in one step under the stack's lock: an idle helper is
 * on the stack exactly once, and never after it found work itself, exited or died). A helper
 * stops searching (decrements the count) before it re-checks the queue, whether it took a call
 * (then it wakes another if work remains) or found none (then it pushes itself on the idle stack
 * and re-checks before parking): whichever of submitter and helper comes second sees the other.
 * A helper that times out retires itself (IDLE → EXITING); if a submitter claimed it first it
 * stays. After exiting it re-checks the queue and starts a replacement if work arrived
 * meanwhile, so a call is never stranded.
 *
 * <p>Every way out of a helper counts it out ({@code alive}, and {@code searching} if it was
 * counted): a timeout, {@link #stop}, a thread that could not be started, and a helper killed by
 * an unexpected throwable (logged; a replacement is started if calls are queued). The steps of
 * these races are named {@link SchedulePoints} so tests can force each interleaving.
 */
public final class HelperPool {
    private static final Logger LOG = LoggerFactory.getLogger(HelperPool.class);
    /**
     * At most this many helpers (of every pool in the process) spin at once: spinning pays only
     * while a core is free (docs/design/costs.md: on one CPU it is a disaster, and a hundred helpers
     * spinning on two cores starve the threads doing the work).
     */
    private static final int MAX_SPINNERS = Runtime.getRuntime().availableProcessors() - 1;
    private static final AtomicInteger SPINNERS = new AtomicInteger();
    /** A submitter has taken (claimed) an idle helper and not yet unparked it. */
    public static final String SUBMIT_TOOK_IDLE = "HelperPool.wakeOne:tookIdle";
    /** A helper has pushed itself on the idle stack and not yet re-checked the queue. */
    public static final String IDLE_PUSHED = "HelperPool.waitForWork:idle";
    /** A helper's thread is created and about to be started (a throw here is a failed {@code Thread.start()}). */
    public static final String SPAWN_STARTING = "HelperPool.trySpawn:start";

    /** Runs one call on a helper thread. */
    public interface Worker {
        void run(LaioCall h, ThreadState state);
    }

    /**
     * Ends a call no helper will run (one could not be started and none is alive), on the
     * thread that found out: with {@code errno} as its answer, reported like any completion.
     */
    public interface Refusal {
        void refuse(LaioCall h, int errno);
    }

    private final String name;
    private final int maxHelpers;
    private final long idleNanos;
    /** How long an idle helper spins for work before it parks ({@link LaioConfig#helperSpin()}). */
    private final long spinNanos;
    private final Worker worker;
    private final Refusal refusal;
    /** Intrusive (nothing allocated per call); helpers take turns consuming. */
    private final CallQueue work = new CallQueue(true);
    /** Parked (or parking) helpers and their hand-off states; see its invariant. */
    private final IdleStack idle;
    private final AtomicInteger alive = new AtomicInteger();
    /** Helpers awake and about to poll the queue: woken or started and not yet running a call, spinning, or between calls. */
    private final AtomicInteger searching = new AtomicInteger();
    /** Unparks and starts by submitters (not by helpers passing a wake-up on); for tests and stats. */
    private final AtomicInteger submitterWakes = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger threadSeq = new AtomicInteger();
    private volatile boolean stopping;
    private final ConcurrentLinkedQueue<Thread> threads = new ConcurrentLinkedQueue<>();

    public HelperPool(String name, int maxHelpers, long idleNanos, long spinNanos, Worker worker) {
        this(name, maxHelpers, idleNanos, spinNanos, worker, (h, errno) -> h.endUnfinished(errno));
    }

    public HelperPool(String name, int maxHelpers, long idleNanos, long spinNanos, Worker worker, Refusal refusal) {
        this.name = name;
        this.maxHelpers = maxHelpers;
        this.idleNanos = idleNanos;
        this.spinNanos = spinNanos;
        this.worker = worker;
        this.refusal = refusal;
        this.idle = new IdleStack(maxHelpers, searching);
    }

    /** Any thread: queue a call and make sure a helper will run it. */
    public void submit(LaioCall h) {
        queued.incrementAndGet();
        work.offer(h);
        if (searching.get() == 0 && wakeOne()) {
            submitterWakes.incrementAndGet();
        }
    }

    /** Wakes an idle helper, or starts one, counted as searching; false if none could be had. */
    private boolean wakeOne() {
        Helper helper = (Helper) idle.claim(); // claimed and counted searching in one step
        if (helper != null) {
            SchedulePoints.at(SUBMIT_TOOK_IDLE);
            LockSupport.unpark(helper.thread);
            return true;
        }
        return trySpawn();
    }

    private boolean trySpawn() {
        int n;
        do {
            n = alive.get();
            if (n >= maxHelpers || stopping) {
                return false; // a busy helper will take the call when it finishes its own
            }
        } while (!alive.compareAndSet(n, n + 1));
        searching.incrementAndGet();
        Thread t = null;
        try {
            Helper helper = new Helper();
            t = Thread.ofPlatform().daemon().name(name + "-" + threadSeq.incrementAndGet()).stackSize(256 * 1024)
                    .unstarted(helper::loop);
            helper.thread = t;
            threads.add(t);
            SchedulePoints.at(SPAWN_STARTING);
            t.start();
            return true;
        } catch (Throwable e) {
            // typically "unable to create native thread": undo the counts, or submitters would
            // wait for a helper that never comes (searching) and no other would start (alive)
            if (t != null) {
                threads.remove(t);
            }
            searching.decrementAndGet();
            int left = alive.decrementAndGet();
            if (left > 0) {
                LOG.error("laio helper pool {} could not start a helper ({} alive run its queued calls)", name, left, e);
            } else {
                // no helper will ever come for what is queued: answer it now, as pthread_create
                // answers, rather than leave it until some later submission starts one
                int refused = refuseQueued();
                LOG.error("laio helper pool {} could not start a helper and none is alive: {} queued calls end with"
                        + " EAGAIN", name, refused, e);
            }
            return false;
        }
    }

    /** Ends every queued call with EAGAIN (one cancelled meanwhile was reported by its canceller). */
    private int refuseQueued() {
        int n = 0;
        for (LaioCall h; (h = work.pollShared()) != null; ) {
            queued.decrementAndGet();
            if (h.start()) {
                refusal.refuse(h, Errno.EAGAIN);
                n++;
            }
        }
        return n;
    }

    /** A helper leaves: it is no longer counted, and a call that raced with its exit is never stranded. */
    private void exited() {
        alive.decrementAndGet();
        if (!work.isEmpty() && !stopping) {
            trySpawn(); // work raced with our exit: never strand it
        }
    }

    private final class Helper extends IdleStack.Entry {
        Thread thread;
        /** Spins for the next call while they find calls; only now and then once they keep finding none. */
        private final SpinBackoff spinBackoff = new SpinBackoff();

        /** Whether this helper is counted searching (trySpawn counted it); this thread only. */
        private boolean counted = true;

        void loop() {
            ThreadState ts = ThreadState.current();
            try {
                while (turn(ts)) {
                    // each turn is a method call of its own: see turn()
                }
            } catch (Throwable t) {
                died(counted, t);
            } finally {
                threads.remove(thread);
            }
        }

        /**
         * One turn of the helper: take a call (spinning for one first when that pays) and run it,
         * or park until claimed; false once the helper has exited. A method of its own rather
         * than the body of {@link #loop}: a helper enters {@code loop} once and never returns, so
         * the JIT could compile that body only on-stack after tens of thousands of turns — which
         * a helper running 2 ms reads never reaches — and every call paid the interpreter on its
         * way in and out (8% of the helpers' CPU in a cold thttpd profile, docs/design/costs.md).
         * A method called once per turn is compiled by its invocation count, shared by every
         * helper of the process.
         */
        private boolean turn(ThreadState ts) {
            LaioCall h = work.isEmpty() ? null : work.pollShared();
            if (h == null && MAX_SPINNERS > 0 && spinNanos > 0 && spinBackoff.shouldSpin() && SpinGate.open()) {
                if (SPINNERS.incrementAndGet() <= MAX_SPINNERS) {
                    h = spinForWork();
                    spinBackoff.ended(h != null);
                }
                SPINNERS.decrementAndGet();
            }
            if (h != null) {
                queued.decrementAndGet();
                searching.decrementAndGet();
                counted = false;
                if (!work.isEmpty() && searching.get() == 0) {
                    wakeOne(); // more queued and nobody looking: pass the wake-up on before blocking in this call
                }
                runOne(h, ts);
                searching.incrementAndGet();
                counted = true;
                return true;
            }
            searching.decrementAndGet();
            counted = false;
            if (stopping || !waitForWork()) {
                exited();
                return false;
            }
            counted = true; // its claimer counted it, or it counted itself
            return true;
        }

        /**
         * An unexpected throwable escaped the loop (the worker's own are caught in runOne): leave
         * the pool as if this helper had exited normally, so none of its counts leaks and no
         * submitter claims a dead thread.
         */
        private void died(boolean counted, Throwable t) {
            int was = idle.abandon(this);
            if (counted || was == IdleStack.CLAIMED) {
                searching.decrementAndGet(); // counted by itself, or by the claimer that never got it
            }
            LOG.error("laio helper {} died; a replacement starts if calls are queued", thread.getName(), t);
            exited();
        }

        private LaioCall spinForWork() {
            long end = System.nanoTime() + spinNanos;
            LaioCall h;
            do {
                Thread.onSpinWait();
                // read-only until something is there: a CAS per turn would pull the queue's
                // cache line away from the submitter's tail swap
                h = work.isEmpty() ? null : work.pollShared();
            } while (h == null && System.nanoTime() - end < 0 && !stopping);
            return h;
        }

        /**
         * Parks until claimed; false when the helper should exit (timed out, or stopping), in which
         * case it is off the idle stack and the caller counts it out. True means it is counted
         * searching again: by its claimer, or by itself when its re-check found work first.
         */
        private boolean waitForWork() {
            idle.push(this);
            SchedulePoints.at(IDLE_PUSHED);
            if (!work.isEmpty() || stopping) {
                // re-check after publishing ourselves idle: either this sees the call or the submitter sees us
                if (idle.takeBack(this)) {
                    if (stopping && work.isEmpty()) {
                        return false;
                    }
                    searching.incrementAndGet(); // unclaimed, so counted by nobody else
                    return true;
                }
                // claimed first: the claim stands (the claimer counted us), go on as woken
            }
            long deadline = System.nanoTime() + idleNanos;
            while (state == IdleStack.IDLE) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || stopping) {
                    if (idle.retire(this)) {
                        return false;
                    }
                    break; // claimed in the meantime
                }
                LockSupport.parkNanos(HelperPool.this, left);
            }
            state = IdleStack.WORKING; // CLAIMED -> WORKING: off the stack, so only this thread moves it on
            return true;
        }
    }

    private void runOne(LaioCall h, ThreadState ts) {
        if (!h.start()) {
            return; // cancelled while queued; its completion was already posted
        }
        try {
            worker.run(h, ts);
        } catch (Throwable t) {
            LOG.error("laio helper failed running {}", h, t);
        }
    }

    public int alive() {
        return alive.get();
    }

    public int idleCount() {
        return idle.size();
    }

    public int searching() {
        return searching.get();
    }

    public int submitterWakes() {
        return submitterWakes.get();
    }

    public int queued() {
        return Math.max(0, queued.get());
    }

    /** Removes every queued call and hands each to {@code onCancelled}; for close(). */
    void drainQueued(java.util.function.Consumer<LaioCall> onCancelled) {
        LaioCall h;
        while ((h = work.pollShared()) != null) {
            queued.decrementAndGet();
            onCancelled.accept(h);
        }
    }

    /** Stops accepting work, wakes every helper, waits up to {@code waitNanos} for them to exit. */
    public boolean stop(long waitNanos) {
        stopping = true;
        for (Thread t : threads) {
            LockSupport.unpark(t);
        }
        long deadline = System.nanoTime() + waitNanos;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    LOG.warn("laio helper {} is still inside a blocking call after close(); it exits when the call returns",
                            t.getName());
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
