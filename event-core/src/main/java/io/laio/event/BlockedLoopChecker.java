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


package io.laio.event;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * The blocked-loop detector (Vert.x's {@code BlockedThreadChecker} is the model): a thread that
 * looks at every running loop a few times per threshold and, when one callback or task has
 * held a loop longer than that base's {@link EventBase#blockedThreshold()}, logs a warning with
 * the loop thread's stack, once per blocking episode.
 *
 * <p><b>One checker thread per process</b>, not per base: a server runs one loop per core, and a
 * thread per loop that wakes every few hundred milliseconds would cost threads and wake-ups for
 * nothing; one thread walking a short list costs one wake-up per interval in all. The thread is
 * a daemon, started when the first watched loop starts and ended when the last one returns.
 *
 * <p><b>What the loop pays:</b> nothing more than its metrics. The loop writes, with an opaque
 * store, the time the current callback (or the pass, while timers, tasks and completions run)
 * started, and zero when it goes to wait ({@link LoopMeter#BUSY_SINCE}); the checker reads it.
 * An episode is one value of that stamp: it is warned about once however long it lasts, and a
 * new callback that blocks again is a new episode. The stack is taken after the stamp was seen
 * and kept only if the stamp has not changed meanwhile, so it belongs to the blocking callback.
 */
final class BlockedLoopChecker {
    static final BlockedLoopChecker PROCESS = new BlockedLoopChecker(
            new FailureLog(LoggerFactory.getLogger(BlockedLoopChecker.class), null), true);

    static final long MIN_INTERVAL_NANOS = 5_000_000L;
    static final long MAX_INTERVAL_NANOS = 500_000_000L;

    private final FailureLog log;
    private final boolean ownThread;
    private final CopyOnWriteArrayList<EventBase> bases = new CopyOnWriteArrayList<>();
    private Thread thread; // guarded by this

    /**
     * A checker reporting to {@code log}; with {@code ownThread} false nothing runs
     * {@link #checkAll} but its caller (tests drive it step by step, as Agrona's
     * {@code AgentInvoker} drives an agent).
     */
    BlockedLoopChecker(FailureLog log, boolean ownThread) {
        this.log = log;
        this.ownThread = ownThread;
    }

    /** Loop thread, as a loop starts: watch {@code base} until {@link #unwatch}. */
    void watch(EventBase base) {
        bases.addIfAbsent(base);
        if (!ownThread) {
            return;
        }
        synchronized (this) {
            if (thread == null) {
                // the exit decision is made under this lock after reading bases, so either the
                // old thread sees this base or a new thread starts here
                thread = Thread.ofPlatform().name("laio-blocked-loop-checker").daemon().unstarted(this::run);
                thread.start();
            } else {
                LockSupport.unpark(thread); // the base may ask for a shorter interval
            }
        }
    }

    /** Loop thread, as a loop returns. */
    void unwatch(EventBase base) {
        bases.remove(base);
    }

    private void run() {
        while (true) {
            long interval = checkAll(System.nanoTime());
            synchronized (this) {
                if (bases.isEmpty()) {
                    thread = null;
                    return;
                }
            }
            LockSupport.parkNanos(interval);
        }
    }

    /** One round over the watched loops at {@code now}; returns how long to wait for the next. */
    long checkAll(long now) {
        long interval = MAX_INTERVAL_NANOS;
        for (EventBase base : bases) {
            long threshold = base.blockedThresholdNanos();
            if (threshold <= 0) {
                continue;
            }
            interval = Math.min(interval, Math.max(MIN_INTERVAL_NANOS, threshold / 4));
            check(base, threshold, now);
        }
        return interval;
    }

    private void check(EventBase base, long threshold, long now) {
        LoopMeter meter = base.meter();
        long since = meter.read(LoopMeter.BUSY_SINCE);
        if (since == 0 || now - since < threshold || meter.read(LoopMeter.WARNED_EPISODE) == since) {
            return;
        }
        Thread loop = base.loopThread();
        if (loop == null) {
            return;
        }
        StackTraceElement[] stack = loop.getStackTrace();
        if (meter.read(LoopMeter.BUSY_SINCE) != since) {
            return; // the callback ended while the stack was taken: not its stack
        }
        meter.write(LoopMeter.WARNED_EPISODE, since);
        meter.write(LoopMeter.BLOCKED_EPISODES, meter.read(LoopMeter.BLOCKED_EPISODES) + 1);
        LoopThreadStack trace = new LoopThreadStack(loop);
        trace.setStackTrace(stack);
        log.warn("blocked", "the " + base.backendName() + " loop on thread '" + loop.getName()
                + "' has been held by one callback or task for " + (now - since) / 1_000_000 + " ms (threshold "
                + threshold / 1_000_000 + " ms): no other event of that loop runs meanwhile. Move blocking work off "
                + "the loop (a LAIO call, or another thread and EventBase.execute()). The loop thread's stack:", trace);
    }

    /** Carries the loop thread's stack to the log; never thrown. */
    static final class LoopThreadStack extends Throwable {
        private static final long serialVersionUID = 1L;

        LoopThreadStack(Thread loop) {
            super("stack of the blocked loop thread '" + loop.getName() + "'", null, false, true);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // the checker's own stack says nothing; the loop thread's is set instead
        }
    }
}
