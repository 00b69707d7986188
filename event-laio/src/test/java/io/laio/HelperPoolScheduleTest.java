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

import static io.laio.BackgroundCallTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.LaioCall;
import io.laio.internal.SchedulePoints;
import io.laio.internal.lanes.HelperPool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The helper pool's races forced step by step through {@link SchedulePoints}, each one a
 * deterministic test of an interleaving that preemption makes possible (issue 14, defect 1 and
 * the counter leaks beside it). Every pool here has one helper: a helper lost or counted twice
 * then hangs the lane, which is what the tests look for.
 */
class HelperPoolScheduleTest {
    private static final long IDLE = TimeUnit.SECONDS.toNanos(30);
    private final AtomicIntegerArray ran = new AtomicIntegerArray(16);
    private HelperPool pool;

    private static LaioCall call(long id) {
        LaioCall c = new LaioCall(null);
        c.init(-1, id, 0, 0, 0, 0, 0, null, 0, null);
        return c;
    }

    private HelperPool newPool(String name) {
        pool = new HelperPool(name, 1, IDLE, 0, (h, ts) -> ran.incrementAndGet((int) h.a1));
        return pool;
    }

    @AfterEach
    void stopPool() {
        SchedulePoints.install(null);
        if (pool != null) {
            pool.stop(TimeUnit.SECONDS.toNanos(5));
        }
    }

    private static void awaitParked(Thread t) {
        waitUntil(() -> t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING);
    }

    private void runsOnce(int id) {
        waitUntil(() -> ran.get(id) >= 1);
        assertEquals(1, ran.get(id), "call " + id + " ran once");
    }

    /**
     * Defect 1: the submitter takes the idle helper and is preempted before it claims it; the helper
     * finds the call on its own re-check, runs it, goes idle again; then the submitter claims it.
     * Before the fix the helper was left on the idle stack twice, its next push overflowed the stack
     * (the helper thread died, still counted alive), the next submit threw
     * ArrayIndexOutOfBoundsException and every later call on the lane hung.
     */
    @Test
    void whenTheSubmitterIsPreemptedBeforeItClaimsTheHelperThatRanTheCallThenTheHelperIsIdleOnceAndTheLaneGoesOn()
            throws Exception {
        HelperPool p = newPool("sched-double");
        try (ScheduleControl s = ScheduleControl.install()) {
            ScheduleControl.Pause helperIdle = s.pause(HelperPool.IDLE_PUSHED, ScheduleControl.helperOf("sched-double"));
            p.submit(call(1));
            Thread helper = helperIdle.awaitReached(); // ran call 1, on the idle stack, not yet re-checked the queue
            runsOnce(1);

            Thread submitter = Thread.ofPlatform().unstarted(() -> p.submit(call(2)));
            ScheduleControl.Pause tookIdle = s.pause(HelperPool.SUBMIT_TOOK_IDLE, t -> t == submitter);
            submitter.start();
            tookIdle.awaitReached(); // call 2 queued, the helper taken off the idle stack

            helperIdle.release(); // the helper's re-check finds call 2, runs it and goes idle again
            runsOnce(2);
            awaitParked(helper);
            assertEquals(1, p.idleCount(), "the helper is idle once");

            tookIdle.release(); // the submitter goes on with the helper it took
            submitter.join();
        }
        waitUntil(() -> p.searching() == 0);
        assertEquals(1, p.alive());
        for (int id = 3; id < 8; id++) {
            int i = id;
            assertDoesNotThrow(() -> p.submit(call(i)));
            runsOnce(id);
        }
        waitUntil(() -> p.idleCount() == 1 && p.searching() == 0);
        assertEquals(1, p.alive(), "the one helper is still alive and counted once");
    }

