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

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laio.Laio;
import io.laio.Sys;
import io.laio.internal.LaioCall;
import io.laio.internal.sockets.SocketRetry;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of the {@link LaioCall} state word: one call waiting for readiness, raced by
 * the one thread that runs it (the socket waiter, or the loop: a retry that completes the call,
 * or one that would block and requeues it), by {@link Laio#cancel} callers, and by the internal
 * cancel of close or of the waiter's shutdown ({@link LaioCall#cancelQueued}). Lincheck's model
 * checker explores their interleavings at every shared access (the word's CASes included).
 *
 * <p>The operations return nothing (linearizability is not the property: a cancel that finds
 * the call RUNNING answers "not stopped" and the call may still end cancelled); each checks its
 * invariants where it acts, and {@link #everyCancelTookEffect} checks the end state:
 * <ul>
 *   <li>exactly one completion: no call is reported twice, and a call is only left unreported
 *       while it waits (QUEUED, no cancel requested);</li>
 *   <li>a cancel that returned {@code true} (1) is never followed by a normal completion;</li>
 *   <li>a cancel is never lost: once any cancel was requested, the call is DONE and reported.</li>
 * </ul>
 * The runner's operations share a non-parallel group: they run on one thread, as the waiter's do.
 *
 * <p>Short by default (well under 20 s on a 2-core VM). Run the long mode with
 * {@code -Dlaio.lincheck.long=true} (more scenarios and interleavings per scenario, minutes):
 * {@code mvn -pl event-laio test -Dtest=LaioCallStateLincheckTest -Dlaio.lincheck.long=true}.
 */
@Timeout(600)
public class LaioCallStateLincheckTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LaioCallStateLincheckTest.class);

    /** Lincheck runs this many scenarios per check; counted to show the check really ran. */
    static final AtomicInteger INSTANCES = new AtomicInteger();

    private final LaioCall call = new LaioCall(null);
    private final long gen;
    private final AtomicInteger completions = new AtomicInteger();
    private volatile boolean cancelledBeforeRun;
    private volatile boolean normalCompletion;

    public LaioCallStateLincheckTest() {
        INSTANCES.incrementAndGet();
        call.init(Sys.SYS_recvfrom, 3, 0, 8, 0, 0, 0, null, 0, null);
        call.viaWaiter = true;
        gen = call.generation();
    }

    private void completed(boolean normal) {
        if (completions.incrementAndGet() != 1) {
            throw new AssertionError("reported twice: " + call);
        }
        if (normal) {
            normalCompletion = true;
            if (cancelledBeforeRun) {
                throw new AssertionError("a cancel returned true, then the call completed normally");
            }
        }
    }

    /**
     * QUEUED with the cancel bit is the lost cancel itself: a cancel of a QUEUED call takes it
     * to DONE in the same CAS, so only a requeue over a cancel leaves that word. Checked where
     * the runner acts, so a later retry cannot hide it.
     */
    private void noLostCancel() {
        long w = call.word();
        if ((w & LaioCall.STATE_MASK) == LaioCall.QUEUED && (w & LaioCall.CANCEL_REQUESTED) != 0) {
            throw new AssertionError("a cancel was lost: the call waits again with its cancel bit set: " + call);
        }
    }

    /** The runner: one retry that completes the call (data came). */
    @Operation(nonParallelGroup = "runner")
    public void retryCompletes() {
        noLostCancel();
        if (call.start()) {
            call.finish();
            completed(true);
        }
    }

    /** The runner: one retry that would still block, as {@link SocketRetry#attempt} handles it. */
    @Operation(nonParallelGroup = "runner")
    public void retryWouldBlock() {
        noLostCancel();
        if (call.start()) {
            if (call.requeue()) {
                noLostCancel();
            } else {
                call.finish(); // ended as cancelled (SocketRetry.end, then Laio.complete's finish)
                completed(false);
            }
        }
    }

    /** {@link Laio#cancel}: 1 stops it (the canceller reports it), 0 leaves it to the runner. */
    @Operation
    public void cancel() {
        int r = call.cancel(gen);
        if (r < 0) {
            throw new AssertionError("a live handle was refused as stale");
        }
        if (r == 1) {
            cancelledBeforeRun = true;
            if (normalCompletion) {
                throw new AssertionError("cancel stopped a call that had completed");
            }
            completed(false);
        }
    }

    /** Close, or the waiter's shutdown: ends a QUEUED call. */
    @Operation
    public void cancelQueued() {
        if (call.cancelQueued()) {
            completed(false);
        }
    }

    @Validate
    public void everyCancelTookEffect() {
        noLostCancel();
        int state = call.state();
        if (state == LaioCall.RUNNING) {
            throw new AssertionError("left RUNNING with no runner: " + call);
        }
        if ((call.word() & LaioCall.CANCEL_REQUESTED) != 0 && (state != LaioCall.DONE || completions.get() != 1)) {
            throw new AssertionError("a cancel was lost: " + call + ", completions " + completions.get());
        }
        if (completions.get() != (state == LaioCall.DONE ? 1 : 0)) {
            throw new AssertionError("completions " + completions.get() + " for " + call);
        }
    }

    @Test
    void modelCheckTheCallStateWord() {
        boolean isLong = Boolean.getBoolean("laio.lincheck.long");
        INSTANCES.set(0);
        ModelCheckingOptions o = new ModelCheckingOptions()
                .threads(isLong ? 3 : 2)
                .actorsPerThread(isLong ? 3 : 2)
                .actorsBefore(0) // a runner op before the race only shrinks it
                .actorsAfter(0) // a later retry that completes would mask a lost cancel
                .iterations(isLong ? 200 : 20)
                .invocationsPerIteration(isLong ? 10_000 : 200);
        LinChecker.check(LaioCallStateLincheckTest.class, o);
        LOG.info("LaioCallStateLincheckTest: " + INSTANCES.get() + " instances checked");
        assertEquals(true, INSTANCES.get() > 500, "Lincheck ran the scenarios");
    }
}
