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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Laio;
import io.laio.abi.OpenFlags;
import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import io.laio.examples.OnLoop;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One {@link SharedLog} on two loops: both append at once, every record reaches the file once,
 * one fsync covers records of both loops, and each loop's waiters are told on their own loop.
 */
@Timeout(60)
class SharedLogTest {
    @TempDir
    Path dir;

    /** Appends {@code rounds} batches on its loop, each batch acknowledged before the next. */
    static final class Appender implements GroupCommit.Waiter {
        final int id;
        final int rounds;
        final CountDownLatch done = new CountDownLatch(1);
        final Set<String> toldOn = ConcurrentHashMap.newKeySet();
        GroupCommit log;
        Thread loop;
        int round;
        long waitingFor;

        Appender(int id, int rounds) {
            this.id = id;
            this.rounds = rounds;
        }

        void next() {
            if (round == rounds) {
                done.countDown();
                return;
            }
            for (int i = 0; i < 5; i++) {
                waitingFor = log.appendDelete("a" + id + "-" + round + "-" + i);
            }
            round++;
            log.addWaiter(this);
        }

        @Override
        public boolean durable(long ackedLsn) {
            toldOn.add(Thread.currentThread() == loop ? "own loop" : Thread.currentThread().getName());
            if (ackedLsn < waitingFor) {
                return true;
            }
            next();
            return false;
        }

        @Override
        public void logFailed() {
            toldOn.add("failed");
        }
    }

    @Test
    void twoLoopsShareOneLogAndEachIsToldOnItsOwnLoop() throws Exception {
        Path file = dir.resolve("log");
        int rounds = 300;
        try (EventBase b = EventBase.create(); Laio l = Laio.attach(b)) {
            DiskIo io = new DiskIo(b, l);
            int fd = io.open(file.toString(), OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_APPEND, 0644);
            SharedLog shared = new SharedLog(fd, SyncMode.ALWAYS, io.end(fd));
            List<Appender> appenders = new ArrayList<>();
            List<Laio> laios = new ArrayList<>();
            EventLoopGroup group = EventLoopGroup.create(2);
            try {
                for (int i = 0; i < 2; i++) {
                    EventBase base = group.get(i);
                    Appender a = new Appender(i, rounds);
                    appenders.add(a);
                    laios.add(OnLoop.call(group, i, () -> {
                        Laio laio = Laio.attach(base);
                        a.log = new GroupCommit(shared, base, laio);
                        a.loop = Thread.currentThread();
                        return laio;
                    }));
                }
                for (int i = 0; i < 2; i++) {
                    group.execute(i, appenders.get(i)::next); // both at once
                }
                for (Appender a : appenders) {
                    assertTrue(a.done.await(30, TimeUnit.SECONDS), "appender " + a.id + " acknowledged to the end");
                    assertEquals(Set.of("own loop"), a.toldOn, "appender " + a.id);
                }
                assertEquals(2L * rounds * 5, shared.lastLsn);
                assertEquals(shared.lastLsn, shared.ackedLsn);
                assertTrue(shared.fsyncs < 2L * rounds, "an fsync covered both loops' records at times: " + shared.fsyncs);
                closeOnTheirLoops(group, appenders.stream().map(a -> a.log).toList(), laios);
            } finally {
                group.shutdownGracefully(Duration.ZERO, Duration.ofSeconds(5));
                assertTrue(group.awaitTermination(Duration.ofSeconds(10)));
            }
            io.close(fd);
        }
        // every record whole and once
        byte[] bytes = Files.readAllBytes(file);
        ItemStore probe = new ItemStore(1 << 20);
        Path replayed = dir.resolve("replayed");
        Files.write(replayed, concat(MutationLog.MAGIC, bytes));
        try (EventBase b = EventBase.create(); Laio l = Laio.attach(b)) {
            assertEquals(2L * rounds * 5, MutationLog.replay(new DiskIo(b, l), replayed.toString(), probe).records());
        }
    }

    /** Closes loop i's log and then its Laio, on loop i, for each loop of {@code group}. */
    private static void closeOnTheirLoops(EventLoopGroup group, List<GroupCommit> logs, List<Laio> laios) throws java.io.IOException {
        for (int i = 0; i < logs.size(); i++) {
            GroupCommit g = logs.get(i);
            Laio laio = laios.get(i);
            OnLoop.call(group, i, () -> {
                g.close();
                laio.close();
                return null;
            });
        }
    }

    /**
     * A loop with no waiters is not woken when another loop's cycle ends; a waiter it registers
     * afterwards for an LSN that cycle acknowledged (its connection read ackedLsn before the
     * cycle ended) is still told, on its own loop, without any further cycle.
     */
    @Test
    void aWaiterRegisteredAfterAnotherLoopsCycleEndedIsTold() throws Exception {
        Path file = dir.resolve("log");
        try (EventBase b = EventBase.create(); Laio l = Laio.attach(b)) {
            DiskIo io = new DiskIo(b, l);
            int fd = io.open(file.toString(), OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_APPEND, 0644);
            SharedLog shared = new SharedLog(fd, SyncMode.NEVER, io.end(fd));
            EventLoopGroup group = EventLoopGroup.create(2);
            List<GroupCommit> logs = new ArrayList<>();
            List<Laio> laios = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    EventBase base = group.get(i);
                    laios.add(OnLoop.call(group, i, () -> {
                        Laio laio = Laio.attach(base);
                        logs.add(new GroupCommit(shared, base, laio));
                        return laio;
                    }));
                }
                // loop 0 appends and its cycle ends; loop 1 has no waiter then
                Appender first = new Appender(0, 1);
                first.log = logs.get(0);
                first.loop = OnLoop.call(group, 0, Thread::currentThread);
                group.execute(0, first::next);
                assertTrue(first.done.await(10, TimeUnit.SECONDS), "loop 0's record acknowledged");
                long acked = shared.ackedLsn;
                // loop 1 now registers a waiter for that (already acknowledged) record
                CountDownLatch told = new CountDownLatch(1);
                Set<String> toldOn = ConcurrentHashMap.newKeySet();
                Thread loop1 = OnLoop.call(group, 1, Thread::currentThread);
                group.execute(1, () -> logs.get(1).addWaiter(new GroupCommit.Waiter() {
                    @Override
                    public boolean durable(long ackedLsn) {
                        toldOn.add(Thread.currentThread() == loop1 ? "own loop" : "elsewhere");
                        if (ackedLsn >= acked) {
                            told.countDown();
                            return false;
                        }
                        return true;
                    }

                    @Override
                    public void logFailed() {
                        toldOn.add("failed");
                    }
                }));
                assertTrue(told.await(10, TimeUnit.SECONDS), "the late waiter was told of the cycle that ended before it");
                assertEquals(Set.of("own loop"), toldOn);
                assertEquals(acked, shared.lastLsn, "no further cycle was needed");
                closeOnTheirLoops(group, logs, laios);
            } finally {
                group.shutdownGracefully(Duration.ZERO, Duration.ofSeconds(5));
                assertTrue(group.awaitTermination(Duration.ofSeconds(10)));
            }
            io.close(fd);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
