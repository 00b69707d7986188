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

package io.laio.internal.lanes;

import io.laio.Sys;
import io.laio.internal.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Whether spinning may pay right now: only while the machine has a core to spare. A spinning
 * helper or loop saves a 15-30 µs sleeping hand-off when the thread it waits for runs on another
 * core, but on an oversubscribed machine it burns the CPU share that thread needs (docs/design/costs.md: on
 * one busy CPU spinning is a disaster; measured here, with other builds keeping the load at
 * 5-7 on 2 vCPUs, a spinning helper and loop doubled the CPU per background call).
 *
 * <p>The test is the kernel's count of runnable threads (the fourth field of
 * {@code /proc/loadavg}, "running/total", which counts the threads that spin as well), sampled
 * at most every {@link #SAMPLE_NANOS} by whichever spinner asks first (one {@code pread} into a
 * fixed buffer: nothing allocated). Spinning is allowed while it is at most the number of cores.
 * Without {@code /proc} (or when it cannot be read) spinning is always allowed, as before.
 */
public final class SpinGate {
    static final long SAMPLE_NANOS = 20_000_000;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final MemorySegment BUF = Arena.global().allocate(128, 8);
    private static final MemorySegment CAPTURE = Syscalls.newCapture(Arena.global());
    private static final int FD;
    private static final java.util.concurrent.atomic.AtomicLong NEXT_SAMPLE = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    private static volatile boolean open = true;

    static {
        MemorySegment path = Arena.global().allocateFrom("/proc/loadavg");
        FD = (int) Syscalls.call(CAPTURE, Sys.SYS_openat, -100, path.address(), 0x80000 /* O_CLOEXEC */, 0); // -1: no /proc
    }

    private SpinGate() {}

    /** Whether a spin may start now (any thread). */
    public static boolean open() {
        if (FD < 0) {
            return true;
        }
        long now = System.nanoTime();
        long next = NEXT_SAMPLE.get();
        if (now - next >= 0 && NEXT_SAMPLE.compareAndSet(next, now + SAMPLE_NANOS)) {
            sample(); // one sampler per period; the others keep the last verdict
        }
        return open;
    }

    private static void sample() {
        synchronized (BUF) { // the winner of a period only; never contended in practice
            long n = Syscalls.call(CAPTURE, Sys.SYS_pread64, FD, BUF.address(), BUF.byteSize() - 1, 0);
            int running = n <= 0 ? -1 : runnable(BUF, (int) n);
            open = running < 0 || running <= CORES;
        }
    }

    /** The "running" number of "l1 l5 l15 running/total lastpid", or -1 if it does not parse. */
    public static int runnable(MemorySegment buf, int len) {
        int field = 0;
        int i = 0;
        while (i < len && field < 3) {
            if (buf.get(ValueLayout.JAVA_BYTE, i++) == ' ') {
                field++;
            }
        }
        int v = 0;
        int digits = 0;
        while (i < len) {
            byte b = buf.get(ValueLayout.JAVA_BYTE, i++);
            if (b < '0' || b > '9') {
                return b == '/' && digits > 0 ? v : -1;
            }
            v = v * 10 + (b - '0');
            digits++;
        }
        return -1;
    }
}
