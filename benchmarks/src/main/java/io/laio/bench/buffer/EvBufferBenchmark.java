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

package io.laio.bench.buffer;

import io.laio.buffer.EolStyle;
import io.laio.buffer.EvBuffer;
import io.laio.buffer.SegmentPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The buffer's own costs, each in its steady state (run with {@code -prof gc}: every one should
 * show 0 B/op): appending and draining a message, moving it to another buffer, searching for a
 * header end across segments, reading protocol lines, and a reserve/commit round as a read
 * straight from the kernel does it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class EvBufferBenchmark {
    /** Message size in bytes. */
    @Param({"64", "1024", "65536"})
    public int size;

    private final SegmentPool pool = SegmentPool.create();
    private EvBuffer in;
    private EvBuffer out;
    private byte[] message;
    private byte[] dst;
    private Arena arena;
    private MemorySegment iov;
    private static final byte[] HEADERS_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Setup
    public void setUp() {
        in = new EvBuffer(pool);
        out = new EvBuffer(pool);
        message = new byte[size];
        for (int i = 0; i < size; i++) {
            message[i] = (byte) ('a' + i % 26);
        }
        if (size >= 4) {
            System.arraycopy(HEADERS_END, 0, message, size - 4, 4);
        }
        dst = new byte[size];
        arena = Arena.ofConfined();
        iov = arena.allocate(16 * 8, 8);
    }

    @TearDown
    public void tearDown() {
        arena.close();
    }

    /** append then remove one message: two copies. */
    @Benchmark
    public int appendRemove() {
        in.append(message);
        return in.remove(dst, 0, size);
    }

    /** append, move every segment to a second buffer, drain there: one copy. */
    @Benchmark
    public long appendMoveDrain() {
        in.append(message);
        out.appendBuffer(in);
        return out.drain(size);
    }

    /** Finds CRLFCRLF at the message's end, the head of an HTTP request, then drains. */
    @Benchmark
    public long searchHeadersEnd() {
        in.append(message);
        long at = in.search(HEADERS_END, 0);
        in.drain(size);
        return at;
    }

    /** A memcached-style command line, read into an array. */
    @Benchmark
    public int readLineCrlf() {
        in.append(message);
        int n = in.readLine(EolStyle.CRLF, dst);
        in.drain(in.length());
        return n;
    }

    /** reserve room for a read, commit it as if the kernel filled it, drain. */
    @Benchmark
    public long reserveCommitDrain() {
        in.reserve(size, iov);
        in.commit(size);
        return in.drain(size);
    }
}
