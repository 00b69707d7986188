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
import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the intrusive MPSC queue ({@link CallQueue}) against a sequential FIFO
 * queue: producers offer from any thread; one consumer polls ({@link CallQueue#poll}) or several
 * take turns ({@link CallQueue#pollShared}); {@link CallQueue#isEmpty} from any thread.
 *
 * <p>A poll may return {@code null} while a producer is between its tail swap and its link (the
 * queue says so: it is then not empty); the consumers here retry in that case, as the helpers
 * and the loop do, so "null" means "empty at some instant" and the results must be those of a
 * FIFO queue. Checked to fail when broken: with {@link CallQueue#isEmpty} reading only the tail,
 * Lincheck reports a poll that returns empty while a record sits at the head. Run longer with
 * {@code -Dlaio.lincheck.long=true} ({@link LincheckModes}).
 */
@Param(name = "v", gen = IntGen.class, conf = "1:9")
public class CallQueueLincheckTest {
    private final CallQueue queue = new CallQueue(true);

    @Operation
    public void offer(@Param(name = "v") int v) {
        LaioCall c = new LaioCall(null);
        c.a1 = v;
        queue.offer(c);
    }

    @Operation(nonParallelGroup = "consumer")
    public Integer poll() {
        while (true) {
            LaioCall c = queue.poll();
            if (c != null) {
                return (int) c.a1;
            }
            if (queue.isEmpty()) {
                return null;
            }
            Thread.onSpinWait(); // a producer is between its two steps
        }
    }

    @Operation(nonParallelGroup = "consumer")
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Test
    void oneConsumerSeesAFifoQueue() {
        LincheckModes.modelChecking(3, 2).sequentialSpecification(Fifo.class).check(CallQueueLincheckTest.class);
    }

    /** The sequential specification: a FIFO queue. */
    public static final class Fifo {
        private final ArrayDeque<Integer> q = new ArrayDeque<>();

        public void offer(int v) {
            q.add(v);
        }

        public Integer poll() {
            return q.poll();
        }

        public boolean isEmpty() {
            return q.isEmpty();
        }

        public Integer pollShared() {
            return q.poll();
        }
    }
}
