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

package io.laio.internal.epoll;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.LincheckModes;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link KeptNumbers}: the loop keeps numbers (and makes the table at the first),
 * closes through laio on any thread take them out, and the loop asks. Numbers 3 and 5 share a
 * word of bits and 70 has one of its own, so a lost update between two numbers' bits (a plain
 * read-modify-write) would show as a result no sequential run gives; so would a remove that
 * missed the table made by a concurrent first add. The table's growth has its own test,
 * {@link KeptNumbersGrowthLincheckTest}.
 */
@Timeout(600)
public class KeptNumbersLincheckTest {
    static final AtomicInteger INSTANCES = new AtomicInteger();
    private final KeptNumbers kept = new KeptNumbers();

    public KeptNumbersLincheckTest() {
        INSTANCES.incrementAndGet();
    }

    @Operation(nonParallelGroup = "loop")
    public boolean add3() {
        return kept.add(3);
    }

    @Operation(nonParallelGroup = "loop")
    public boolean add5() {
        return kept.add(5);
    }

    @Operation(nonParallelGroup = "loop")
    public boolean add70() {
        return kept.add(70);
    }

    @Operation
    public boolean remove3() {
        return kept.remove(3);
    }

    @Operation
    public boolean remove5() {
        return kept.remove(5);
    }

    @Operation
    public boolean remove70() {
        return kept.remove(70);
    }

    @Operation
    public boolean contains3() {
        return kept.contains(3);
    }

    @Operation
    public boolean contains5() {
        return kept.contains(5);
    }

    @Test
    void modelCheckTheBits() {
        INSTANCES.set(0);
        LincheckModes.modelChecking(LincheckModes.LONG ? 3 : 2, 3).check(KeptNumbersLincheckTest.class);
        assertTrue(INSTANCES.get() > 100, "Lincheck ran the scenarios");
    }
}
