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

package io.laio.internal.completion;

import io.laio.Laio;
import io.laio.LaioCompletion;
import io.laio.LaioConfig;
import io.laio.LaioHandle;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.spi.LoopSource;
import io.laio.event.spi.Loops;
import io.laio.event.spi.Waker;
import io.laio.internal.FacadeAccess;
import io.laio.internal.LaioCall;
import io.laio.internal.lanes.CallQueue;
import io.laio.internal.lanes.SpinBackoff;
import io.laio.internal.lanes.SpinGate;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * The completion side of one {@link Laio}: finished calls travel from helpers and socket waits
 * to the loop (attached: delivered as {@link Ev#LAIO} events by {@link #drain}) or to
 * {@link #poll} (standalone), each reported once; the wake-up of a loop that may be asleep; and
 * the records' life after that — recycled for the next call once their receiver is done.
 *
 * <p>Threading: {@link #complete} from any thread; {@link #drain}, {@link #beforeSleep},
 * {@link #reported} and the recycling on the consumer (the loop thread, or the one
 * {@link #poll}ing thread); {@link #take} and {@link #giveBack} from any submitter.
 */
public final class Completions implements LoopSource {
    static final int POOL_SIZE = 1024;

    private final EventBase base;
    private final CallCounters counters;
    private final InFlight inFlight;
    /** Completed calls, from helpers and the waiters to the loop (or poll): intrusive, allocates nothing. */
    private final CallQueue queue = new CallQueue(false);
    /** Recycled call records, reused by the next background calls (any thread takes, the consumer returns). */
    private final MpmcAtomicArrayQueue<LaioCall> pool = new MpmcAtomicArrayQueue<>(POOL_SIZE);
    /**
     * Consumer side: calls reported (to an event, or by the last poll) and not yet recycled —
     * each waits until its receiver is done with it (see {@link LaioHandle}).
     */
    private LaioCall[] reportedCalls = new LaioCall[64];
    private int reportedCount;
    private final Waker loopWaker;
    /**
     * Attached mode: whether the loop may be asleep (or about to sleep) without having seen the
     * queue. Only then does a helper that completes a call wake it. The loop sets it in
     * {@link #beforeSleep()} — the last thing it does before it sleeps — and then re-reads the
     * queue; it clears it at the start of {@link #drain}, before it reads the queue. The helper
     * enqueues, then reads it (a Dekker pair of volatile accesses: either the helper sees
     * {@code true} and wakes the loop, or the loop's re-read sees the call). While the loop is
     * awake and will drain, or spins on the queue, completions cost no wake-up at all — not even
     * the loop waker's atomic swap.
     */
    private volatile boolean loopMaySleep;
    private volatile Thread poller;
    /** Standalone mode: the thread of the last {@link #poll}, the one that receives completions. */
    private volatile Thread consumer;
    private volatile boolean closed;
    /** How long the loop spins for a completion before it sleeps ({@link LaioConfig#loopSpin()}). */
    private final long loopSpinNanos;
    /** The loop spins for completions only when another core can run the helper meanwhile. */
    private final boolean loopSpins;
    /** Loop thread only: spins for completions only now and then while they keep missing. */
    private final SpinBackoff spinBackoff = new SpinBackoff();

    /** Sees each completion on the consumer thread right before it reaches its receiver. */
    public interface Delivery {
        /** Consumer thread: {@code h} is finished and about to be delivered (its fields are final until then). */
        void delivering(LaioCall h);
    }

    /** Told of each completion before it is delivered, or null. */
    private Delivery delivery;

    /** Attached to {@code base} (its loop drains this source), or standalone when {@code base} is null. */
    public Completions(EventBase base, LaioConfig config, CallCounters counters, InFlight inFlight) {
        this.base = base;
        this.counters = counters;
        this.inFlight = inFlight;
        this.loopSpinNanos = config.loopSpin().toNanos();
        this.loopSpins = Runtime.getRuntime().availableProcessors() > 1 && loopSpinNanos > 0;
        this.loopWaker = base != null ? Loops.attach(base, this) : null;
    }

    /**
     * Before any completion is consumed (the owning thread, or the loop thread): {@code d} is
     * told of every completion {@link #drain} or {@link #poll} delivers from now on, before its
     * receiver sees it — so that what it learns holds when the receiver makes the next call.
     */
    public void onDelivery(Delivery d) {
        this.delivery = d;
    }

    /** A record for a new background call of {@code owner}: a recycled one, or a new one when none is free. */
    public LaioCall take(Laio owner) {
        LaioCall h = pool.poll();
        return h != null ? h : new LaioCall(owner);
    }

    /** A record taken for a call that was refused before anyone saw it. */
    public void giveBack(LaioCall h) {
        h.recycle();
        pool.offer(h); // a full pool drops it: the garbage collector takes it
    }

    /**
     * Any thread: {@code h} is finished (or ended); it goes to the consumer, which is woken if it
     * may be asleep. From here on the consumer may recycle {@code h}.
     */
    public void complete(LaioCall h) {
        complete(h, true);
    }

    /**
     * Loop thread, inside the pass that drains the queue next (the uring backend's reaping of a
     * call's completion): as {@link #complete}, without the wake-up — the loop is not asleep, only
     * still inside its wait's system call, and an eventfd write would cost a system call and one
     * empty pass.
     */
    public void completeOnLoop(LaioCall h) {
        complete(h, false);
    }

    private void complete(LaioCall h, boolean wake) {
        if (h.state() != LaioCall.DONE) {
            h.finish();
        }
        counters.latency(System.nanoTime() - h.submittedNanos);
        if (h.jfr != null) {
            BackgroundCallEvent.commit(h);
        }
        boolean socketWait = h.viaWaiter;
        queue.offer(h); // from here on the loop (or poll) may recycle h: do not touch it
        inFlight.release(socketWait); // after the offer: a loop spinning while calls are in flight never misses the last one
        if (!wake) {
            return;
        }
        if (loopWaker != null) {
            if (loopMaySleep) { // otherwise the loop will drain (or is spinning on) the queue
                loopWaker.wakeup();
            }
        } else {
            Thread p = poller;
            if (p != null) {
                LockSupport.unpark(p);
            }
        }
    }

    /** Standalone mode: whether the calling thread is the one that polled last (the one that receives completions). */
    public boolean consumes() {
        return consumer == Thread.currentThread();
    }

    /** Standalone mode: {@link Laio#poll}'s contract. */
    public synchronized int poll(LaioCompletion[] out, int max, Duration timeout) {
        Thread me = Thread.currentThread();
        if (consumer != me) {
            consumer = me;
        }
        recycleReported(false);
        int n = drainInto(out, max);
        if (n > 0 || (timeout != null && timeout.isZero())) {
            return n;
        }
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        poller = Thread.currentThread();
        try {
            while (true) {
                n = drainInto(out, max); // after publishing poller: a helper either sees us or we see its item
                if (n > 0) {
                    return n;
                }
                long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return 0;
                }
                LockSupport.parkNanos(this, Math.min(left, 1_000_000_000L)); // re-check interrupts now and then
            }
        } finally {
            poller = null;
        }
    }

    private int drainInto(LaioCompletion[] out, int max) {
        int n = 0;
        LaioCall h;
        Delivery d = delivery;
        while (n < max && (h = queue.poll()) != null) {
            h.drained = true;
            if (d != null) {
                d.delivering(h);
            }
            h.reported = true;
            FacadeAccess.get().fill(out[n++], h);
            reported(h);
        }
        return n;
    }

    /**
     * Consumer thread: delivers {@code h}'s outcome to the event waiting on it, unless it was
     * delivered already (an event added on a handle whose call had finished delivers at once).
     */
    public void deliver(LaioCall h) {
        if (h.waiting != null && !h.reported) {
            h.reported = true;
            Loops.deliver(h.waiting, h.result, h.errno);
            reported(h);
        }
    }

    /** Consumer thread: {@code h} was reported; recycle it once its receiver is done with it. */
    public void reported(LaioCall h) {
        if (h.pinned || closed) {
            return; // still linked into the queue it was cancelled in: never reused
        }
        if (reportedCount == reportedCalls.length) {
            reportedCalls = Arrays.copyOf(reportedCalls, reportedCount * 2);
        }
        reportedCalls[reportedCount++] = h;
    }

    /**
     * Consumer thread: recycles the reported calls whose receiver is done — all of them after a
     * poll; in attached mode those whose event is neither active nor pending any more (its
     * callback returned, or it was deleted). Those still waiting keep their order.
     */
    private void recycleReported(boolean attached) {
        int keep = 0;
        LaioCall[] calls = reportedCalls;
        if (closed) { // nothing is reused any more
            Arrays.fill(calls, 0, reportedCount, null);
            reportedCount = 0;
            return;
        }
        for (int i = 0, n = reportedCount; i < n; i++) {
            LaioCall h = calls[i];
            calls[i] = null;
            Event ev = h.waiting;
            if (attached && ev != null && ev.pending(Ev.LAIO)) {
                calls[keep++] = h; // its callback has not run yet (or it is a persistent event, still added)
                continue;
            }
            giveBack(h);
        }
        reportedCount = keep;
    }

    /** Attached mode, loop thread: drains completions and delivers them to the events waiting on them. */
    @Override
    public int drain(int max) {
        if (loopMaySleep) {
            loopMaySleep = false; // before reading the queue: from here on a helper relies on this drain
        }
        if (reportedCount != 0) {
            recycleReported(true); // a pass later: the callbacks of what was delivered before have run
        }
        int n = 0;
        LaioCall h;
        Delivery d = delivery;
        while (n < max && (h = queue.poll()) != null) {
            n++;
            h.drained = true;
            if (d != null) {
                d.delivering(h);
            }
            deliver(h);
        }
        return n;
    }

    /** Any thread: whether nothing is queued. */
    @Override
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Loop thread, right before it sleeps. With nothing queued: if calls are in flight on
     * helpers, a second core exists, the machine has a core to spare ({@link SpinGate}) and
     * recent spins paid, it first spins up to {@link LaioConfig#loopSpin()} for a completion — a
     * sleeping hand-off costs 15-30 µs here (docs/design/costs.md), a helper's getpid 1 µs;
     * spins that keep missing (long calls) back off: after 8 misses in a row it spins only
     * every 8th time. Then it publishes {@link #loopMaySleep} and re-reads the queue.
     *
     * @return whether the loop may sleep: nothing is queued
     */
    @Override
    public boolean beforeSleep() {
        if (!queue.isEmpty()) {
            return false; // the loop will drain: no helper needs to wake it
        }
        if (loopSpins && inFlight.onHelpers() && spinBackoff.shouldSpin() && SpinGate.open()) {
            long end = System.nanoTime() + loopSpinNanos;
            boolean got;
            do {
                Thread.onSpinWait();
                got = !queue.isEmpty();
            } while (!got && inFlight.onHelpers() && System.nanoTime() - end < 0 && !closed);
            spinBackoff.ended(got);
            if (got) {
                return false;
            }
        }
        loopMaySleep = true;
        return queue.isEmpty(); // after publishing: a helper that did not wake us is seen here
    }

    /** Close: nothing is reused from here on. */
    public void markClosed() {
        closed = true;
    }

    /** Close, after the background has stopped: cancelled and finished calls reach their events, and the source leaves the loop. */
    public void detach() {
        if (base != null) {
            drain(Integer.MAX_VALUE);
            Loops.detach(base, this);
        }
    }
}
