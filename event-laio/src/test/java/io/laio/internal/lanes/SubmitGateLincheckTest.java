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

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Laio;
import io.laio.internal.LaioCallStateLincheckTest;
import io.laio.internal.lanes.SubmitGate;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link SubmitGate}, the hand-off between submitters and {@code close()}
 * ({@link Laio#close()}, the socket waiter's shutdown): submitters that get in hand a call over
 * (here: count it), close closes the gate and then takes what was handed over (here: reads the
 * count). Checked: a submit is accepted iff it linearizes before the close (Lincheck compares the
 * results with sequential runs), and nothing is handed over after close has taken the lot — the
 * stranded call, or the eventfd written after it was closed.
 *
 * <p>Short by default; {@code -Dlaio.lincheck.long=true} explores more (see
 * {@link LaioCallStateLincheckTest}).
 */
@Timeout(600)
public class SubmitGateLincheckTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SubmitGateLincheckTest.class);

    static final AtomicInteger INSTANCES = new AtomicInteger();

    private final SubmitGate gate = new SubmitGate();
    private final AtomicInteger handedOver = new AtomicInteger();
    private volatile int takenByClose = -1;

    public SubmitGateLincheckTest() {
        INSTANCES.incrementAndGet();
    }

    @Operation
    public boolean submit() {
        if (!gate.enter()) {
            return false;
        }
        try {
            handedOver.incrementAndGet();
        } finally {
            gate.leave();
        }
        return true;
    }

    @Operation
    public void close() {
        gate.close();
        int n = handedOver.get();
        if (takenByClose < 0) {
            takenByClose = n;
        } else if (takenByClose != n) {
            throw new AssertionError("a call was handed over after close took the lot");
        }
    }

    @Validate
    public void nothingAfterClose() {
        int taken = takenByClose;
        if (taken >= 0 && handedOver.get() != taken) {
            throw new AssertionError("stranded: " + (handedOver.get() - taken) + " handed over after close");
        }
    }

    @Test
    void modelCheckTheGate() {
        boolean isLong = Boolean.getBoolean("laio.lincheck.long");
        INSTANCES.set(0);
        ModelCheckingOptions o = new ModelCheckingOptions()
                .threads(isLong ? 3 : 2)
                .actorsPerThread(isLong ? 3 : 2)
                .actorsBefore(0)
                .actorsAfter(isLong ? 1 : 0)
                .iterations(isLong ? 100 : 10)
                .invocationsPerIteration(isLong ? 10_000 : 200);
        LinChecker.check(SubmitGateLincheckTest.class, o);
        LOG.info("SubmitGateLincheckTest: " + INSTANCES.get() + " instances checked");
        assertTrue(INSTANCES.get() > 200, "Lincheck ran the scenarios");
    }
}
