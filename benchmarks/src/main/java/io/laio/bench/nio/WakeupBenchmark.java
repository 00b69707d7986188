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

package io.laio.bench.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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
 * The two ways to wake a thread blocked in {@code Selector.select()}: the selector's own
 * {@code wakeup()}, or one byte into a signaling pipe whose source is registered on the selector
 * (drained without allocation). A loop thread selects in a loop and publishes a counter after
 * each wake-up; the benchmark thread wakes it and waits to see the counter move (a round trip).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class WakeupBenchmark {
    @Param({"selectorWakeup", "signalingPipe"})
    public String mechanism;

    private Selector selector;
    private Pipe pipe;
    private final ByteBuffer one = ByteBuffer.allocateDirect(1);
    private final ByteBuffer drain = ByteBuffer.allocateDirect(64);
    private final AtomicLong wakeups = new AtomicLong();
    private volatile boolean stop;
    private Thread loop;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        selector = Selector.open();
        pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        pipe.sink().configureBlocking(false);
        pipe.source().register(selector, SelectionKey.OP_READ);
        loop = Thread.ofPlatform().name("selector-loop").start(this::selectLoop);
    }

    private void selectLoop() {
        try {
            while (!stop) {
                selector.select(key -> {
                    try {
                        drain.clear();
                        while (pipe.source().read(drain) > 0) {
                            drain.clear();
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                wakeups.incrementAndGet();
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        stop = true;
        selector.wakeup();
        loop.join();
        selector.close();
        pipe.sink().close();
        pipe.source().close();
    }

    @Benchmark
    public long wakeRoundTrip() throws IOException {
        long target = wakeups.get() + 1;
        if (mechanism.equals("selectorWakeup")) {
            selector.wakeup();
        } else {
            one.clear();
            pipe.sink().write(one);
        }
        while (wakeups.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}
