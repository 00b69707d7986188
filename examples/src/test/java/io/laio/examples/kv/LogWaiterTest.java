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

package io.laio.examples.kv;

import static io.laio.examples.kv.GroupCommitUnitTest.runUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laio.Laio;
import io.laio.abi.OpenFlags;
import io.laio.event.Ev;
import io.laio.event.EventBase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link LogWaiter}: a connection is told once per move of the log, and again only if it registers again. */
@Timeout(30)
class LogWaiterTest {
    @TempDir
    Path dir;

    /** Runs the loop a little longer, for a second telling that should not come. */
    private static void settle(EventBase base) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            Thread.sleep(5);
        }
    }

    @Test
    void registeringTwiceIsToldOnceAndAConnectionStillHoldingRepliesIsToldOfTheNextMove() throws Exception {
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base)) {
            DiskIo io = new DiskIo(base, laio);
            int fd = io.open(dir.resolve("log").toString(), OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_APPEND, 0644);
            GroupCommit gc = new GroupCommit(base, laio, fd, SyncMode.ALWAYS);
            int[] told = {0};
            LogWaiter[] w = new LogWaiter[1];
            w[0] = new LogWaiter(gc, () -> {
                if (++told[0] == 1) {
                    w[0].register(); // still holding replies: as a connection's flush does
                }
            }, () -> {
                throw new AssertionError("the log did not fail");
            });
            w[0].register();
            w[0].register(); // a second flush while waiting: still one registration
            gc.appendDelete("a");
            runUntil(base, () -> gc.ackedLsn() == 1);
            settle(base);
            assertEquals(1, told[0], "told once of the first move");
            gc.appendDelete("b");
            runUntil(base, () -> gc.ackedLsn() == 2);
            settle(base);
            assertEquals(2, told[0], "registered again from inside its telling: told of the second move, once");
            gc.appendDelete("c");
            runUntil(base, () -> gc.ackedLsn() == 3);
            settle(base);
            assertEquals(2, told[0], "not registered any more: not told");
            gc.close();
            io.close(fd);
        }
    }

    @Test
    void aFailedLogIsToldOnceAndAgainAfterRegisteringAgain() throws Exception {
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base)) {
            DiskIo io = new DiskIo(base, laio);
            int fd = GroupCommitUnitTest.unwritableLog(io, dir);
            GroupCommit gc = new GroupCommit(base, laio, fd, SyncMode.ALWAYS);
            int[] failed = {0};
            LogWaiter w = new LogWaiter(gc, () -> {
                throw new AssertionError("nothing was acknowledged");
            }, () -> failed[0]++);
            w.register();
            w.register();
            gc.appendDelete("k");
            runUntil(base, () -> failed[0] > 0);
            settle(base);
            assertEquals(1, failed[0]);
            w.register();
            runUntil(base, () -> failed[0] > 1);
            settle(base);
            assertEquals(2, failed[0], "a registration on a failed log is told too");
            gc.close();
            io.close(fd);
        }
    }
}
