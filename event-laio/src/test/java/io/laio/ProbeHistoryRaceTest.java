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

import io.laio.internal.Native;
import io.laio.internal.SchedulePoints;
import io.laio.internal.route.ProbeHistory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probe history's race with a close through laio made deterministic with
 * {@link SchedulePoints}: a probe that learned "no probe works here" of a number's file stops
 * before it teaches the history; meanwhile another thread closes the number through laio and a
 * cached file takes it; then the lesson lands. It was about the previous file, and must not send
 * every read of the new one to a helper until its close.
 */
@Timeout(60)
class ProbeHistoryRaceTest {
    @AfterEach
    void noHook() {
        SchedulePoints.install(null);
    }

    @Test
    void aLessonAboutANumbersPreviousFileLandingAfterItsCloseLeavesTheNextFileProbed() throws Exception {
        Path f = Files.createTempFile("laio", ".bin");
        Files.write(f, new byte[4096]);
        Files.readAllBytes(f); // cached
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared(); ScheduleControl s = ScheduleControl.install()) {
            // a pty master: RWF_NOWAIT refused and no position for cachestat, so no probe works on it
            int pty = (int) Native.sys(Sys.SYS_openat, -100, arena.allocateFrom("/dev/ptmx").address(),
                    0x2 | 0x100 | 0x80000 /* O_RDWR | O_NOCTTY | O_CLOEXEC */, 0);
            MemorySegment buf = arena.allocate(4096);
            long[] r = {0};
            Thread reader = new Thread(() -> r[0] = laio.read(pty, buf, 64), "probe-race-reader");
            AtomicInteger lessons = new AtomicInteger();
            // its first lesson is "RWF_NOWAIT refused", its second "no probe works": stop before that one
            ScheduleControl.Pause late = s.pause(ProbeHistory.TEACH, t -> t == reader && lessons.incrementAndGet() == 2);
            reader.start();
            late.awaitReached();

            assertEquals(0, laio.close(pty), "closed through laio while the probe's lesson is on its way");
            int file = Native.openRead(f.toString());
            if (file != pty) {
                Native.sys(Sys.SYS_dup2, file, pty); // the number's next file
                Native.close(file);
            }
            late.release();
            reader.join(10_000);

            long inline = laio.stats().inline(Sys.SYS_read);
            assertEquals(64, laio.read(pty, buf, 64), "the cached file's read is answered at once");
            assertEquals(inline + 1, laio.stats().inline(Sys.SYS_read), "inline, after a probe, not sent to a helper");
            Native.close(pty);
        } finally {
            Files.delete(f);
        }
    }
}
