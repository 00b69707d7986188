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

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.FacadeAccess;
import io.laio.internal.LaioCall;
import io.laio.internal.LincheckModes;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of a handle re-pointed ({@link Laio#gethandle(LaioHandle)}) while other threads
 * cancel it or ask whether it is stale: a reader must see the (record, generation) pair the
 * handle had before or the one it has after, never the record of one with the generation of the
 * other. The two records stay at different generations (a at 5, b at 7) and neither moves, so
 * with a consistent pair neither {@code cancel} nor {@code isStale} can find the handle stale;
 * a torn pair ({@code (a, 7)} or {@code (b, 5)}) is stale at once, and the operation fails.
 * Without the seqlock in {@code LaioHandle.repoint} the checker finds that interleaving.
 *
 * <p>The owner re-points (one thread: {@code gethandle(reuse)} runs on the thread that receives
 * the handle's completions); {@code cancel} and {@code isStale} run on any thread.
 */
@Timeout(600)
public class HandleRepointLincheckTest {
    static final AtomicInteger INSTANCES = new AtomicInteger();

    private final LaioCall a = new LaioCall(null);
    private final LaioCall b = new LaioCall(null);
    private final LaioHandle h;
    private boolean onA = true; // the owner's thread only

    public HandleRepointLincheckTest() {
        INSTANCES.incrementAndGet();
        advance(a, 5);
        advance(b, 7);
        h = FacadeAccess.get().newHandle(a, 5);
    }

    /** Takes {@code c} through {@code gens} recycles to generation {@code gens}, then QUEUED there. */
    private static void advance(LaioCall c, int gens) {
        for (int i = 0; i < gens; i++) {
            c.recycle();
        }
        c.init(Sys.SYS_getpid, 0, 0, 0, 0, 0, 0, null, 0, null);
        if (c.generation() != gens) {
            throw new AssertionError(c.toString());
        }
    }

    /** The owner: re-points the handle at the other record. */
    @Operation(nonParallelGroup = "owner")
    public void repoint() {
        onA = !onA;
        FacadeAccess.get().repoint(h, onA ? a : b, onA ? 5 : 7);
    }

    /** Any thread: {@link Laio#cancel}'s read of the pair; a torn one throws "stale". */
    @Operation
    public void cancel() {
        h.cancelFor(null);
    }

    /** Any thread: neither record moved, so the handle is never stale. */
    @Operation
    public void isStale() {
        if (h.isStale()) {
            throw new AssertionError("a torn (record, generation) pair: " + h);
        }
    }

    @Test
    void modelCheckTheRepointedPair() {
        INSTANCES.set(0);
        LinChecker.check(HandleRepointLincheckTest.class, LincheckModes.modelChecking(3, 2));
        assertTrue(INSTANCES.get() > 100, "Lincheck ran the scenarios: " + INSTANCES.get());
    }
}
