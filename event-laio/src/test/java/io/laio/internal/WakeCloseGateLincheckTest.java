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

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link WakeCloseGate}, the epoll and uring backends' wake-up against their
 * {@code close()}: the signal stands for the write to the descriptor close frees, and the
 * "freeing" is a flag close sets once the gate let it through. Checked: no signal runs after
 * the descriptors are freed (it would write into whatever took their number), close lets
 * exactly one caller free them, and a wake-up before any close signals (Lincheck compares the
 * results with sequential runs).
 *
 * <p>Short by default; {@code -Dlaio.lincheck.long=true} explores more.
 */
@Timeout(600)
public class WakeCloseGateLincheckTest {
    static final AtomicInteger INSTANCES = new AtomicInteger();

    private volatile boolean freed;
    private final AtomicInteger signals = new AtomicInteger();
    private final WakeCloseGate gate = new WakeCloseGate(() -> {
        if (freed) {
            throw new AssertionError("a wake-up wrote to a descriptor close had freed");
        }
        signals.incrementAndGet();
    });

    public WakeCloseGateLincheckTest() {
        INSTANCES.incrementAndGet();
    }

    /** A wake-up; returns whether it signalled. */
    @Operation
    public boolean wakeup() {
        int before = signals.get();
        gate.wake();
        return signals.get() != before;
    }

    /** Another use of the descriptors (an epoll_ctl from a closing thread): admitted only while they are open. */
    @Operation
    public boolean use() {
        if (!gate.enter()) {
            return false;
        }
        try {
            if (freed) {
                throw new AssertionError("a use touched a descriptor close had freed");
            }
            return true;
        } finally {
            gate.exit();
        }
    }

    /** close(): true for the one call that freed the descriptors. */
    @Operation
    public boolean close() {
        if (!gate.close()) {
            return false;
        }
        freed = true;
        return true;
    }

    @Test
    void modelCheckTheGate() {
        INSTANCES.set(0);
        LincheckModes.modelChecking(LincheckModes.LONG ? 3 : 2, 2).check(WakeCloseGateLincheckTest.class);
        assertTrue(INSTANCES.get() > 100, "Lincheck ran the scenarios");
    }
}
