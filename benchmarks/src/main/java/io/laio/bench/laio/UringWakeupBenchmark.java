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

import io.laio.event.Ev;
import io.laio.event.EventBase;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The uring backend's two cross-thread wake-ups, compared by the {@code execute} round trip to a
 * sleeping loop: {@code eventfd} (the waker writes an eventfd whose read is in flight on the
 * loop's ring; the loop re-queues the read with its next wait) against {@code msg_ring} (the
 * waker posts a completion onto the loop's ring with {@code IORING_OP_MSG_RING} from a small
 * ring of its own). {@code epoll} (the epoll backend's eventfd) is the baseline. The benchmark
 * thread hands the loop one task and spins until it has run; the loop sleeps between tasks, so
 * every operation pays one wake-up. Run: {@code benchmarks/jmh.sh 3 UringWakeupBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class UringWakeupBenchmark {
    @Param({"eventfd", "msg_ring", "epoll"})
    public String wake;

    private EventBase base;
    private Thread loop;
    private final AtomicLong done = new AtomicLong();
    private final Runnable task = done::incrementAndGet;

    @Setup(Level.Trial)
    public void setUp() {
        if (wake.equals("epoll")) {
            base = EventBase.create("epoll");
        } else {
            System.setProperty("io.laio.uring.wake", wake); // read when the backend opens
            try {
                base = EventBase.create("uring");
            } finally {
                System.clearProperty("io.laio.uring.wake");
            }
        }
        base.spinBeforeSleep(Duration.ZERO); // a spinning loop would catch the next task awake: measure the wake-up
        loop = Thread.ofPlatform().name("loop-" + wake).start(() -> base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        base.execute(base::loopBreak);
        loop.join();
        base.close();
    }

    @Benchmark
    public long roundTrip() {
        long target = done.get() + 1;
        base.execute(task);
        while (done.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}
