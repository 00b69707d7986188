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

package io.laio.internal.completion;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import io.laio.internal.ThreadState;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-syscall counters, written by every calling thread without locks (one atomic add per call
 * on the inline path: calls are the sum of inline, background and rejected), and
 * a log2 histogram of background completion latency. Index {@link #JAVA} counts
 * {@link Laio#call(BlockingOp)}; numbers beyond the table share the last slot.
 */
public final class CallCounters {
    public static final int SLOTS = Sys.tableSize() + 2;
    public static final int JAVA = SLOTS - 2;
    public static final int OTHER = SLOTS - 1;
    public static final int LATENCY_BUCKETS = 40;

    public final AtomicLongArray inline = new AtomicLongArray(SLOTS);
    public final AtomicLongArray background = new AtomicLongArray(SLOTS);
    public final AtomicLongArray errors = new AtomicLongArray(SLOTS);
    public final AtomicLongArray cancelled = new AtomicLongArray(SLOTS);
    public final AtomicLongArray rejected = new AtomicLongArray(SLOTS);
    public final AtomicLongArray probeHit = new AtomicLongArray(SLOTS);
    public final AtomicLongArray probeWouldBlock = new AtomicLongArray(SLOTS);
    public final AtomicLongArray probeUnsupported = new AtomicLongArray(SLOTS);
    /**
     * LAZY receives that went to their socket wait without a probe: the last receive of the same
     * stream socket, on the loop thread of an epoll base, had drained it (docs/probes.md). Each
     * saved one {@code MSG_DONTWAIT} system call that would almost surely have answered EAGAIN.
     */
    public final AtomicLongArray probeSkipped = new AtomicLongArray(SLOTS);
    /**
     * Non-blocking tries of waiting socket (and pipe) calls, one per readiness report that
     * reached a call, including those that found it would still block: one system call each for
     * a receive, one or more for a write that goes on until all is sent, a {@code ppoll} and the
     * call for an accept or a connect.
     */
    public final AtomicLongArray socketRetries = new AtomicLongArray(SLOTS);
    /** bucket i: latencies in [2^i, 2^(i+1)) ns. */
    public final AtomicLongArray latency = new AtomicLongArray(LATENCY_BUCKETS);

    public static int slot(long nr) {
        if (nr == -1) {
            return JAVA;
        }
        return nr >= 0 && nr < Sys.tableSize() ? (int) nr : OTHER;
    }

    public void latency(long nanos) {
        int b = nanos <= 0 ? 0 : Math.min(LATENCY_BUCKETS - 1, 63 - Long.numberOfLeadingZeros(nanos));
        latency.incrementAndGet(b);
    }

    /**
     * The background is full: nothing starts, {@code -1}/{@code EAGAIN}. But when the probe had
     * already moved {@code done} bytes (and the file position, or the pipe's contents), "nothing
     * was started" would be false: a retried read would skip them, a retried write send them
     * twice. Those bytes are the call's result then — a legal short count, completed inline.
     */
    public long refused(ThreadState ts, int slot, long done) {
        if (done > 0) {
            inline.incrementAndGet(slot);
            ts.errno = 0;
            return done;
        }
        rejected.incrementAndGet(slot);
        ts.errno = Errno.EAGAIN;
        return -1;
    }
}
