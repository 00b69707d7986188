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

package io.laio.bench.core;

import io.laio.bench.AverageNanos;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The event loop's own costs: a timer add+del, activating and dispatching one event, and a
 * cross-thread execute() round trip (another thread hands a task to a sleeping loop and waits
 * for it to run).
 */
@State(Scope.Thread)
public class LoopBenchmark extends AverageNanos {
    private EventBase base;
    private Event timer;
    private Event activated;
    private final Duration timeout = Duration.ofSeconds(10);
    private long ran;

    @Setup
    public void setUp() {
        base = EventBase.create();
        timer = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null);
        activated = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> ran++, null);
        // a thousand other timers, so add/del work on a heap of realistic depth
        for (int i = 0; i < 1000; i++) {
            Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null).add(Duration.ofSeconds(100 + i));
        }
    }

    @TearDown
    public void tearDown() {
        base.close();
    }

    @Benchmark
    public void timerAddDel() {
        timer.add(timeout);
        timer.del();
    }

    @Benchmark
    public long activateAndDispatch() {
        activated.active(Ev.TIMEOUT);
        base.loop(Ev.LOOP_NONBLOCK);
        return ran;
    }

    /** A loop thread sleeping in dispatch(); the benchmark thread hands it tasks. */
    @State(Scope.Benchmark)
    public static class RunningLoop {
        EventBase base;
        LoopThread thread;
        final AtomicLong done = new AtomicLong();

        @Setup(Level.Trial)
        public void start() {
            thread = new LoopThread(EventBase.create(), "bench-loop");
            base = thread.base;
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            thread.stop();
        }
    }

    @Benchmark
    public long executeRoundTrip(RunningLoop loop) {
        long target = loop.done.get() + 1;
        loop.base.execute(loop.done::incrementAndGet);
        while (loop.done.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}
