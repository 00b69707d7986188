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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * {@code kv --sync always} in a child JVM under load, killed with SIGKILL mid-flight: after a
 * restart on the same directory every acknowledged mutation is there, on one loop and on two
 * (where the writers' connections, and so their mutations, are spread over both loops).
 */
@Timeout(90)
class KillNineDurabilityTest {
    @TempDir
    Path dir;

    /** One client's acknowledged history. */
    static final class Writer implements Runnable {
        final int id;
        final int port;
        final AtomicBoolean stop;
        volatile int lastAcked = -1; // "w<id>-<i>" = "v<i>" for every i <= lastAcked; "w<id>-last" >= lastAcked
        volatile int lastDeleted = -1; // "w<id>-<i>-tmp" deleted for every i <= lastDeleted (step 3)
        volatile Throwable error;

        Writer(int id, int port, AtomicBoolean stop) {
            this.id = id;
            this.port = port;
            this.stop = stop;
        }

        @Override
        public void run() {
            try (KvClient c = new KvClient(port)) {
                for (int i = 0; !stop.get(); i++) {
                    String v = "v" + i;
                    c.call("set w" + id + "-" + i + " " + i + " 0 " + v.length() + "\r\n" + v + "\r\n", "STORED");
                    String last = Integer.toString(i);
                    c.call("set w" + id + "-last 0 0 " + last.length() + "\r\n" + last + "\r\n", "STORED");
                    lastAcked = i;
                    if (i % 3 == 0) {
                        c.call("set w" + id + "-" + i + "-tmp 0 0 1\r\nx\r\n", "STORED");
                        c.call("delete w" + id + "-" + i + "-tmp\r\n", "DELETED");
                        lastDeleted = i;
                    }
                }
            } catch (IOException e) {
                // the server was killed under us: expected
            } catch (Throwable t) {
                error = t;
            }
        }
    }

    @ParameterizedTest(name = "--loops {0} --io {1}")
    @CsvSource({"1, nio", "2, nio", "1, buffered", "2, buffered"})
    void everyAcknowledgedMutationSurvivesKillMinusNine(int loops, String io) throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("kv.stderr");
        int writers = 4;
        List<Writer> ws = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try (KvProcess kv = new KvProcess(data, stderr, "--sync", "always", "--loops", Integer.toString(loops), "--io", io)) {
            AtomicBoolean stop = new AtomicBoolean();
            for (int i = 0; i < writers; i++) {
                Writer w = new Writer(i, kv.port, stop);
                ws.add(w);
                threads.add(Thread.ofPlatform().start(w));
            }
            // every writer acknowledged at least once (a loaded machine may take seconds for the
            // first fsyncs), then some more traffic, then the kill lands mid-request
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (ws.stream().anyMatch(w -> w.lastAcked < 0 && w.error == null) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(1000);
            kv.kill();
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
        long acked = 0;
        for (Writer w : ws) {
            if (w.error != null) {
                throw new AssertionError("writer " + w.id + " saw a wrong reply", w.error);
            }
            assertTrue(w.lastAcked >= 0, "writer " + w.id + " got no acknowledgement in time");
            acked += 2L * (w.lastAcked + 1);
        }
        LoggerFactory.getLogger(KillNineDurabilityTest.class).info("{} mutations acknowledged before kill -9", acked);
        try (KvProcess kv = new KvProcess(data, stderr, "--sync", "always", "--loops", Integer.toString(loops), "--io", io);
                KvClient c = new KvClient(kv.port)) {
            for (Writer w : ws) {
                for (int i = 0; i <= w.lastAcked; i++) {
                    String key = "w" + w.id + "-" + i;
                    c.send("get " + key + "\r\n");
                    c.expect("VALUE " + key + " " + i + " " + ("v" + i).length(), "v" + i, "END");
                }
                String last = c.get("w" + w.id + "-last");
                assertNotNull(last);
                assertTrue(Integer.parseInt(last) >= w.lastAcked, "w" + w.id + "-last = " + last + " < acked " + w.lastAcked);
                for (int i = 0; i <= w.lastDeleted; i += 3) {
                    assertEquals(null, c.get("w" + w.id + "-" + i + "-tmp"), "an acknowledged delete came back");
                }
            }
        }
    }
}
