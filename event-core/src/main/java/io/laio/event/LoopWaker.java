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
import io.laio.event.spi.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The wake-up protocol: one word shared by the loop and every producer ({@code execute()}, LAIO
 * helpers, the socket waiter, signal handlers), so a wake-up is never lost and at most one
 * producer pays for it per sleep (Netty's {@code nextWakeupNanos} is the model).
 *
 * <p>The word holds {@link #AWAKE} while the loop runs callbacks, or {@link #ASLEEP} when it is
 * about to sleep. It stores no deadline: timers are loop-thread-only, so no producer ever has a
 * timer whose deadline it could compare with the loop's (see docs/design/wakeup.md, "Cross-thread
 * timers"). Loop:
 * <pre>
 *   0. (spin, if LoopSpin allows)   poll the queues while word = AWAKE   (volatile reads)
 *      work found → poll(0), skip 1-2
 *   1. sleep()                     word := ASLEEP                       (volatile write)
 *   2. re-check every queue         tasks, LAIO completions, signals     (volatile reads)
 *      non-empty → poll(0) instead of sleeping
 *   3. backend.poll(timeout)
 *   4. awake()                      word := AWAKE                        (release write)
 * </pre>
 * Producer: enqueue (a volatile write in the MPSC queue), then {@link #wakeup()}:
 * {@code if (word.getAndSet(AWAKE) != AWAKE) backend.wakeup()}.
 *
 * <p>Race table (P = producer, L = loop):
 * <pre>
 *  P enqueues before L's step 1          L's step 2 sees the item: no sleep.           OK
 *  P enqueues between steps 1 and 2      L's step 2 sees it; P's swap sees ASLEEP
 *                                        and wakes the backend once more: one extra,
 *                                        harmless early return from the next poll.     OK (extra wake)
 *  P enqueues after step 2, L in poll    P's swap sees ASLEEP → backend.wakeup():
 *                                        poll returns.                                 OK
 *  P's swap precedes L's poll call       backend.wakeup() before poll makes the next
 *                                        poll return at once (selector/pipe/permit).   OK
 *  second P while L still asleep         swap sees AWAKE (first P set it): no second
 *                                        wake-up; L drains both items.                 OK
 *  P after step 4 (L running callbacks)  swap sees AWAKE: no wake-up; L drains the
 *                                        queue later in this pass or re-checks at 2.   OK
 *  P sees a stale ASLEEP after step 4   (step 4 is a release write) one unneeded
 *                                        backend.wakeup(): an early return, no loss.   OK (extra wake)
 *  P enqueues while L spins (step 0)     the spin sees the item; P's swap sees AWAKE:
 *                                        no wake-up, no sleep.                         OK
 *  P enqueues after the spin's last      the spin gave up, but step 2 still runs and
 *  look, before step 1                   sees the item; P's swap saw AWAKE: no wake.   OK
 * </pre>
 * Steps 1–2 and the producer's enqueue-then-swap are each a volatile write followed by a
 * volatile read of the other side's variable; sequential consistency of volatile accesses means
 * at least one side sees the other, which is all the protocol needs. {@code LoopWakerLincheckTest}
 * model-checks the table: every interleaving of producers with loop passes ends with no lost
 * wake-up and at most one backend wake-up per sleep.
 */
final class LoopWaker implements Waker {
    static final int AWAKE = 0;
    static final int ASLEEP = 1;

    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(LoopWaker.class, "word", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Backend backend;
    @SuppressWarnings("unused") // accessed through WORD
    private volatile int word = AWAKE;

    LoopWaker(Backend backend) {
        this.backend = backend;
    }

    /** Loop, step 1: about to sleep. */
    void sleep() {
        WORD.setVolatile(this, ASLEEP);
    }

    /** Loop, step 4. */
    void awake() {
        WORD.setRelease(this, AWAKE);
    }

    /** Any thread, after publishing work for the loop. */
    @Override
    public void wakeup() {
        if ((int) WORD.getAndSet(this, AWAKE) != AWAKE) {
            backend.wakeup();
        }
    }

    /** Unconditional wake-up, for rare control paths (loopBreak, loopExit, close). */
    void wakeupAlways() {
        WORD.setVolatile(this, AWAKE);
        backend.wakeup();
    }
}
