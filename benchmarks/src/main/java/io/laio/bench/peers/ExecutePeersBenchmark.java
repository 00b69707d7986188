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

package io.laio.bench.peers;

import io.laio.bench.AverageNanos;
import io.laio.bench.core.LoopThread;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cross-thread {@code execute} round trip beside Netty's: the benchmark thread hands a
 * sleeping loop one task ({@code EventBase.execute} / {@code EventLoop.execute}) and spins until
 * it has run. The task is one object made once, so what is allocated per operation is the
 * loop's own (its queue, its wake-up). laio on its nio and epoll backends, with its default spin
 * before sleeping ({@code EventBase.spinBeforeSleep}: a loop that ran a task spins a few µs for
 * the next, so back-to-back tasks find it awake) and without it ({@code ~nospin}: every task pays
 * a wake-up); Netty on epoll, io_uring and nio.
 */
@State(Scope.Benchmark)
public class ExecutePeersBenchmark extends AverageNanos {
    @Param({"laio-nio", "laio-epoll", "laio-nio~nospin", "laio-epoll~nospin", "netty-epoll", "netty-io_uring", "netty-nio"})
    public String loop;

    private LoopThread laio;
    private EventLoopGroup group;
    private EventLoop netty;
    private final AtomicLong done = new AtomicLong();
    private final Runnable task = done::incrementAndGet;

    @Setup(Level.Trial)
    public void setUp() {
        if (loop.startsWith("laio-")) {
            boolean noSpin = loop.endsWith("~nospin");
            String backend = noSpin ? loop.substring(5, loop.indexOf('~')) : loop.substring(5);
            laio = Loops.laio(backend, b -> {
                if (noSpin) {
                    b.spinBeforeSleep(Duration.ZERO); // every task then finds the loop asleep and pays a wake-up
                }
            });
        } else {
            group = Loops.nettyGroup(loop.substring(6));
            netty = Loops.nettyLoop(group);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (laio != null) {
            laio.stop();
        } else {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Benchmark
    public long roundTrip() {
        long target = done.get() + 1;
        if (laio != null) {
            laio.base.execute(task);
        } else {
            netty.execute(task);
        }
        while (done.get() < target) {
            Thread.onSpinWait();
        }
        return target;
    }
}
