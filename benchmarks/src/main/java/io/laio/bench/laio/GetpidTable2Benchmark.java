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

package io.laio.bench.laio;

import io.laio.Laio;
import io.laio.LaioCompletion;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.bench.AverageNanos;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The thesis's Table 2 (1,000,000 getpid: direct 0.80 s, liblaiogen 6.12 s): getpid issued in
 * batches of 1,000 through EAGER with 1, 10 and 100 helpers, all collected with poll(), beside
 * LAZY (which runs getpid inline). Per call; multiply by 10^6 for the table's seconds.
 */
@State(Scope.Thread)
public class GetpidTable2Benchmark extends AverageNanos {
    static final int BATCH = 1000;

    @Param({"1", "10", "100"})
    public int helpers;

    private Laio eager;
    private Laio lazy;
    private final LaioCompletion[] out = new LaioCompletion[BATCH];

    @Setup
    public void setUp() {
        eager = Laio.create(LaioConfig.builder().policy(Policy.EAGER).maxHelpers(helpers).maxQueued(BATCH).build());
        lazy = Laio.create();
        for (int i = 0; i < BATCH; i++) {
            out[i] = new LaioCompletion();
        }
    }

    @TearDown
    public void tearDown() {
        eager.close();
        lazy.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long eagerBatch() {
        for (int i = 0; i < BATCH; i++) {
            eager.syscall(Sys.SYS_getpid);
        }
        long sum = 0;
        int got = 0;
        while (got < BATCH) {
            int n = eager.poll(out, BATCH - got, Duration.ofSeconds(10));
            for (int i = 0; i < n; i++) {
                sum += out[i].returnValue();
            }
            got += n;
        }
        return sum;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long lazyBatch() {
        long sum = 0;
        for (int i = 0; i < BATCH; i++) {
            sum += lazy.syscall(Sys.SYS_getpid);
        }
        return sum;
    }
}
