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

import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the wake-up protocol with the real {@link LoopWaker}: producers enqueue into a
 * tiny queue (a count) and call {@link LoopWaker#wakeup()}; the loop thread runs passes of
 * "drain, {@link LoopWaker#sleep}, re-check, poll, {@link LoopWaker#awake()}" against a
 * backend whose wake-up is a sticky permit, as a selector's or a pipe's is (a wake-up before the
 * poll makes the poll return at once). Every interleaving must end with no lost wake-up (the loop
 * blocked in its poll with an item queued and no wake-up pending) and with at most one backend
 * wake-up per sleep (only the first producer pays). Loop passes may spin before they sleep
 * (a look at the queue while the word still says AWAKE): an item enqueued between the spin's last
 * look and the publication of the sleep must be seen by the re-check, since its producer's swap
 * read AWAKE and paid no wake-up.
 *
 * <p>Checked to fail when broken: with the loop re-checking before it publishes its sleep,
 * Lincheck reports the lost wake-up (the producer's swap sees AWAKE between the re-check and the
 * publication); with {@code wakeup()} reading the word and then writing it (two steps instead of
 * one getAndSet), it reports two producers paying for one sleep.
 *
 * <p>Short by default (CI); {@code -Dlaio.lincheck.long=true} explores far more:
 * <pre>
 *   mvn -B -pl event-core test -Dtest='*Lincheck*' -Dsurefire.failIfNoSpecifiedTests=false -Dlaio.lincheck.long=true
 * </pre>
 */
public class LoopWakerLincheckTest {
    private static final boolean LONG = Boolean.getBoolean("laio.lincheck.long");

    /** The queue the producers fill and the loop drains (only its size matters here). */
    private final AtomicInteger queued = new AtomicInteger();
    /** A backend wake-up not yet consumed by a poll. */
    private final AtomicBoolean permit = new AtomicBoolean();
    private final AtomicInteger backendWakeups = new AtomicInteger();
    private final LoopWaker waker = new LoopWaker(new PermitBackend());
    // loop thread only
    private boolean blocked;
    private int sleeps;

    /** Any thread: publish an item, then wake the loop. */
    @Operation
    public void produce() {
        queued.incrementAndGet();
        waker.wakeup();
    }

    /** The loop: one pass (or, blocked in its poll, nothing until a wake-up arrives). */
    @Operation(nonParallelGroup = "loop")
    public void loopPass() {
        pass(false);
    }

    /**
     * The loop: one pass that spins before it sleeps (EventBase's spinForWork): it looks at the
     * queue while the word still says AWAKE, and goes on to publish its sleep only if that look
     * found nothing. A spin is a run of such looks; the last one is the one that races.
     */
    @Operation(nonParallelGroup = "loop")
    public void spinningLoopPass() {
        pass(true);
    }

    private void pass(boolean spin) {
        if (blocked) {
            if (!permit.getAndSet(false)) {
                return; // still asleep in poll(-1)
            }
            blocked = false;
            waker.awake(); // step 4
        }
        queued.set(0); // callbacks: drain what was queued (anything later is seen at the re-check)
        if (spin && queued.get() != 0) {
            return; // the spin found work: poll(0) and the next pass drain it, no sleep published
        }
        waker.sleep(); // step 1
        sleeps++;
        if (queued.get() != 0 || permit.getAndSet(false)) { // step 2 re-check; or a poll that returns at once
            permit.set(false); // poll(0) consumes a pending wake-up too
            waker.awake();
            return;
        }
        blocked = true; // step 3: poll(-1)
    }

    @Validate
    public void noLostWakeupAndOnePayerPerSleep() {
        if (blocked && queued.get() != 0 && !permit.get()) {
            throw new AssertionError("lost wake-up: the loop sleeps with " + queued.get() + " item(s) queued and no wake-up pending");
        }
        if (backendWakeups.get() > sleeps) {
            throw new AssertionError(backendWakeups.get() + " backend wake-ups for " + sleeps + " sleep(s)");
        }
    }

    @Test
    void noWakeupIsLostAndOneProducerPaysPerSleep() {
        new ModelCheckingOptions()
                .iterations(LONG ? 50 : 6)
                .invocationsPerIteration(LONG ? 2_000 : 150)
                .threads(3)
                .actorsPerThread(LONG ? 4 : 3)
                .actorsBefore(1)
                .actorsAfter(0) // a producer after the parallel part would heal a lost wake-up before the check
                .check(LoopWakerLincheckTest.class);
    }

    private final class PermitBackend implements Backend {
        @Override
        public String name() {
            return "permit";
        }

        @Override
        public boolean accepts(Object source) {
            return false;
        }

        @Override
        public Object register(Object source, int interest, Object attachment) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void modify(Object key, int interest) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cancel(Object key) {}

        @Override
        public int poll(long timeoutNanos, ReadySink sink) {
            throw new UnsupportedOperationException(); // the test plays the poll itself
        }

        @Override
        public void wakeup() {
            backendWakeups.incrementAndGet();
            permit.set(true);
        }

        @Override
        public void close() {}
    }
}
