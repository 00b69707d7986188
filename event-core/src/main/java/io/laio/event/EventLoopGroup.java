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

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ObjIntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N event loops, each an {@link EventBase} run by its own thread: Netty's {@code EventLoopGroup},
 * nginx's workers, memcached's {@code -t N} threads. A server spreads its connections over the
 * loops, and each connection stays on the loop that took it, so its events need no lock.
 *
 * <p><b>Threading.</b> Every method may be called from any thread, except {@link #close()}
 * and {@link #awaitTermination}, which a loop of the group must not call (they wait for it).
 * Each base is used by the rules of {@link EventBase}: its events only from its own loop
 * thread, from the moment the group is built (another thread is refused them with
 * {@link IllegalStateException} even before the loop begins); hand work to it with
 * {@link #execute(int, Runnable)} or {@link EventBase#execute}.
 * A loop thread refuses the events of another base ({@link Event} says so), even of a base
 * whose loop is not running.
 *
 * <p><b>Life.</b> {@link #builder() built}: every base is created (on the group's backend) and
 * its thread started, named {@code PREFIX-INDEX}; on that thread the {@link
 * Builder#onLoopStart start action} runs (CPU pinning, a per-loop {@code Laio}), then the loop
 * runs with {@link Ev#LOOP_NO_EXIT_ON_EMPTY}. {@link #shutdownGracefully(Duration, Duration)}
 * ends every loop after its pending work; each thread then runs the {@link Builder#onLoopEnd end
 * action}, closes its base and ends. A loop whose thread finds an uncaught exception in a
 * start action ends at once (logged), and the group still shuts down normally.
 */
public final class EventLoopGroup implements Executor, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoopGroup.class);
    /** {@link #execute} counters hold this once a loop takes no more tasks. */
    private static final long CLOSED = Long.MIN_VALUE;

    private final Loop[] loops;
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final CountDownLatch terminated;
    private volatile boolean shuttingDown;

    private EventLoopGroup(Builder b) {
        int n = b.loops;
        loops = new Loop[n];
        terminated = new CountDownLatch(n);
        int made = 0;
        try {
            for (; made < n; made++) {
                EventBase base = b.backend == null ? EventBase.create() : EventBase.create(b.backend);
                if (b.spinBeforeSleep != null) {
                    base.spinBeforeSleep(b.spinBeforeSleep);
                }
                loops[made] = new Loop(this, made, base, b);
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < made; i++) {
                loops[i].base.close();
            }
            throw e;
        }
        for (Loop l : loops) {
            l.thread.start();
        }
    }

    /**
     * A group of {@link Runtime#availableProcessors()} loops on the backend
     * {@link EventBase#create()} picks, no start or end action.
     *
     * @return the running group
     */
    public static EventLoopGroup create() {
        return builder().build();
    }

    /**
     * A group of {@code n} loops on the backend {@link EventBase#create()} picks.
     *
     * @param n the number of loops, at least 1
     * @return the running group
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static EventLoopGroup create(int n) {
        return builder().loops(n).build();
    }

    /**
     * A builder with the defaults: {@link Runtime#availableProcessors()} loops, the backend
     * {@link EventBase#create()} picks, threads named {@code laio-loop-INDEX}, no actions.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of loops; it never changes. */
    public int size() {
        return loops.length;
    }

    /**
     * The next base in round-robin order (0, 1, …, size-1, 0, …, shared by every caller): where
     * a server puts its next connection. Any thread.
     *
     * @return a base of the group
     */
    public EventBase next() {
        return loops[nextIndex()].base;
    }

    private int nextIndex() {
        int n = loops.length;
        return n == 1 ? 0 : Math.floorMod(nextIndex.getAndIncrement(), n);
    }

    /**
     * The base of loop {@code index}.
     *
     * @param index 0 to {@code size()-1}
     * @return that loop's base
     * @throws IndexOutOfBoundsException if {@code index} is out of range
     */
    public EventBase get(int index) {
        return loops[Objects.checkIndex(index, loops.length)].base;
    }

    /**
     * The index of the loop whose thread is calling, or -1 from any other thread.
     *
     * @return the caller's loop index, or -1
     */
    public int currentIndex() {
        return Thread.currentThread() instanceof LoopThread t && t.group == this ? t.index : -1;
    }

    /**
     * Runs {@code task} on the {@link #next()} loop, as {@link #execute(int, Runnable)} does.
     *
     * @param task the task
     * @throws RejectedExecutionException once that loop has ended or is ending (after
     *                                    {@link #shutdownGracefully} found it quiet)
     */
    @Override
    public void execute(Runnable task) {
        execute(nextIndex(), task);
    }

    /**
     * Runs {@code task} on loop {@code index}, after the tasks handed to that loop before it by
     * the same thread. A task accepted here always runs, even one that raced the quiet check,
     * unless the {@link #shutdownGracefully} timeout ends the loop first (its tasks are then
     * dropped, as that method says); it counts as activity for the quiet period; a task handed to {@link EventBase#execute}
     * directly is not watched by the group (it may be dropped if it races the base's close).
     *
     * @param index the loop
     * @param task  the task
     * @throws RejectedExecutionException once that loop has ended or is ending
     * @throws IndexOutOfBoundsException  if {@code index} is out of range
     */
    public void execute(int index, Runnable task) {
        Objects.requireNonNull(task, "task");
        Loop l = loops[Objects.checkIndex(index, loops.length)];
        l.enter();
        try {
            l.base.execute(task);
        } finally {
            l.posted.incrementAndGet(); // pairs with the loop's wait in finish(): the task is queued
        }
    }

    /**
     * Ends every loop after its pending work. Returns at once; {@link #awaitTermination} waits.
     * Each loop goes on running its events and tasks, and ends at the first check, made every
     * {@code quietPeriod} (every millisecond when it is zero), that finds no event pending but
     * the group's own, no task left, and no task handed in through {@link #execute} since the
     * previous check (Netty's quiet period). Then tasks that raced that check run in one last
     * non-blocking pass, the {@link Builder#onLoopEnd end action} runs, the base is
     * {@link EventBase#close() closed} and the thread ends. If {@code timeout} (from this call)
     * elapses first, the loop breaks after the callback running: its end action still runs, and
     * closing the base deletes its pending events without their callbacks and drops its tasks.
     * A persistent event nobody deletes (a listener's) keeps its loop until the timeout: stop
     * accepting first. Calling it again does nothing.
     *
     * @param quietPeriod how long a loop must stay idle before it ends; zero or more
     * @param timeout     the most time given to every loop; at least {@code quietPeriod}
     * @throws IllegalArgumentException if a duration is negative or {@code timeout < quietPeriod}
     */
    public void shutdownGracefully(Duration quietPeriod, Duration timeout) {
        if (quietPeriod.isNegative() || timeout.compareTo(quietPeriod) < 0) {
            throw new IllegalArgumentException("shutdownGracefully: need 0 <= quietPeriod (" + quietPeriod
                    + ") <= timeout (" + timeout + ")");
        }
        synchronized (this) {
            if (shuttingDown) {
                return;
            }
            shuttingDown = true;
        }
        long check = Math.max(Event.saturatedNanos(quietPeriod), TimeUnit.MILLISECONDS.toNanos(1));
        long deadline = System.nanoTime() + Math.min(Event.saturatedNanos(timeout), Long.MAX_VALUE / 4); // from this call
        for (Loop l : loops) {
            try {
                l.base.execute(() -> l.beginShutdown(check, deadline));
            } catch (IllegalStateException closed) {
                // this loop already ended (its start action failed)
            }
        }
    }

    /** Whether {@link #shutdownGracefully} was called. */
    public boolean isShuttingDown() {
        return shuttingDown;
    }

    /** Whether every loop has ended and its thread is gone. */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /**
     * Waits until every loop has ended and its thread has finished, or {@code timeout} elapses.
     *
     * @param timeout the most time to wait
     * @return true if every loop ended
     * @throws InterruptedException  if the waiting thread is interrupted
     * @throws IllegalStateException if called on a loop of this group (it would wait for itself)
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        checkNotOwnLoop("awaitTermination");
        if (!terminated.await(Event.saturatedNanos(timeout), TimeUnit.NANOSECONDS)) {
            return false;
        }
        for (Loop l : loops) {
            l.thread.join(); // counted down just before the thread's last instruction
        }
        return true;
    }

    /**
     * {@link #shutdownGracefully shutdownGracefully(0, 15 s)}, then waits for every loop to end
     * (an interrupt is kept, and the wait goes on).
     *
     * @throws IllegalStateException if called on a loop of this group
     */
    @Override
    public void close() {
        checkNotOwnLoop("close");
        shutdownGracefully(Duration.ZERO, Duration.ofSeconds(15));
        boolean interrupted = false;
        while (true) {
            try {
                awaitTermination(Duration.ofDays(1));
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkNotOwnLoop(String method) {
        if (currentIndex() >= 0) {
            throw new IllegalStateException("EventLoopGroup." + method + " on one of the group's loops would wait for"
                    + " itself; call shutdownGracefully() there and wait from another thread");
        }
    }

    @Override
    public String toString() {
        return "EventLoopGroup[" + loops.length + " loops on " + loops[0].base.backendName()
                + (isTerminated() ? ", terminated" : shuttingDown ? ", shutting down" : "") + "]";
    }

    /** A thread of a group: lets {@link Event} refuse, on it, the events of other bases. */
    static final class LoopThread extends Thread {
        final EventLoopGroup group;
        final int index;
        final EventBase base;

        LoopThread(EventLoopGroup group, int index, EventBase base, String name, Runnable body) {
            super(body, name);
            this.group = group;
            this.index = index;
            this.base = base;
        }
    }

    /** One loop: its base, its thread, and the shutdown it goes through on that thread. */
    private static final class Loop {
        final EventLoopGroup group;
        final int index;
        final EventBase base;
        final LoopThread thread;
        final ObjIntConsumer<EventBase> onStart;
        final ObjIntConsumer<EventBase> onEnd;
        /** Tasks let in by {@link #enter()}, or {@link #CLOSED}. */
        final AtomicLong entered = new AtomicLong();
        /** Tasks queued on the base by the group's execute (at most {@code entered}). */
        final AtomicLong posted = new AtomicLong();
        // loop thread only
        private Event quietCheck;
        private Event deadline;
        private long enteredAtLastCheck = -1;
        private boolean forced;
        private boolean quietEnded;

        Loop(EventLoopGroup group, int index, EventBase base, Builder b) {
            this.group = group;
            this.index = index;
            this.base = base;
            this.onStart = b.onStart;
            this.onEnd = b.onEnd;
            this.thread = new LoopThread(group, index, base, b.threadPrefix + "-" + index, this::run);
            thread.setDaemon(b.daemon);
            base.groupThread = thread; // its events are that thread's from now on, before its loop begins too
        }

        void enter() {
            long e;
            do {
                e = entered.get();
                if (e == CLOSED) {
                    throw new RejectedExecutionException("loop " + index + " of the group has ended");
                }
            } while (!entered.compareAndSet(e, e + 1));
        }

        private void run() {
            try {
                if (onStart != null) {
                    onStart.accept(base, index);
                }
                // serving: ended by beginShutdown's loopExit; a user's loopBreak or an interrupt
                // does not end a loop of a group (its thread is the group's, not the user's)
                while (quietCheck == null) {
                    base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
                    Thread.interrupted();
                }
                // shutting down: ended by the quiet check or the deadline
                while (!forced && !quietEnded) {
                    base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
                    Thread.interrupted();
                }
            } catch (Throwable t) {
                LOG.error("loop {} ended by an exception", index, t);
            } finally {
                finish();
            }
        }

        /** Loop thread: the group is shutting down; leave the never-empty mode for the quiet checks. */
        void beginShutdown(long checkNanos, long deadlineAt) {
            deadline = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> {
                forced = true;
                base.loopBreak();
            }, null);
            deadline.add(Duration.ofNanos(Math.max(0, deadlineAt - System.nanoTime())));
            quietCheck = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> checkQuiet(), null);
            quietCheck.add(Duration.ofNanos(checkNanos));
            base.loopExit(null); // the outer loop in run() now goes on with the quiet checks
        }

        /** Loop thread, every quiet period: ends the loop if nothing but the group's two timers is pending. */
        private void checkQuiet() {
            long e = entered.get();
            if (e == enteredAtLastCheck && base.insertedCount() == 2) {
                quietEnded = true;
                base.loopExit(null);
            }
            enteredAtLastCheck = e;
        }

        /** Loop thread: no more tasks in, the racing ones run, the end action, the base closed. */
        private void finish() {
            try {
                if (deadline != null) {
                    deadline.del();
                    quietCheck.del();
                }
                long e = entered.getAndSet(CLOSED); // no execute() enters after this
                while (posted.get() != e) {
                    Thread.onSpinWait(); // a task let in is being queued (a few instructions away)
                }
                if (!forced) {
                    base.loop(Ev.LOOP_NONBLOCK); // the tasks that raced the last quiet check
                }
                if (onEnd != null) {
                    onEnd.accept(base, index);
                }
            } catch (Throwable t) {
                LOG.error("loop {}: its end failed", index, t);
            } finally {
                base.close();
                group.terminated.countDown();
            }
        }
    }

    /**
     * Configures a group. Not thread-safe; {@link #build()} may be called more than once, each
     * call making a new group.
     */
    public static final class Builder {
        private int loops = Runtime.getRuntime().availableProcessors();
        private String backend;
        private String threadPrefix = "laio-loop";
        private boolean daemon;
        private ObjIntConsumer<EventBase> onStart;
        private ObjIntConsumer<EventBase> onEnd;
        private Duration spinBeforeSleep;

        private Builder() {}

        /**
         * How long each loop spins, at most, before it sleeps, as
         * {@link EventBase#spinBeforeSleep(Duration)} sets it (default: that method's default,
         * 5 µs on a machine with more than one CPU; {@link Duration#ZERO} turns it off).
         *
         * @param max the longest spin, at most 1 ms
         * @return this builder
         * @throws IllegalArgumentException if {@code max} is null, negative or longer than 1 ms
         */
        public Builder spinBeforeSleep(Duration max) {
            if (max == null || max.isNegative() || max.compareTo(Duration.ofNanos(LoopSpin.LIMIT_NANOS)) > 0) {
                throw new IllegalArgumentException("spinBeforeSleep: must be 0..1 ms, was " + max);
            }
            spinBeforeSleep = max;
            return this;
        }

        /**
         * The number of loops (default: {@link Runtime#availableProcessors()}).
         *
         * @param n at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder loops(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("an EventLoopGroup needs at least 1 loop, not " + n);
            }
            loops = n;
            return this;
        }

        /**
         * The backend every base runs on, by name as {@link EventBase#create(String)} takes it;
         * {@code null} (the default) picks it as {@link EventBase#create()} does.
         *
         * @param name {@code "nio"}, {@code "epoll"}, {@code "parking"}, or {@code null}
         * @return this builder
         */
        public Builder backend(String name) {
            backend = name;
            return this;
        }

        /**
         * The threads' name prefix; loop {@code i} runs on {@code PREFIX-i} (default
         * {@code laio-loop}).
         *
         * @param prefix the prefix
         * @return this builder
         */
        public Builder threadName(String prefix) {
            threadPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Whether the loop threads are daemon threads (default false: a running group keeps
         * the JVM alive, as a server's workers should).
         *
         * @param on true for daemon threads
         * @return this builder
         */
        public Builder daemon(boolean on) {
            daemon = on;
            return this;
        }

        /**
         * An action run on each loop's thread before its loop starts, with the base and the
         * loop's index: pin the thread to a CPU (event-laio's {@code sched_setaffinity}, for
         * instance), attach a {@code Laio}, add the loop's first events. event-core does no
         * pinning itself so that it stays free of native code. If it throws, the exception is
         * logged and that loop ends (its end action still runs).
         *
         * @param action the action, or {@code null} for none
         * @return this builder
         */
        public Builder onLoopStart(ObjIntConsumer<EventBase> action) {
            onStart = action;
            return this;
        }

        /**
         * An action run on each loop's thread after its loop ended and before its base is
         * closed, with the base and the loop's index: close the loop's {@code Laio} there. It
         * runs on every loop that started, also after a failed start action or a timeout.
         *
         * @param action the action, or {@code null} for none
         * @return this builder
         */
        public Builder onLoopEnd(ObjIntConsumer<EventBase> action) {
            onEnd = action;
            return this;
        }

        /**
         * Creates every base and starts every loop thread.
         *
         * @return the running group
         * @throws IllegalArgumentException      if the backend named is not present
         * @throws java.io.UncheckedIOException if a backend cannot be opened (the bases
         *                                       opened before it are closed)
         */
        public EventLoopGroup build() {
            return new EventLoopGroup(this);
        }
    }
}
