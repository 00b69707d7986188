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
package io.laio.bench.kv;

import io.laio.bench.AverageNanos;
import io.laio.examples.kv.KvRequestPath;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * kv's own CPU per memcaslap operation, without sockets: a {@code get} hit (reply into the
 * {@code --io nio} buffer or the {@code --io buffered} output) and a {@code set} (into a
 * {@code /dev/null} log), of memcaslap's shapes (64-byte keys, 1 KiB values), the keys visited
 * in a scrambled order. Run with
 * {@code -prof gc}: B/op is what a request allocates (a {@code set} owns its 1 KiB value).
 * {@code stripes} 1 is {@code --loops 1}, 16 is {@code --loops 2}. Each iteration also prints
 * the thread's CPU time per operation, the figure to compare on a busy machine.
 */
@State(Scope.Thread)
public class KvRequestBenchmark extends AverageNanos {
    /** The store's stripes: 1 for one loop, 16 for two. */
    @Param({"1", "16"})
    public int stripes;

    /** Keys stored and visited: 1,000 stay in the CPU caches (the code's own cost), 100,000 do not. */
    @Param({"1000", "100000"})
    public int keys;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private KvRequestPath path;
    private int next;
    private long ops;
    private long cpuAtStart;

    @Setup
    public void setUp() throws IOException {
        path = new KvRequestPath(512L << 20, stripes, keys, 64, 1024);
        if (path.items() != keys) {
            throw new IllegalStateException("preloaded " + path.items() + " of " + keys);
        }
    }

    @TearDown
    public void tearDown() {
        path.close();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        ops = 0;
        cpuAtStart = THREADS.getCurrentThreadCpuTime();
    }

    /**
     * The benchmark thread's CPU time per operation in the iteration: on a machine shared with
     * other work, the time per operation also counts the time the thread waited for a CPU.
     */
    @TearDown(Level.Iteration)
    public void endIteration() {
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
        System.out.printf("  [thread CPU %.1f ns/op over %d ops]%n", (double) cpu / ops, ops);
    }

    /** The next key: a stride coprime with the key count visits every key, far from the last. */
    private int key() {
        ops++;
        int k = next;
        next = (k + 7919) % keys;
        return k;
    }

    @Benchmark
    public int getHitNio() {
        return path.getNio(key());
    }

    @Benchmark
    public int getHitBuffered() {
        return path.getBuffered(key());
    }

    @Benchmark
    public int set() {
        return path.set(key());
    }
}
