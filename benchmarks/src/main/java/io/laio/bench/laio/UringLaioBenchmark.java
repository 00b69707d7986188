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

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioBatch;
import io.laio.LaioConfig;
import io.laio.RingMode;
import io.laio.Sys;
import io.laio.bench.AverageNanos;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * LAIO calls on a {@code "uring"} base, made on the loop thread (the benchmark thread runs the
 * loop), against plain calls: issue 17's three goals.
 * <ul>
 *   <li>{@link #batch16Deferred} (16 cached 4 KiB preads queued with {@link RingMode#DEFERRED},
 *       submitted with the pass's wait, 16 Ev.LAIO callbacks) against {@link #batch16Plain}
 *       (16 plain preads): goal ≤ 0.35x. {@link #batch16ApiDeferred} and {@link #batch16ApiLazy} are
 *       the same 16 reads as one {@link LaioBatch} (entries on the ring with no record, handle or
 *       event each, one callback for the batch), posted with the pass's wait (DEFERRED: one
 *       {@code io_uring_enter} per batch) or at {@code submit} (LAZY: one enter there, one more
 *       for the wait); one operation is one batch of 16, so each reads against
 *       {@link #batch16Plain} directly. The batches are chained (each callback submits the next,
 *       {@link #BATCH_ROUNDS} per invocation), as a server's loop would run them.</li>
 *   <li>{@link #onePreadLazy} (one cached pread through {@code syscall()} with
 *       {@link RingMode#LAZY}: its probe answers inline) against {@link #onePreadPlain}: goal
 *       ≤ 1.2x; {@link #onePreadRingFirst} is the alternative that was weighed — the same read as
 *       a deferred ring entry, completed as an event in the same pass.</li>
 *   <li>{@link #uncachedRoundTrip}: a 4 KiB read whose page was dropped from the cache, from
 *       {@code syscall()} to its Ev.LAIO callback, by {@link Cold#ring}: {@code OFF} (the helper pool,
 *       as on any base), {@code LAZY} (probe, then the ring), {@code DEFERRED} (the ring, no
 *       probe): goal LAZY or DEFERRED ≤ 0.5x OFF.</li>
 * </ul>
 * Run: {@code benchmarks/jmh.sh 3 UringLaioBenchmark}. Each pread reads its own 4 KiB of a 64 KiB
 * file warmed before the trial.
 */
@State(Scope.Thread)
public class UringLaioBenchmark extends AverageNanos {
    static final int BATCH = 16;
    static final int ONE_BY_ONE = 64;
    static final int BATCH_ROUNDS = 16;
    private static final long POSIX_FADV_DONTNEED = 4;

    private EventBase base;
    private Laio deferred;
    private Laio lazy;
    private ZeroFile file;
    private MemorySegment buf;
    private long bufAddress;
    private int remaining;
    private long sink;
    private final MethodHandle pread = PlainSyscall.FOUR;
    private EventCallback onDone;
    private Runnable issueBatch;
    private Runnable issueOneByOne;
    private Runnable issueRingFirst;
    private BatchRounds deferredRounds;
    private BatchRounds lazyRounds;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        base = EventBase.create("uring");
        deferred = Laio.attach(base, LaioConfig.builder().ringMode(RingMode.DEFERRED).build());
        lazy = Laio.attach(base, LaioConfig.builder().ringMode(RingMode.LAZY).build());
        file = new ZeroFile(null, BATCH * 4096, lazy);
        file.warm();
        buf = Arena.ofAuto().allocate(BATCH * 4096L, 4096);
        bufAddress = buf.address();
        onDone = (ev, what, arg) -> {
            sink += ev.result();
            if (--remaining == 0) {
                base.loopBreak();
            }
        };
        deferredRounds = new BatchRounds(deferred.batch(BATCH));
        lazyRounds = new BatchRounds(lazy.batch(BATCH));
        issueBatch = () -> issue(deferred, BATCH);
        issueRingFirst = () -> issue(deferred, 1);
        issueOneByOne = () -> {
            for (int i = 0; i < ONE_BY_ONE; i++) {
                sink += lazy.syscall(Sys.SYS_pread64, file.fd, bufAddress, 4096, (i % BATCH) * 4096L);
            }
            base.loopBreak();
        };
    }

    private void issue(Laio laio, int n) {
        for (int i = 0; i < n; i++) {
            long r = laio.syscall(Sys.SYS_pread64, file.fd, bufAddress + i * 4096L, 4096, i * 4096L);
            if (r != -1 || Laio.errno() != Errno.EINPROGRESS) {
                throw new IllegalStateException("a deferred call completed inline: " + r + " " + Errno.name(Laio.errno()));
            }
            Event.set(base, laio.gethandle(), Ev.LAIO, onDone, null).add();
        }
    }

    /** {@link #BATCH_ROUNDS} batches of 16 preads, each submitted from the callback of the one before. */
    private final class BatchRounds implements LaioBatch.Callback {
        final LaioBatch batch;
        final Runnable start;
        int left;

        BatchRounds(LaioBatch batch) {
            this.batch = batch;
            this.start = () -> issue(this.batch);
        }

        void issue(LaioBatch b) {
            for (int i = 0; i < BATCH; i++) {
                b.add(Sys.SYS_pread64, file.fd, bufAddress + i * 4096L, 4096, i * 4096L, 0, 0);
            }
            b.submit(this);
        }

        @Override
        public void onBatch(LaioBatch b) {
            for (int i = 0; i < BATCH; i++) {
                sink += b.result(i);
            }
            if (--left == 0) {
                base.loopBreak();
            } else {
                issue(b);
            }
        }

        long run() {
            left = BATCH_ROUNDS;
            base.execute(start);
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            return sink;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        file.close();
        deferred.close();
        lazy.close();
        base.close();
    }

    private void runLoop(int callbacks, Runnable issue) {
        remaining = callbacks;
        base.execute(issue);
        base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
    }

    @Benchmark
    public long batch16Plain() throws Throwable {
        long s = 0;
        for (int i = 0; i < BATCH; i++) {
            s += (long) pread.invokeExact((long) Sys.SYS_pread64, (long) file.fd, bufAddress + i * 4096L, 4096L, i * 4096L);
        }
        return s;
    }

    @Benchmark
    public long batch16Deferred() {
        runLoop(BATCH, issueBatch);
        return sink;
    }

    /** One batch of 16 cached preads through {@link LaioBatch}, entries posted with the loop's wait. */
    @Benchmark
    @OperationsPerInvocation(BATCH_ROUNDS)
    public long batch16ApiDeferred() {
        return deferredRounds.run();
    }

    /** The same, entries handed to the kernel at {@code submit} (one {@code io_uring_enter} there). */
    @Benchmark
    @OperationsPerInvocation(BATCH_ROUNDS)
    public long batch16ApiLazy() {
        return lazyRounds.run();
    }

    @Benchmark
    @OperationsPerInvocation(ONE_BY_ONE)
    public long onePreadPlain() throws Throwable {
        long s = 0;
        for (int i = 0; i < ONE_BY_ONE; i++) {
            s += (long) pread.invokeExact((long) Sys.SYS_pread64, (long) file.fd, bufAddress, 4096L, (i % BATCH) * 4096L);
        }
        return s;
    }

    @Benchmark
    @OperationsPerInvocation(ONE_BY_ONE)
    public long onePreadLazy() {
        runLoop(0, issueOneByOne);
        return sink;
    }

    @Benchmark
    public long onePreadRingFirst() {
        runLoop(1, issueRingFirst);
        return sink;
    }

    /**
     * The uncached round trip's own base and Laio, by ring mode; its page is dropped before each
     * invocation (the file is clean, so {@code POSIX_FADV_DONTNEED} drops it).
     */
    @State(Scope.Thread)
    public static class Cold {
        /** The ring mode of the round trip's Laio: OFF is the helper pool. */
        @Param({"OFF", "LAZY", "DEFERRED"})
        public String ring;

        EventBase base;
        Laio laio;
        ZeroFile file;
        MemorySegment buf;
        int remaining;
        long sink;
        Runnable issue;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            base = EventBase.create("uring");
            laio = Laio.attach(base, LaioConfig.builder().ringMode(RingMode.valueOf(ring)).build());
            file = new ZeroFile(null, 4096, laio);
            buf = Arena.ofAuto().allocate(4096, 4096);
            EventCallback onDone = (ev, what, arg) -> {
                sink += ev.result();
                base.loopBreak();
            };
            issue = () -> {
                long r = laio.syscall(Sys.SYS_pread64, file.fd, buf.address(), 4096, 0);
                if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
                    Event.set(base, laio.gethandle(), Ev.LAIO, onDone, null).add();
                } else {
                    sink += r; // the page was still cached: the drop did not take
                    base.loopBreak();
                }
            };
        }

        @Setup(Level.Invocation)
        public void dropPage() throws Throwable {
            long r = (long) PlainSyscall.FOUR.invokeExact((long) Sys.SYS_fadvise64, (long) file.fd, 0L, 4096L,
                    POSIX_FADV_DONTNEED);
            if (r != 0) {
                throw new IllegalStateException("posix_fadvise failed");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            file.close();
            laio.close();
            base.close();
        }
    }

    @Benchmark
    public long uncachedRoundTrip(Cold cold) {
        cold.base.execute(cold.issue);
        cold.base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
        return cold.sink;
    }
}
