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

package io.laio.internal;

/**
 * Named steps of the racy code where a test can stop a thread, so that a race found by luck (or
 * by a model checker) becomes a deterministic test: "stop the submitter between popping a helper
 * and claiming it, let the helper run its loop, then release the submitter".
 *
 * <p>Threading: {@link #at} is called by any thread, at a step named by a string constant
 * declared in the class that owns the step (for example {@code HelperPool.SUBMIT_POPPED}); a
 * name reads {@code "Class.method:step"}. The hook is installed and removed by a test, never by
 * production code; with no hook installed {@link #at} costs one read of a static field that is
 * always {@code null} (a plain load and a not-taken branch on x86; the string is a constant, so
 * nothing is allocated).
 *
 * <p>A hook may block the calling thread until the test releases it, record the order in which
 * threads reached the steps, or throw (to simulate a failure at that step, as an
 * {@link OutOfMemoryError} from {@code Thread.start()}): whatever it throws propagates from the
 * step as if the code there had thrown it. Points are placed where such a failure or such a
 * pause is possible in production (preemption can happen anywhere), so a test that uses them
 * exercises paths the real code can take. The test-side helper that pauses chosen threads is
 * {@code ScheduleControl} in the test sources.
 *
 * <p>Why a string and not an enum: each class declares its own points next to the code they name,
 * so adding one touches no shared file.
 */
public final class SchedulePoints {
    /** What a test runs at each point; must not keep the caller forever once the test ends. */
    @FunctionalInterface
    public interface Hook {
        void reached(String point);
    }

    /** Null outside tests. Volatile so a hook installed by the test thread is seen by the pool's threads. */
    private static volatile Hook hook;

    /**
     * Null outside tests: an errno that the next step asking for one ({@link #takeFault}) treats
     * as the kernel's answer, so a failure the kernel gives rarely (an {@code epoll_pwait} error)
     * can be tested. Consumed once.
     */
    private static volatile int fault;

    private SchedulePoints() {}

    /** The calling thread has reached {@code point}; returns at once unless a test hook is installed. */
    public static void at(String point) {
        Hook h = hook;
        if (h != null) {
            h.reached(point);
        }
    }

    /** Tests only: installs {@code h} (or removes the hook, with {@code null}). */
    public static void install(Hook h) {
        hook = h;
    }

    /** Tests only: the next {@link #takeFault} returns {@code errno}. */
    public static void injectFault(int errno) {
        fault = errno;
    }

    /** The injected errno, consumed; 0 (always, in production) for none. */
    public static int takeFault() {
        int f = fault;
        if (f != 0) {
            fault = 0;
        }
        return f;
    }

    /** Tests only: the fault not yet consumed, or 0. */
    public static int pendingFault() {
        return fault;
    }
}
