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


package io.laio.examples;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.event.EventBase;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.ObjIntConsumer;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pins a loop's thread to one CPU with {@code sched_setaffinity(2)} through event-laio's
 * syscall layer: the per-thread start action an {@link io.laio.event.EventLoopGroup} takes
 * (event-core itself stays free of native code). A refusal (a container without the CPU, a
 * seccomp filter) is logged and the loop runs unpinned.
 */
public final class CpuPinning {
    private static final Logger LOG = LoggerFactory.getLogger(CpuPinning.class);
    private static final boolean AARCH64 = System.getProperty("os.arch", "").equals("aarch64");
    /** {@code sched_setaffinity}'s number: 203 on x86_64, 122 on aarch64 (not in {@code Sys}'s table). */
    private static final long SYS_SCHED_SETAFFINITY = AARCH64 ? 122 : 203;
    /** {@code sched_getaffinity}'s number: 204 on x86_64, 123 on aarch64. */
    private static final long SYS_SCHED_GETAFFINITY = AARCH64 ? 123 : 204;
    private static final int MASK_BYTES = 128; // 1,024 CPUs, glibc's cpu_set_t

    private CpuPinning() {}

    /**
     * The start action pinning loop {@code i} to the {@code i mod N}-th of the N CPUs the
     * calling thread may run on now (its {@code sched_getaffinity} mask: what {@code taskset}
     * or a container's cpuset gave the process), in ascending order. If that mask cannot be
     * read (logged), the CPUs 0..{@link Runtime#availableProcessors()}-1.
     *
     * @return the action, for {@link io.laio.event.EventLoopGroup.Builder#onLoopStart}
     */
    public static ObjIntConsumer<EventBase> roundRobin() {
        int[] cpus = allowedCpus();
        return (base, index) -> pin(cpus[index % cpus.length]);
    }

    /** The CPUs the calling thread may run on, ascending; never empty. */
    static int[] allowedCpus() {
        try (Laio laio = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build()); Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            long r = laio.syscall(SYS_SCHED_GETAFFINITY, 0, MASK_BYTES, mask.address()); // bytes of mask written
            if (r > 0) {
                int[] cpus = new int[MASK_BYTES * 8];
                int n = 0;
                for (int cpu = 0; cpu < r * 8; cpu++) {
                    if ((mask.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
                        cpus[n++] = cpu;
                    }
                }
                if (n > 0) {
                    return Arrays.copyOf(cpus, n);
                }
            }
            LOG.warn("sched_getaffinity failed ({}); pinning to CPUs 0..{}", r < 0 ? Errno.name(Laio.errno()) : "an empty mask",
                    Runtime.getRuntime().availableProcessors() - 1);
        }
        return IntStream.range(0, Runtime.getRuntime().availableProcessors()).toArray();
    }

    /**
     * Pins the calling thread to {@code cpu}.
     *
     * @return true if the kernel took it; false (logged) if it refused
     */
    public static boolean pin(int cpu) {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            throw new IllegalArgumentException("cpu " + cpu + " out of 0.." + (MASK_BYTES * 8 - 1));
        }
        try (Laio laio = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build()); Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            mask.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (1 << (cpu % 8)));
            if (laio.syscall(SYS_SCHED_SETAFFINITY, 0, MASK_BYTES, mask.address()) != 0) {
                LOG.warn("sched_setaffinity to CPU {} refused ({}); {} runs unpinned", cpu, Errno.name(Laio.errno()),
                        Thread.currentThread().getName());
                return false;
            }
            return true;
        }
    }
}
