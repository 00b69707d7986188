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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjIntConsumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class CpuPinningTest {

    private static String allowedCpus() throws Exception {
        return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .substring("Cpus_allowed_list:".length()).strip();
    }

    /**
     * Under {@code taskset -c 1} (or a container's cpuset) the loops are pinned to the CPUs the
     * process may use, not to CPUs 0..N-1 counted from {@code availableProcessors()}: a loop
     * was pinned to CPU 0, out of the set the user gave, and two servers each given one CPU
     * both ended on CPU 0. Here the thread that builds the group stands for such a process.
     */
    @Test
    void theLoopsArePinnedWithinTheCpusTheStartingThreadMayUse() throws Exception {
        int[] allowed = CpuPinning.allowedCpus();
        Assumptions.assumeTrue(allowed.length > 1, "needs a second CPU");
        int only = allowed[allowed.length - 1]; // never CPU 0: the one the old counting picked
        Map<Integer, String> seen = new ConcurrentHashMap<>();
        Thread starter = Thread.ofPlatform().start(() -> {
            if (!CpuPinning.pin(only)) { // as taskset -c ONLY would; the loops' threads inherit it
                seen.put(-1, "could not pin the starting thread to CPU " + only);
                return;
            }
            ObjIntConsumer<EventBase> pinning = CpuPinning.roundRobin();
            EventLoopGroup pinned = EventLoopGroup.builder().loops(2).threadName("pin-within")
                    .onLoopStart((base, i) -> {
                        pinning.accept(base, i);
                        try {
                            seen.put(i, allowedCpus());
                        } catch (Exception e) {
                            seen.put(i, e.toString());
                        }
                    }).build();
            pinned.close();
        });
        starter.join();
        assertEquals(Map.of(0, String.valueOf(only), 1, String.valueOf(only)), Map.copyOf(seen),
                "both loops on CPU " + only + ", the one CPU allowed");
    }

    @Test
    void eachLoopOfAGroupRunsOnTheCpuItWasPinnedTo() throws Exception {
        int cpus = Runtime.getRuntime().availableProcessors();
        Map<Integer, String> seen = new ConcurrentHashMap<>();
        EventLoopGroup group = EventLoopGroup.builder().loops(cpus).threadName("pin-test")
                .onLoopStart((base, i) -> {
                    CpuPinning.roundRobin().accept(base, i);
                    try {
                        seen.put(i, allowedCpus());
                    } catch (Exception e) {
                        seen.put(i, e.toString());
                    }
                }).build();
        group.close();
        for (int i = 0; i < cpus; i++) {
            assertEquals(String.valueOf(i), seen.get(i), "loop " + i + " pinned to CPU " + i);
        }
        assertTrue(allowedCpus().contains(cpus > 1 ? "-" : "0"), "the test thread itself is not pinned");
    }
}