    /** The helper's thread could not be started: nothing stays counted, and the call runs on the next helper started. */
    /**
     * A helper that cannot start when none is alive: the queued call would wait for some later
     * submission (forever, if none came); it ends at once with EAGAIN instead, and the counts are
     * restored so the next submission starts a helper.
     */
    @Test
    void whenAHelperThreadCannotStartAndNoneIsAliveThenTheQueuedCallEndsWithEagainAndTheNextSubmitRuns() throws Exception {
        java.util.List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        pool = new HelperPool("sched-start", 1, IDLE, 0, (h, ts) -> ran.incrementAndGet((int) h.a1),
                (h, errno) -> refused.add(h.a1 + ":" + Errno.name(errno)));
        HelperPool p = pool;
        try (ScheduleControl s = ScheduleControl.install()) {
            // in production an OutOfMemoryError ("unable to create native thread"); an Error of
            // another kind here, since JUnit treats an OutOfMemoryError as fatal to the test JVM
            s.failAt(HelperPool.SPAWN_STARTING, t -> true, () -> new Error("injected: Thread.start() failed"));
            assertDoesNotThrow(() -> p.submit(call(1)));
        }
        assertEquals(java.util.List.of("1:EAGAIN"), refused, "the call no helper will run was answered at once");
        assertEquals(0, p.alive(), "no helper counted alive");
        assertEquals(0, p.searching(), "no helper counted searching");
        assertEquals(0, p.queued(), "nothing left queued");
        p.submit(call(2));
        runsOnce(2);
        assertEquals(0, ran.get(1), "the refused call never ran");
    }

    /** A helper that dies of an unexpected error while idle leaves the stack and the counts; the lane goes on. */
    @Test
    void whenAHelperDiesWhileIdleThenItIsNeverClaimedAndTheNextCallStartsAnother() throws Exception {
        HelperPool p = newPool("sched-die-idle");
        try (ScheduleControl s = ScheduleControl.install()) {
            s.failAt(HelperPool.IDLE_PUSHED, ScheduleControl.helperOf("sched-die-idle"), () -> new Error("injected"));
            p.submit(call(1));
            runsOnce(1);
            waitUntil(() -> p.alive() == 0);
        }
        assertEquals(0, p.idleCount(), "the dead helper left the idle stack");
        assertEquals(0, p.searching());
        p.submit(call(2));
        runsOnce(2);
    }

    /** A helper that dies of an unexpected error with work queued starts its replacement: the queued call runs. */
    @Test
    void whenAHelperDiesWithWorkQueuedThenAReplacementRunsIt() throws Exception {
        HelperPool p = newPool("sched-die-busy");
        try (ScheduleControl s = ScheduleControl.install()) {
            ScheduleControl.Pause idle = s.pause(HelperPool.IDLE_PUSHED, ScheduleControl.helperOf("sched-die-busy"));
            s.failAt(HelperPool.IDLE_PUSHED, ScheduleControl.helperOf("sched-die-busy"), () -> new Error("injected"));
            p.submit(call(1));
            idle.awaitReached();
            // call 2 is queued while the helper is on the stack: the submitter claims it or leaves
            // it to the re-check; either way the helper then dies at the step
            Thread submitter = Thread.ofPlatform().start(() -> p.submit(call(2)));
            submitter.join();
            idle.release();
            runsOnce(2);
        }
        waitUntil(() -> p.alive() <= 1 && p.searching() == 0);
        p.submit(call(3));
        runsOnce(3);
    }

    /** close() reaching a helper between its idle push and its re-check: the helper exits and is no longer counted. */
    @Test
    void whenStopReachesAHelperAboutToRecheckThenItExitsUncounted() throws Exception {
        HelperPool p = newPool("sched-stop-idle");
        try (ScheduleControl s = ScheduleControl.install()) {
            ScheduleControl.Pause idle = s.pause(HelperPool.IDLE_PUSHED, ScheduleControl.helperOf("sched-stop-idle"));
            p.submit(call(1));
            idle.awaitReached();
            Thread stopper = Thread.ofPlatform().start(() -> p.stop(TimeUnit.SECONDS.toNanos(10)));
            waitUntil(() -> stopper.getState() != Thread.State.RUNNABLE); // stopping is set, joining the helper
            idle.release();
            stopper.join();
        }
        assertEquals(0, p.alive());
        assertEquals(0, p.searching());
        pool = null;
    }

    /** close() while a helper runs a call: when the call returns the helper exits and is no longer counted. */
    @Test
    void whenStopComesDuringACallThenTheHelperExitsUncountedAfterIt() throws Exception {
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        pool = new HelperPool("sched-stop-busy", 1, IDLE, 0, (h, ts) -> {
            inCall.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        HelperPool p = pool;
        p.submit(call(1));
        assertTrue(inCall.await(10, TimeUnit.SECONDS));
        Thread stopper = Thread.ofPlatform().start(() -> p.stop(TimeUnit.SECONDS.toNanos(10)));
        waitUntil(() -> stopper.getState() != Thread.State.RUNNABLE);
        finish.countDown();
        stopper.join();
        assertEquals(0, p.alive());
        assertEquals(0, p.searching());
        pool = null;
    }
}
