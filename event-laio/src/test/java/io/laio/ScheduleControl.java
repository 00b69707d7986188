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

package io.laio;

import io.laio.internal.SchedulePoints;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The test side of {@link SchedulePoints}: stops a chosen thread at a named step until the test
 * releases it, or makes a step throw, so an interleaving is forced rather than hoped for.
 *
 * <pre>
 *   try (ScheduleControl s = ScheduleControl.install()) {
 *       ScheduleControl.Pause p = s.pause(HelperPool.SUBMIT_CLAIMED, t -&gt; t == submitter);
 *       ... start the submitter ...
 *       p.awaitReached();            // the submitter is now stopped at that step
 *       ... let other threads run ...
 *       p.release();
 *   }                                // releases every pause, removes the hook
 * </pre>
 * Each pause or failure is one-shot: it acts on the first matching thread to reach its point,
 * every other arrival passes. Closing releases every thread still stopped, so a failed
 * assertion never leaves a pool thread blocked behind it.
 */
final class ScheduleControl implements SchedulePoints.Hook, AutoCloseable {
    private static final long TIMEOUT_SECONDS = 10;
    private final List<Action> actions = new CopyOnWriteArrayList<>();

    private ScheduleControl() {}

    static ScheduleControl install() {
        ScheduleControl s = new ScheduleControl();
        SchedulePoints.install(s);
        return s;
    }

    /** The first thread matching {@code who} to reach {@code point} stops there until released. */
    Pause pause(String point, Predicate<Thread> who) {
        Pause p = new Pause(point, who);
        actions.add(p);
        return p;
    }

    /** The first thread matching {@code who} to reach {@code point} throws what {@code failure} gives. */
    void failAt(String point, Predicate<Thread> who, Supplier<? extends Throwable> failure) {
        actions.add(new Failure(point, who, failure));
    }

    /** A predicate for the threads of a helper pool (named {@code poolName-N}). */
    static Predicate<Thread> helperOf(String poolName) {
        return t -> t.getName().startsWith(poolName + "-");
    }

    @Override
    public void reached(String point) {
        Thread me = Thread.currentThread();
        for (Action a : actions) {
            if (a.point.equals(point) && a.who.test(me) && a.fired.compareAndSet(false, true)) {
                a.act();
            }
        }
    }

    @Override
    public void close() {
        SchedulePoints.install(null);
        for (Action a : actions) {
            if (a instanceof Pause p) {
                p.release();
            }
        }
    }

    private abstract static class Action {
        final String point;
        final Predicate<Thread> who;
        final AtomicBoolean fired = new AtomicBoolean();

        Action(String point, Predicate<Thread> who) {
            this.point = point;
            this.who = who;
        }

        abstract void act();
    }

    /** A thread stopped at a point. */
    static final class Pause extends Action {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile Thread thread;

        Pause(String point, Predicate<Thread> who) {
            super(point, who);
        }

        @Override
        void act() {
            thread = Thread.currentThread();
            reached.countDown();
            try {
                if (!released.await(TIMEOUT_SECONDS * 6, TimeUnit.SECONDS)) {
                    throw new AssertionError("never released from " + point);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits until a matching thread is stopped at the point; fails the test after 10 s. */
        Thread awaitReached() throws InterruptedException {
            if (!reached.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("no thread reached " + point);
            }
            return thread;
        }

        void release() {
            released.countDown();
        }
    }

    private static final class Failure extends Action {
        private final Supplier<? extends Throwable> failure;

        Failure(String point, Predicate<Thread> who, Supplier<? extends Throwable> failure) {
            super(point, who);
            this.failure = failure;
        }

        @Override
        void act() {
            sneakyThrow(failure.get());
        }

        @SuppressWarnings("unchecked")
        private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
            throw (T) t;
        }
    }
}
