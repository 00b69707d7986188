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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.RingMode;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.event.spi.Loops;
import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How LAIO calls meet the kernel on the loop's ring: deferred ones together with the pass's wait, lazy ones at once. */
@Timeout(60)
class UringCallsTest {
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureOffTheTestThread() {
        failures.assertNone();
    }

    private static UringRing ringOf(EventBase base) {
        UringBackend b = Loops.backend(base, UringBackend.class);
        assertNotNull(b, "a uring base");
        return b.ring();
    }

    /** 16 cached preads from one callback: {unsubmitted entries right after them, loop pass of each completion}. */
    private List<Long> sixteenPreads(RingMode mode) throws Exception {
        Path f = Files.createTempFile("laio", ".bin");
        byte[] data = new byte[16 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / 4096);
        }
        Files.write(f, data);
        Files.readAllBytes(f); // cached
        int fd = Native.openRead(f.toString());
        List<Long> seen = new ArrayList<>();
        try (EventBase base = EventBase.create("uring"); Laio laio = Laio.attach(base, LaioConfig.builder().ringMode(mode).build())) {
            base.setUncaughtHandler(failures.uncaughtHandler());
            MemorySegment buf = Arena.ofAuto().allocate(16 * 4096L);
            int[] left = {16};
            base.execute(() -> {
                for (int i = 0; i < 16; i++) {
                    long r = laio.syscall(Sys.SYS_pread64, fd, buf.address() + i * 4096L, 4096, i * 4096L);
                    if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
                        int k = i;
                        Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                            assertEquals(4096, ev.result());
                            assertEquals((byte) k, buf.get(ValueLayout.JAVA_BYTE, k * 4096L));
                            seen.add(base.stats().passes());
                            if (--left[0] == 0) {
                                base.loopBreak();
                            }
                        }, null).add();
                    } else {
                        assertEquals(4096, r);
                        left[0]--;
                    }
                }
                seen.addFirst((long) ringOf(base).unsubmitted());
                if (left[0] == 0) {
                    base.loopBreak();
                }
            });
            base.once(null, Ev.TIMEOUT, (e, w, a) -> base.loopBreak(), null, Duration.ofSeconds(20));
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            assertEquals(0, left[0], "every read completed");
        } finally {
            Native.close(fd);
            Files.delete(f);
        }
        return seen;
    }

    @Test
    void deferredCallsOfOnePassReachTheKernelTogetherWithItsWaitAndCompleteAsEventsOfOnePass() throws Exception {
        List<Long> seen = sixteenPreads(RingMode.DEFERRED);
        assertEquals(17, seen.size(), "16 events, none inline: " + seen);
        assertTrue(seen.getFirst() >= 16, "all 16 still queued when the task ended: " + seen.getFirst());
        Set<Long> passes = new TreeSet<>(seen.subList(1, 17));
        assertEquals(1, passes.size(), "all completed in one pass: " + passes);
    }

    @Test
    void lazyCallsOnCachedDataCompleteInlineAndLeaveNothingQueued() throws Exception {
        List<Long> seen = sixteenPreads(RingMode.LAZY);
        assertEquals(List.of(0L), seen, "every read answered inline, nothing left on the ring");
    }
}
