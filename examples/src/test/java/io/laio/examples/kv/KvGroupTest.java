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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kv on two loops: every loop serves, the loops share one store and one log (a key's mutations
 * from both loops replay in the order clients saw them), and stopping leaves no thread or
 * descriptor behind.
 */
@Timeout(120)
class KvGroupTest {
    @TempDir
    Path dir;

    private KvGroup start(int loops, boolean handOff, SyncMode sync) throws IOException {
        return start(loops, handOff, sync, KvIo.NIO);
    }

    private KvGroup start(int loops, boolean handOff, SyncMode sync, KvIo io) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        KvServer.Config config = new KvServer.Config(new InetSocketAddress("127.0.0.1", 0), dir.resolve("data").toString(),
                64L << 20, 1 << 20, sync, false, io);
        return new KvGroup(config, loops, handOff, null);
    }

    private static void stop(KvGroup g) throws InterruptedException {
        g.stop();
        assertTrue(g.await(Duration.ofSeconds(30)), "every loop ended");
    }

    private static long loopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kv-loop-") && t.isAlive()).count();
    }

    private static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @ParameterizedTest(name = "hand-off {0}, --io {1}")
    @CsvSource({"false, nio", "true, nio", "false, buffered", "true, buffered"})
    void connectionsLandOnEveryLoopAndEveryLoopSeesTheOthersWrites(boolean handOff, String io) throws Exception {
        KvGroup g = start(2, handOff, SyncMode.NEVER, KvIo.valueOf(io.toUpperCase(java.util.Locale.ROOT)));
        try {
            List<KvClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 24; i++) {
                    KvClient c = new KvClient(g.port());
                    clients.add(c);
                    c.set("k" + i, "v" + i);
                }
                for (int i = 0; i < clients.size(); i++) {
                    // written through another connection, very likely another loop
                    assertEquals("v" + i, clients.get((i + 1) % clients.size()).get("k" + i));
                }
                Map<String, String> stats = clients.get(0).stats();
                assertEquals("2", stats.get("threads"));
                assertEquals("24", stats.get("curr_items"));
                assertEquals("24", stats.get("cmd_set"), "counters summed over the loops");
            } finally {
                for (KvClient c : clients) {
                    c.close();
                }
            }
            long[] perLoop = g.acceptedPerLoop();
            assertEquals(24, perLoop[0] + perLoop[1], Arrays.toString(perLoop));
            assertTrue(perLoop[0] > 0 && perLoop[1] > 0, "both loops served: " + Arrays.toString(perLoop));
            if (handOff) {
                assertEquals(12, perLoop[0], "round robin: " + Arrays.toString(perLoop));
            }
        } finally {
            stop(g);
        }
    }

    /**
     * Two clients on the two loops (hand-off: round robin) {@code incr} one key and append to
     * another, interleaved: each mutation logs the whole new value, so a log written out of the
     * store's order would replay an older value. After a restart the key holds the last value
     * a client was told.
     */
    @Test
    void aKeyMutatedFromBothLoopsReplaysToTheLastAcknowledgedValue() throws Exception {
        int rounds = 400;
        String last;
        KvGroup g = start(2, true, SyncMode.NEVER);
        try {
            try (KvClient a = new KvClient(g.port()); KvClient b = new KvClient(g.port())) {
                a.call("set n 0 0 1\r\n0\r\n", "STORED");
                a.call("set s 0 0 1\r\n.\r\n", "STORED");
                Set<Throwable> failures = ConcurrentHashMap.newKeySet();
                List<Thread> ts = new ArrayList<>();
                for (KvClient c : List.of(a, b)) {
                    ts.add(Thread.ofPlatform().start(() -> {
                        try {
                            for (int i = 0; i < rounds; i++) {
                                c.send("incr n 1\r\n");
                                c.line();
                                c.call("append s 0 0 1\r\nx\r\n", "STORED");
                            }
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }));
                }
                for (Thread t : ts) {
                    t.join();
                }
                assertTrue(failures.isEmpty(), failures.toString());
                assertEquals(Integer.toString(2 * rounds), a.get("n").trim(), "incr is atomic over the loops");
                last = a.get("s");
                assertEquals(1 + 2 * rounds, last.length());
            }
            assertEquals(2 + 4 * rounds, g.mutations());
        } finally {
            stop(g);
        }
        KvGroup again = start(2, true, SyncMode.NEVER);
        try (KvClient c = new KvClient(again.port())) {
            assertEquals(2 + 4 * rounds, again.replayedRecords());
            assertEquals(Integer.toString(2 * rounds), c.get("n").trim());
            assertEquals(last, c.get("s"));
        } finally {
            stop(again);
        }
    }

    /**
     * A second kv on the port a group's {@code SO_REUSEPORT} listeners hold fails as on a
     * plain listener's port, before it touches the data directory; before, it joined the
     * running server's listeners and took part of its connections.
     */
    @ParameterizedTest(name = "--io {0}")
    @ValueSource(strings = {"nio", "buffered"})
    void aSecondServerOnTheReusePortOfARunningGroupIsRefused(String io) throws Exception {
        KvIo kvIo = KvIo.valueOf(io.toUpperCase(java.util.Locale.ROOT));
        KvGroup first = start(2, false, SyncMode.NEVER, kvIo);
        try {
            Files.createDirectories(dir.resolve("other"));
            KvServer.Config config = new KvServer.Config(new InetSocketAddress("127.0.0.1", first.port()),
                    dir.resolve("other").toString(), 64L << 20, 1 << 20, SyncMode.NEVER, false, kvIo);
            KvGroup second = null;
            try {
                second = new KvGroup(config, 2, false, null);
            } catch (IOException refused) {
                assertTrue(refused.getMessage().contains("in use"), refused.toString());
            }
            if (second != null) {
                stop(second);
                throw new AssertionError("a second kv started on port " + first.port() + ", which a running one holds");
            }
        } finally {
            stop(first);
        }
    }

    @ParameterizedTest(name = "hand-off {0}, --io {1}")
    @CsvSource({"false, nio", "false, buffered", "true, buffered"})
    void afterTheGroupStopsItsThreadsAndDescriptorsAreGone(boolean handOff, String io) throws Exception {
        KvIo kvIo = KvIo.valueOf(io.toUpperCase(java.util.Locale.ROOT));
        // a first round loads classes and any descriptors the JDK keeps for good (the JIT, jars)
        KvGroup warm = start(2, handOff, SyncMode.ALWAYS, kvIo);
        try (KvClient c = new KvClient(warm.port())) {
            c.set("k", "v");
        }
        stop(warm);
        long threads = loopThreads();
        long fds = openDescriptors();
        KvGroup g = start(2, handOff, SyncMode.ALWAYS, kvIo);
        List<KvClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                KvClient c = new KvClient(g.port());
                clients.add(c);
                c.set("k" + i, "v");
            }
            assertEquals(threads + 2, loopThreads());
        } finally {
            for (KvClient c : clients) {
                c.close();
            }
            stop(g);
        }
        assertEquals(threads, loopThreads(), "every loop thread ended");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (openDescriptors() > fds && System.nanoTime() < deadline) {
            Thread.sleep(20); // a helper thread of a closed Laio may still be closing its own
        }
        assertEquals(fds, openDescriptors(), "listeners, sockets, the log, each loop's Laio and base closed");
    }
}
