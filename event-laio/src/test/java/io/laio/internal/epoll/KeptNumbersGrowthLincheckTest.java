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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link KeptNumbers}' growth: the loop keeps 3 and a number above 65,536 in
 * a chunk of its own (70,000: its first add grows the directory), while other threads take
 * 3 out and ask. A clear made through the directory a growth replaced
 * (a chunk copied rather than shared) or a chunk the growth dropped would show as a result no
 * sequential run gives.
 */
@Timeout(600)
public class KeptNumbersGrowthLincheckTest {
    static final AtomicInteger INSTANCES = new AtomicInteger();
    private final KeptNumbers kept = new KeptNumbers();

    public KeptNumbersGrowthLincheckTest() {
        INSTANCES.incrementAndGet();
    }

    @Operation(nonParallelGroup = "loop")
    public boolean add3() {
        return kept.add(3);
    }

    @Operation(nonParallelGroup = "loop")
    public boolean add70000() {
        return kept.add(70_000);
    }

    @Operation
    public boolean remove3() {
        return kept.remove(3);
    }

    @Operation
    public boolean contains3() {
        return kept.contains(3);
    }

    @Operation
    public boolean contains70000() {
        return kept.contains(70_000);
    }

    /**
     * The race random scenarios rarely set up: 3 kept, then a close through laio takes it out
     * while the loop's first add above the directory's end grows it; asked again afterwards.
     */
    private static ExecutionScenario clearDuringGrowth() throws NoSuchMethodException {
        return new ExecutionScenario(List.of(actor("add3")),
                List.of(List.of(actor("add70000")), List.of(actor("remove3"), actor("contains3"))),
                List.of(actor("contains3"), actor("contains70000")), null);
    }

    private static Actor actor(String operation) throws NoSuchMethodException {
        return new Actor(KeptNumbersGrowthLincheckTest.class.getMethod(operation), List.of());
    }

    @Test
    void modelCheckTheGrowth() throws NoSuchMethodException {
        INSTANCES.set(0);
        LincheckModes.modelChecking(LincheckModes.LONG ? 3 : 2, 3)
                .addCustomScenario(clearDuringGrowth())
                .check(KeptNumbersGrowthLincheckTest.class);
        assertTrue(INSTANCES.get() > 100, "Lincheck ran the scenarios");
    }
}
