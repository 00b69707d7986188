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
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.bench.AverageNanos;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One LAIO hand-off, one at a time: the loop thread hands a call to a helper ({@code getpid}
 * under {@link Policy#EAGER}, so it always goes there), and the operation ends when the loop has
 * run the completion's {@link Ev#LAIO} callback. Unlike {@link RoundTripBenchmark} (64 calls in
 * flight) nothing overlaps, so every operation is the miss path of a server one request at a
 * time: the helper's wake-up, the call, the loop's wake-up. {@code spin} says who may spin
 * instead of sleeping: {@code both} (the defaults: the helper spins {@code helperSpin} for its
 * next call, the loop {@code loopSpin} for the completion), {@code loop}, {@code helper}, or
 * {@code none} (every hand-off pays both sleeping wake-ups). Spinning happens only while
 * {@code /proc/loadavg} shows a core to spare, so run it on a quiet machine.
 * Run: {@code benchmarks/jmh.sh 3 HandOffBenchmark}.
 */
@State(Scope.Thread)
public class HandOffBenchmark extends AverageNanos {
    @Param({"both", "loop", "helper", "none"})
    public String spin;

    @Param({"epoll", "nio"})
    public String backend;

    private EventBase base;
    private Laio laio;
    private long result;
    private EventCallback onDone;

    @Setup
    public void setUp() {
        base = EventBase.create(backend);
        boolean loop = spin.equals("both") || spin.equals("loop");
        boolean helper = spin.equals("both") || spin.equals("helper");
        LaioConfig.Builder b = LaioConfig.builder().policy(Policy.EAGER).maxHelpers(1);
        if (!loop) {
            b.loopSpin(Duration.ZERO);
        }
        if (!helper) {
            b.helperSpin(Duration.ZERO);
        }
        laio = Laio.attach(base, b.build());
        onDone = (ev, what, arg) -> result = ev.result();
    }

    @TearDown
    public void tearDown() {
        laio.close();
        base.close();
    }

    @Benchmark
    public long oneCall() {
        laio.syscall(Sys.SYS_getpid);
        Event.set(base, laio.gethandle(), Ev.LAIO, onDone, null).add();
        base.loop(Ev.LOOP_ONCE); // waits for the completion, runs its callback, returns
        return result;
    }
}
