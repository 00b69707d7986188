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

package io.laio.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.laio.event.spi.ReadySink;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ring's setup flags, their fallback on kernels that refuse them, and the entry writer. */
@Timeout(60)
class UringSetupTest {
    private static final class Sink implements ReadySink {
        final Map<Object, Integer> ready = new HashMap<>();

        @Override
        public void ready(Object attachment, int events) {
            ready.merge(attachment, events, (a, b) -> a | b);
        }

        @Override
        public void invalid(Object attachment) {
            ready.put(attachment, -1);
        }
    }

    @AfterEach
    void noRefusal() {
        UringNative.refusedSetupFlags = 0;
    }

    @Test
    void theRingRunsTaskWorkCooperativelyWhereTheKernelHasIt() throws Exception {
        assumeTrue(kernelAtLeast(5, 19), "COOP_TASKRUN is 5.19");
        try (UringBackend b = new UringBackend(8, 0, UringBackend.Wake.EVENTFD, false)) {
            assertEquals(UringRing.SETUP_COOP_TASKRUN, b.ring().setupFlags & UringRing.SETUP_COOP_TASKRUN);
        }
    }

    @Test
    void aKernelThatRefusesCoopTaskrunGetsARingWithoutIt() throws Exception {
        UringNative.refusedSetupFlags = UringRing.SETUP_COOP_TASKRUN;
        try (UringBackend b = new UringBackend(8, 0, UringBackend.Wake.EVENTFD, false)) {
            assertEquals(0, b.ring().setupFlags & UringRing.SETUP_COOP_TASKRUN, "asked again without the flag");
            CountDownLatch started = new CountDownLatch(1);
            Thread waker = Thread.ofPlatform().start(() -> {
                try {
                    started.await();
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                b.wakeup();
            });
            started.countDown();
            long t0 = System.nanoTime();
            b.poll(-1, new Sink()); // ends by the other thread's wake-up alone
            waker.join();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "woken");
        }
    }

    @Test
    void theEntryWrittenAsWordsIsTheEntryWrittenMemberByMember() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        SplittableRandom rnd = new SplittableRandom(17);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment words = arena.allocate(UringSqeLayout.SIZE * 2, 64);
            MemorySegment members = arena.allocate(UringSqeLayout.SIZE * 2, 64);
            long[][] fixed = {
                {UringRing.OP_READ, 0, 7, 4096, 0x7f00_1234_5000L, 4096, 0, 0x8600_0001_0000_0003L},
                {UringRing.OP_POLL_REMOVE, UringRing.IOSQE_CQE_SKIP_SUCCESS, -1, 0, 42, 0, 0, UringBackend.IGNORED},
                {255, 255, Integer.MIN_VALUE, -1, -1, -1, -1, -1},
            };
            for (int round = 0; round < 200; round++) {
                long[] v = round < fixed.length ? fixed[round] : new long[] {rnd.nextInt(256), rnd.nextInt(256),
                    rnd.nextInt(), rnd.nextLong(), rnd.nextLong(), rnd.nextInt(), rnd.nextInt(), rnd.nextLong()};
                words.fill((byte) 0x5A); // leftovers of an earlier entry: every byte must be written
                members.fill((byte) 0x5A);
                long at = UringSqeLayout.SIZE * (round & 1);
                UringSqeLayout.set(words, at, (int) v[0], (int) v[1], (int) v[2], v[3], v[4], (int) v[5], (int) v[6], v[7]);
                UringSqeLayout.setMembers(members, at, (int) v[0], (int) v[1], (int) v[2], v[3], v[4], (int) v[5],
                        (int) v[6], v[7]);
                assertArrayEquals(members.toArray(ValueLayout.JAVA_BYTE), words.toArray(ValueLayout.JAVA_BYTE),
                        "entry " + round);
            }
        }
    }

    private static boolean kernelAtLeast(int major, int minor) {
        String[] v = System.getProperty("os.version").split("[.-]");
        int ma = Integer.parseInt(v[0]);
        int mi = v.length > 1 ? Integer.parseInt(v[1]) : 0;
        return ma > major || ma == major && mi >= minor;
    }
}
