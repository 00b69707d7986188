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
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.Selector;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The background round trip an event loop pays for a call that would block: the loop thread
 * submits getpid, a helper runs it, the loop is woken and runs the callback — laio (EAGER, so
 * every call really goes to a helper; Ev.LAIO event) beside what a Netty-style server writes by
 * hand: a ThreadPoolExecutor, a completion queue, Selector.wakeup(). Both run 64 calls in flight
 * per invocation, so batching behaviour counts too.
 */
@State(Scope.Thread)
@SuppressWarnings("restricted") // baselines bind libc directly
public class RoundTripBenchmark extends AverageNanos {
    static final int CALLS = 64;
    private static final MethodHandle GETPID = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT));

    private EventBase base;
    private Laio laio;
    private int remaining;
    private EventCallback onDone;

    private Selector selector;
    private ExecutorService pool;
    private final ConcurrentLinkedQueue<Long> results = new ConcurrentLinkedQueue<>();

    @Setup
    public void setUp() throws IOException {
        base = EventBase.create();
        laio = Laio.attach(base, LaioConfig.builder().policy(Policy.EAGER).maxHelpers(1).build());
        onDone = (ev, what, arg) -> {
            if (--remaining == 0) {
                base.loopBreak();
            }
        };
        selector = Selector.open();
        pool = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    @TearDown
    public void tearDown() throws IOException {
        laio.close();
        base.close();
        pool.shutdownNow();
        selector.close();
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int laioEagerEvents() {
        remaining = CALLS;
        for (int i = 0; i < CALLS; i++) {
            laio.syscall(Sys.SYS_getpid);
            Event.set(base, laio.gethandle(), Ev.LAIO, onDone, null).add();
        }
        base.dispatch();
        return remaining;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public int threadPoolAndSelectorWakeup() throws IOException {
        for (int i = 0; i < CALLS; i++) {
            pool.execute(() -> {
                try {
                    results.add((long) (int) GETPID.invokeExact());
                } catch (Throwable t) {
                    throw new RuntimeException(t);
                }
                selector.wakeup();
            });
        }
        int got = 0;
        while (got < CALLS) {
            selector.select(1000);
            while (results.poll() != null) {
                got++;
            }
        }
        return got;
    }
}
