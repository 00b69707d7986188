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

import io.laio.internal.LaioCall;
import io.laio.internal.LincheckModes;
import io.laio.internal.lanes.CallQueue;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link CallQueue} as a helper lane's work queue: producers and several consumers taking turns
 * through {@link CallQueue#pollShared}, from any thread, against a sequential FIFO queue
 * ({@link CallQueueLincheckTest.Fifo}). Checked to fail when broken: with pollShared calling poll
 * without its lock, Lincheck reports one record returned to two consumers.
 */
@Param(name = "v", gen = IntGen.class, conf = "1:9")
public class CallQueueSharedLincheckTest {
    private final CallQueue queue = new CallQueue(true);

    @Operation
    public void offer(@Param(name = "v") int v) {
        LaioCall c = new LaioCall(null);
        c.a1 = v;
        queue.offer(c);
    }

    @Operation
    public Integer pollShared() {
        while (true) {
            LaioCall c = queue.pollShared();
            if (c != null) {
                return (int) c.a1;
            }
            if (queue.isEmpty()) {
                return null;
            }
            Thread.onSpinWait(); // a producer is between its two steps, or another consumer mid-poll
        }
    }

    @Operation
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Test
    void takingTurnsConsumersSeeAFifoQueue() {
        LincheckModes.modelChecking(3, 2).sequentialSpecification(CallQueueLincheckTest.Fifo.class)
                .check(CallQueueSharedLincheckTest.class);
    }
}
