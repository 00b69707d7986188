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
import io.laio.event.Ev;
import io.laio.event.Event;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Timers beside Netty's, per timer: add + cancel, and add + fire.
 * <ul>
 *   <li>{@code laio}: an {@link Event} timer on a running laio loop (nio backend), re-added each
 *       time (the event is reused, as libevent's are);</li>
 *   <li>{@code netty-schedule}: {@code EventLoop.schedule} on a running Netty epoll loop (a new
 *       {@code ScheduledFutureTask} per timer, its priority queue);</li>
 *   <li>{@code netty-wheel}: a {@link HashedWheelTimer} (1 ms ticks, 512 buckets), called from the
 *       benchmark thread as its users do.</li>
 * </ul>
 * Loop timers must be set on the loop thread: each invocation hands the loop one task that sets
 * (and cancels) {@value #BATCH} timers, and waits for it; the hand-off is spread over the batch
 * (~15 µs / 1,000 here). 1,000 other timers are pending throughout, so every structure has a
 * realistic depth. For fire, the timers are due at once (0 delay) and the invocation ends when all
 * have run; the wheel's fire includes waiting for its next tick (≤ 1 ms per batch, ≤ 1 µs a timer).
 */
@State(Scope.Benchmark)
public class TimerPeersBenchmark extends AverageNanos {
    static final int BATCH = 1000;

    @Param({"laio", "netty-schedule", "netty-wheel"})
    public String timer;

    private LoopThread laio;
    private Event laioTimer;
    private Event[] laioFire;
    private EventLoopGroup group;
    private EventLoop loop;
    private HashedWheelTimer wheel;
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong fired = new AtomicLong();
    private final Duration tenSeconds = Duration.ofSeconds(10);
    private Runnable addCancelTask;
    private Runnable fireTask;
    private final Runnable nettyNoop = () -> { };
    private final Runnable nettyFire = fired::incrementAndGet; // made once: no allocation per timer
    private final TimerTask wheelNoop = t -> { };
    private final TimerTask wheelFire = t -> fired.incrementAndGet();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        switch (timer) {
            case "laio" -> {
                laio = Loops.laio("nio", b -> { });
                // events are set up and added on the loop thread
                laio.base.execute(() -> {
                    for (int i = 0; i < 1000; i++) {
                        Event.set(laio.base, null, Ev.TIMEOUT, (e, w, a) -> { }, null).add(Duration.ofSeconds(100 + i));
                    }
                    laioTimer = Event.set(laio.base, null, Ev.TIMEOUT, (e, w, a) -> { }, null);
                    Event[] evs = new Event[BATCH];
                    for (int i = 0; i < BATCH; i++) {
                        evs[i] = Event.set(laio.base, null, Ev.TIMEOUT, (e, w, a) -> fired.incrementAndGet(), null);
                    }
                    laioFire = evs;
                    done.incrementAndGet();
                });
                await(1);
                addCancelTask = () -> {
                    for (int i = 0; i < BATCH; i++) {
                        laioTimer.add(tenSeconds);
                        laioTimer.del();
                    }
                    done.incrementAndGet();
                };
                fireTask = () -> {
                    for (int i = 0; i < BATCH; i++) {
                        laioFire[i].add(Duration.ZERO);
                    }
                };
            }
            case "netty-schedule" -> {
                group = Loops.nettyGroup("epoll");
                loop = Loops.nettyLoop(group);
                loop.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        loop.schedule(nettyNoop, 100 + i, TimeUnit.SECONDS);
                    }
                }).sync();
                addCancelTask = () -> {
                    for (int i = 0; i < BATCH; i++) {
                        ScheduledFuture<?> f = loop.schedule(nettyNoop, 10, TimeUnit.SECONDS);
                        f.cancel(false);
                    }
                    done.incrementAndGet();
                };
                fireTask = () -> {
                    for (int i = 0; i < BATCH; i++) {
                        loop.schedule(nettyFire, 0, TimeUnit.NANOSECONDS);
                    }
                };
            }
            case "netty-wheel" -> {
                wheel = new HashedWheelTimer(1, TimeUnit.MILLISECONDS, 512);
                wheel.start();
                for (int i = 0; i < 1000; i++) {
                    wheel.newTimeout(wheelNoop, 100 + i, TimeUnit.SECONDS);
                }
            }
            default -> throw new IllegalArgumentException(timer);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (laio != null) {
            laio.stop();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        if (wheel != null) {
            wheel.stop();
        }
    }

    private void await(long target) {
        while (done.get() < target) {
            Thread.onSpinWait();
        }
    }

    private void awaitFired(long target) {
        while (fired.get() < target) {
            Thread.onSpinWait();
        }
    }

    private void onLoop(Runnable task) {
        if (laio != null) {
            laio.base.execute(task);
        } else {
            loop.execute(task);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long addCancel() {
        if (wheel != null) {
            for (int i = 0; i < BATCH; i++) {
                Timeout t = wheel.newTimeout(wheelNoop, 10, TimeUnit.SECONDS);
                t.cancel();
            }
            return 0;
        }
        long target = done.get() + 1;
        onLoop(addCancelTask);
        await(target);
        return target;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long fire() {
        long target = fired.get() + BATCH;
        if (wheel != null) {
            for (int i = 0; i < BATCH; i++) {
                wheel.newTimeout(wheelFire, 0, TimeUnit.NANOSECONDS);
            }
        } else {
            onLoop(fireTask);
        }
        awaitFired(target);
        return target;
    }
}
