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

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laio.internal.LincheckModes;
import io.laio.internal.lanes.IdleStack;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the helper pool's idle stack and claim ({@link IdleStack}): two helpers, each
 * driven by its own thread through the steps its real loop takes (go idle, wake: take itself back
 * or accept a claim, retire, die), against submitters claiming from any thread. After every
 * scenario the invariant must hold: each helper is on the stack exactly once if IDLE and never
 * otherwise, the stack holds at most the live helpers, and every claim was counted searching
 * once. Checked to fail when broken: with the claim split again into a pop under the lock and
 * a later compare-and-set IDLE → CLAIMED (the code before issue 14's fix of defect 1), Lincheck
 * reports a helper both retired and claimed (results no sequential order gives), and a helper
 * that died after the pop but was still claimed, leaving the searching count raised for good.
 * Run longer with {@code -Dlaio.lincheck.long=true}
 * ({@link LincheckModes}).
 */
public class IdleStackLincheckTest {
    private final AtomicInteger searching = new AtomicInteger();
    private final IdleStack stack = new IdleStack(2, searching);
    private final IdleStack.Entry[] helpers = {new IdleStack.Entry(), new IdleStack.Entry()};
    private int claims;

    /** Helper {@code i}, done with its work: goes idle (nothing if it is not working). */
    private int idle(int i) {
        IdleStack.Entry e = helpers[i];
        if (e.state != IdleStack.WORKING) {
            return -1;
        }
        stack.push(e);
        return IdleStack.IDLE; // not e.state: a claimer may already have moved it on
    }

    /** Helper {@code i} after its re-check found work, or woken: back to work. */
    private int wake(int i) {
        IdleStack.Entry e = helpers[i];
        int s = e.state;
        if (s == IdleStack.IDLE && stack.takeBack(e)) {
            return 1;
        }
        if (e.state == IdleStack.CLAIMED) { // claimed before, or between the read and the take-back: the claim stands
            e.state = IdleStack.WORKING; // as HelperPool: only the claimed helper moves itself on
            searching.decrementAndGet(); // and stops searching when it takes a call
            return 3;
        }
        return 0;
    }

    private int retire(int i) {
        IdleStack.Entry e = helpers[i];
        return e.state == IdleStack.IDLE && stack.retire(e) ? 1 : 0; // 0: not idle, or claimed first
    }

    private int die(int i) {
        int was = stack.abandon(helpers[i]);
        if (was == IdleStack.CLAIMED) {
            searching.decrementAndGet(); // HelperPool.died: the claimer's count goes with it
        }
        return was;
    }

    @Operation(nonParallelGroup = "helper0")
    public int idle0() {
        return idle(0);
    }

    @Operation(nonParallelGroup = "helper0")
    public int wake0() {
        return wake(0);
    }

    @Operation(nonParallelGroup = "helper0")
    public int retire0() {
        return retire(0);
    }

    @Operation(nonParallelGroup = "helper1")
    public int idle1() {
        return idle(1);
    }

    @Operation(nonParallelGroup = "helper1")
    public int wake1() {
        return wake(1);
    }

    @Operation(nonParallelGroup = "helper1")
    public int die1() {
        return die(1);
    }

    /** A submitter (or a helper passing a wake-up on): which helper it claimed, or -1. */
    @Operation
    public int claim() {
        IdleStack.Entry e = stack.claim();
        if (e == null) {
            return -1;
        }
        synchronized (this) {
            claims++;
        }
        return e == helpers[0] ? 0 : 1;
    }

    @Validate
    public void invariant() {
        int onStack = 0;
        int claimed = 0;
        for (IdleStack.Entry e : helpers) {
            int n = stack.occurrences(e);
            onStack += n;
            if (n != (e.state == IdleStack.IDLE ? 1 : 0)) {
                throw new AssertionError("a helper in state " + e.state + " is on the idle stack " + n + " times");
            }
            if (e.state == IdleStack.CLAIMED) {
                claimed++;
            }
        }
        if (stack.size() != onStack) {
            throw new AssertionError("size " + stack.size() + " but " + onStack + " helpers on the stack");
        }
        if (searching.get() != claimed) {
            throw new AssertionError("searching " + searching.get() + " but " + claimed + " helpers claimed and not yet woken");
        }
    }

    @Test
    void idleStackAndClaimKeepTheirInvariantUnderEveryInterleaving() {
        LincheckModes.modelChecking(3, 3).check(IdleStackLincheckTest.class);
    }

    @Test
    void theSequenceOfDefectOneLeavesNoDuplicate() {
        // the three steps of defect 1 done one after another, as a plain sanity check of the model
        assertEquals(IdleStack.IDLE, idle(0));
        assertEquals(0, claim());
        assertEquals(3, wake(0));
        assertEquals(IdleStack.IDLE, idle(0));
        invariant();
    }
}
