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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.abi.OpenFlags;
import io.laio.event.Ev;
import io.laio.event.EventBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link GroupCommit} on its own loop: batching, acknowledgement, failure. */
@Timeout(30)
class GroupCommitUnitTest {
    @TempDir
    Path dir;

    static final class Recorder implements GroupCommit.Waiter {
        final List<Long> acked = new ArrayList<>();
        boolean failed;

        @Override
        public boolean durable(long ackedLsn) {
            acked.add(ackedLsn);
            return true;
        }

        @Override
        public void logFailed() {
            failed = true;
        }
    }

    /** Runs {@code base} until {@code done}, at most 10 s. */
    static void runUntil(EventBase base, BooleanSupplier done) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
        }
    }

    @Test
    void recordsSealedInOneLoopPassShareOneWriteAndOneFsync() throws Exception {
        Path file = dir.resolve("log");
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base)) {
            DiskIo io = new DiskIo(base, laio);
            int fd = io.open(file.toString(), OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_APPEND, 0644);
            GroupCommit gc = new GroupCommit(base, laio, fd, SyncMode.ALWAYS);
            Recorder r = new Recorder();
            gc.addWaiter(r);
            long last = 0;
            for (int i = 0; i < 3; i++) {
                last = gc.appendDelete("k" + i);
            }
            assertEquals(3, last);
            assertEquals(0, gc.ackedLsn(), "nothing is acknowledged before the disk has it");
            runUntil(base, () -> gc.ackedLsn() == 3);
            assertEquals(1, gc.writes());
            assertEquals(1, gc.fsyncs());
            assertEquals(List.of(3L), r.acked);
            gc.close();
            io.close(fd);
        }
        RecordBuffer expected = new RecordBuffer(64);
        for (int i = 0; i < 3; i++) {
            MutationLog.delete(expected, "k" + i);
        }
        assertArrayEquals(Arrays.copyOf(expected.array(), expected.size()), Files.readAllBytes(file));
    }

    /**
     * Each cycle's bytes go at the file's end: after what the file held when the log started
     * and after the cycles before, even on a descriptor without {@code O_APPEND}; and each cycle
     * is one {@code pwrite64} (a {@code write} would cost a {@code statx} of the descriptor per
     * cycle on the loop). Under either policy: with {@code EAGER} even finding the file's end
     * is a helper's call.
     */
    @ParameterizedTest
    @EnumSource(value = Policy.class, names = {"LAZY", "EAGER"})
    void cyclesAppendAfterTheFileEndWithOnePwritePerCycle(Policy policy) throws Exception {
        Path file = dir.resolve("log");
        byte[] before = "earlier bytes\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Files.write(file, before);
        LaioConfig config = LaioConfig.builder().policy(policy).build();
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base, config)) {
            DiskIo io = new DiskIo(base, laio);
            int fd = io.open(file.toString(), OpenFlags.O_WRONLY, 0); // no O_APPEND: the offset alone places the bytes
            GroupCommit gc = new GroupCommit(base, laio, fd, SyncMode.NEVER);
            for (int i = 0; i < 3; i++) {
                long lsn = gc.appendDelete("k" + i);
                runUntil(base, () -> gc.ackedLsn() == lsn);
            }
            assertEquals(3, gc.writes(), "one cycle per record, each waited for");
            assertEquals(3, gc.ownLaioStats().calls(Sys.SYS_pwrite64));
            assertEquals(0, gc.ownLaioStats().calls(Sys.SYS_write));
            gc.close();
            io.close(fd);
        }
        RecordBuffer expected = new RecordBuffer(64);
        expected.putBytes(before);
        for (int i = 0; i < 3; i++) {
            MutationLog.delete(expected, "k" + i);
        }
        assertArrayEquals(Arrays.copyOf(expected.array(), expected.size()), Files.readAllBytes(file));
    }

    /** A log file in {@code dir} open read-only: {@code write(2)} on it fails with {@code EBADF}. */
    static int unwritableLog(DiskIo io, Path dir) throws Exception {
        Path file = dir.resolve("readonly");
        Files.write(file, new byte[0]);
        return io.open(file.toString(), OpenFlags.O_RDONLY, 0);
    }

    @Test
    void aFailedWriteFailsTheLogAndAcknowledgesNothing() throws Exception {
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base)) {
            DiskIo io = new DiskIo(base, laio);
            int fd = unwritableLog(io, dir);
            GroupCommit gc = new GroupCommit(base, laio, fd, SyncMode.ALWAYS);
            Recorder r = new Recorder();
            gc.addWaiter(r);
            gc.appendDelete("k");
            runUntil(base, gc::failed);
            assertTrue(r.failed, "waiters are told");
            assertTrue(r.acked.isEmpty());
            assertEquals(0, gc.ackedLsn());
            boolean[] idle = {false};
            gc.whenIdle(() -> idle[0] = true);
            assertTrue(idle[0]);
            assertFalse(gc.fsyncs() > 0);
            gc.close();
            io.close(fd);
        }
    }
}
