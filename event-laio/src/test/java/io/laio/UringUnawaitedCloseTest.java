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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.internal.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Laio#closeUnawaited}: on a {@link RingMode#DEFERRED} uring base a close that goes with
 * the pass's wait and posts nothing when it works (no handle, no event), whose failure is still
 * counted; elsewhere exactly {@link Laio#close(int)}.
 */
@Timeout(60)
class UringUnawaitedCloseTest {
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureOffTheTestThread() {
        failures.assertNone();
    }

    private static boolean open(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    /** Runs {@code task} on the loop thread, then one more pass (the deferred entries' wait), then stops. */
    private static void onLoopThenOnePass(EventBase base, Runnable task) {
        base.execute(() -> {
            task.run();
            base.execute(base::loopBreak); // runs in the next pass, after this pass's wait
        });
        Event guard = Event.set(base, null, Ev.TIMEOUT, (e, w, arg) -> base.loopBreak(), null);
        guard.add(Duration.ofSeconds(20));
        base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
        guard.del();
    }

    private static Laio deferred(EventBase base) {
        return Laio.attach(base, LaioConfig.builder().ringMode(RingMode.DEFERRED).build());
    }

    @Test
    void onADeferredRingTheCloseGoesWithThePassWaitAndLeavesNoHandleOrEvent() {
        int[] p = Native.pipe();
        Native.close(p[1]);
        try (EventBase base = EventBase.create("uring"); Laio laio = deferred(base)) {
            base.setUncaughtHandler(failures.uncaughtHandler());
            long[] seen = new long[3];
            onLoopThenOnePass(base, () -> {
                seen[0] = laio.closeUnawaited(p[0]);
                seen[1] = laio.gethandle() == null ? 1 : 0;
                seen[2] = open(p[0]) ? 1 : 0;
            });
            assertEquals(0, seen[0], "queued: 0 at once");
            assertEquals(1, seen[1], "no handle to wait on");
            assertEquals(1, seen[2], "still open until the pass's wait ran it");
            assertFalse(open(p[0]), "closed by the pass's wait");
            assertEquals(1, laio.stats().background(Sys.SYS_close));
            assertEquals(0, laio.stats().errors(Sys.SYS_close));
        }
    }

    @Test
    void closingTheLaioBeforeThePassWaitStillClosesWhatItQueued() {
        int[] p = Native.pipe();
        Native.close(p[1]);
        try (EventBase base = EventBase.create("uring")) {
            base.setUncaughtHandler(failures.uncaughtHandler());
            Laio laio = deferred(base);
            long[] seen = {-2, -1};
            base.execute(() -> {
                seen[0] = laio.closeUnawaited(p[0]);
                laio.close(); // on the loop thread, before this pass's wait
                seen[1] = open(p[0]) ? 1 : 0;
                base.loopBreak();
            });
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            assertEquals(0, seen[0]);
            assertEquals(0, seen[1], "the Laio's close submitted it");
        }
    }

    @Test
    void aFailedCloseOnTheRingIsStillCounted() {
        int[] p = Native.pipe();
        Native.close(p[0]);
        Native.close(p[1]); // p[0] names nothing now: EBADF
        try (EventBase base = EventBase.create("uring"); Laio laio = deferred(base)) {
            base.setUncaughtHandler(failures.uncaughtHandler());
            long[] r = {-2};
            onLoopThenOnePass(base, () -> r[0] = laio.closeUnawaited(p[0]));
            assertEquals(0, r[0], "queued: the failure comes later");
            assertEquals(1, laio.stats().errors(Sys.SYS_close), "the kernel's EBADF reached the Laio");
        }
    }

    @Test
    void elsewhereItIsThePlainClose() {
        for (RingMode mode : new RingMode[] {RingMode.LAZY, RingMode.OFF}) {
            int[] p = Native.pipe();
            Native.close(p[1]);
            try (EventBase base = EventBase.create("uring");
                 Laio laio = Laio.attach(base, LaioConfig.builder().ringMode(mode).build())) {
                long[] r = new long[4];
                onLoopThenOnePass(base, () -> {
                    r[0] = laio.closeUnawaited(p[0]);
                    r[1] = open(p[0]) ? 1 : 0;
                    r[2] = laio.closeUnawaited(p[0]);
                    r[3] = Laio.errno();
                });
                assertEquals(0, r[0], mode + ": closed inline");
                assertEquals(0, r[1], mode + ": at once");
                assertEquals(-1, r[2], mode + ": a second close fails inline");
                assertEquals(Errno.EBADF, r[3]);
            }
        }
        int[] p = Native.pipe();
        Native.close(p[1]);
        try (Laio laio = Laio.create()) {
            assertEquals(0, laio.closeUnawaited(p[0]), "standalone: closed inline");
            assertFalse(open(p[0]));
            assertNull(laio.gethandle());
        }
    }

    @Test
    void offTheLoopThreadADeferredLaioClosesInline() {
        int[] p = Native.pipe();
        Native.close(p[1]);
        try (EventBase base = EventBase.create("uring"); Laio laio = deferred(base)) {
            assertEquals(0, laio.closeUnawaited(p[0]));
            assertFalse(open(p[0]), "no loop runs: the plain close");
            assertTrue(laio.stats().inline(Sys.SYS_close) == 1);
        }
    }
}
