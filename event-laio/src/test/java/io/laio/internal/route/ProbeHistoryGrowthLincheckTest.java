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

package io.laio.internal.route;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.LincheckModes;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link ProbeHistory}'s growth: three numbers in chunks of their own (5,
 * 70,000 and 300,000, in a table that covers 2^31 numbers), each one's first change making its
 * chunk and, for the two high ones, growing the directory, while other threads mark, forget and
 * read the others. A mark written into a chunk that a growing directory lost, or a chunk made
 * twice (one of them dropped with its marks), would show as a result no sequential run gives.
 */
@Timeout(600)
public class ProbeHistoryGrowthLincheckTest {
    static final AtomicInteger INSTANCES = new AtomicInteger();
    private final ProbeHistory h = new ProbeHistory(1L << 31);

    public ProbeHistoryGrowthLincheckTest() {
        INSTANCES.incrementAndGet();
    }

    private void mark(long fd) {
        h.unprobeable(fd, h.ticket(fd));
    }

    private int read(long fd) {
        return ProbeHistory.how(h.readProbe(fd));
    }

    @Operation
    public void mark5() {
        mark(5);
    }

    @Operation
    public void mark70000() {
        mark(70_000);
    }

    @Operation
    public void mark300000() {
        mark(300_000);
    }

    @Operation
    public void forget70000() {
        h.forget(70_000);
    }

    @Operation
    public void forget300000() {
        h.forget(300_000);
    }

    @Operation
    public int read5() {
        return read(5);
    }

    @Operation
    public int read70000() {
        return read(70_000);
    }

    @Operation
    public int read300000() {
        return read(300_000);
    }

    @Test
    void modelCheckTheGrowth() {
        INSTANCES.set(0);
        LincheckModes.modelChecking(LincheckModes.LONG ? 3 : 2, 3).check(ProbeHistoryGrowthLincheckTest.class);
        assertTrue(INSTANCES.get() > 100, "Lincheck ran the scenarios");
    }
}
