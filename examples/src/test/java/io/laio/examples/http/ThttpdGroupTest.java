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


package io.laio.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.EnumSource;

/** thttpd on two loops: every loop serves, connections stay put, and stopping leaves no thread behind. */
@Timeout(120)
class ThttpdGroupTest {

    private static long loopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("thttpd-loop-") && t.isAlive()).count();
    }

    @ParameterizedTest(name = "{0}, hand-off {1}")
    @CsvSource({"LAIO_LAIO, false", "LAIO_LAIO, true", "NB_B, false", "NB_LAIO, true"})
    void connectionsLandOnEveryLoopAndEachIsServedWhereItLanded(ServeMode mode, boolean handOff) throws Exception {
        long before = loopThreads();
        ThttpdGroup group = new ThttpdGroup(ThttpdServer.Options.of(mode), 2, handOff, null);
        Set<Throwable> failures = ConcurrentHashMap.newKeySet();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                group.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        try {
            for (int i = 0; i < 40; i++) {
                try (RawHttp c = new RawHttp(group.port())) {
                    for (int r = 0; r < 3; r++) { // keep-alive: the same loop answers every request of it
                        RawHttp.Response resp = c.request("/hello.txt");
                        assertEquals(200, resp.status());
                    }
                }
            }
            long[] perLoop = group.acceptedPerLoop();
            assertEquals(40, perLoop[0] + perLoop[1], Arrays.toString(perLoop));
            assertTrue(perLoop[0] > 0 && perLoop[1] > 0, "both loops served: " + Arrays.toString(perLoop));
            if (handOff) {
                assertEquals(20, perLoop[0], "round robin: " + Arrays.toString(perLoop));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (group.requests() < 120 && System.nanoTime() < deadline) {
                Thread.sleep(10); // a request is counted once its response is sent, maybe after the client read it
            }
            assertEquals(120, group.requests());
        } finally {
            group.stop();
            runner.join(Duration.ofSeconds(30));
        }
        assertTrue(failures.isEmpty(), failures.toString());
        assertTrue(group.awaitStopped(Duration.ofSeconds(1)));
        assertEquals(before, loopThreads(), "every loop thread ended");
        assertTrue(group.laioStats().toString().startsWith("LaioStats["));
    }

    /**
     * Hand-off: the connection limit holds over both loops. Of six clients four are taken (two
     * per loop, round robin), the other two wait in the backlog unaccepted; a client leaving
     * loop 1, not the accepting loop, lets one in; every client is served in turn, and once all
     * have left the count is back to zero.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ServeMode.class, names = {"LAIO_LAIO", "NB_B"})
    void handOffHoldsTheConnectionLimitAcrossLoops(ServeMode mode) throws Exception {
        ThttpdServer.Options base = ThttpdServer.Options.of(mode);
        ThttpdServer.Options o = new ThttpdServer.Options(mode, base.bind(), 0, null, true, base.idleTimeout(),
                base.headerTimeout(), false, base.maxHelpers(), 4);
        ThttpdGroup group = new ThttpdGroup(o, 2, true, null);
        Set<Throwable> failures = ConcurrentHashMap.newKeySet();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                group.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
        List<RawHttp> clients = new ArrayList<>();
        try {
            assertEquals(4, group.server(0).maxConnections(), "the whole limit, not loop 0's half");
            for (int i = 0; i < 6; i++) {
                clients.add(new RawHttp(group.port()));
                awaitAtLeast(() -> (int) Arrays.stream(group.acceptedPerLoop()).sum(), Math.min(i + 1, 4));
            }
            Thread.sleep(300); // time enough to accept more, were the limit not held
            assertEquals(4, group.openConnections());
            assertEquals("[2, 2]", Arrays.toString(group.acceptedPerLoop()), "the excess waits in the backlog");
            assertEquals(200, clients.get(1).request("/hello.txt").status()); // on loop 1
            clients.remove(1).close();
            awaitAtLeast(() -> (int) Arrays.stream(group.acceptedPerLoop()).sum(), 5);
            Thread.sleep(100);
            assertEquals(5, Arrays.stream(group.acceptedPerLoop()).sum(), Arrays.toString(group.acceptedPerLoop()));
            assertEquals(4, group.openConnections());
            for (RawHttp c : clients) { // each that leaves lets the last one waiting in
                assertEquals(200, c.request("/hello.txt").status());
                c.close();
            }
            clients.clear();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (group.openConnections() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, group.openConnections(), "every close counted");
            assertEquals(6, Arrays.stream(group.acceptedPerLoop()).sum());
            assertEquals(0, group.server(0).connectionCount() + group.server(1).connectionCount());
        } finally {
            for (RawHttp c : clients) {
                c.close();
            }
            group.stop();
            runner.join(Duration.ofSeconds(30));
        }
        assertTrue(failures.isEmpty(), failures.toString());
    }

    /**
     * Listeners per loop, each loop at its share of the connection limit (so its listener is
     * paused): stopping closes every connection on every loop at once, and no exception reaches
     * a loop's thread. A loop that tried to resume its closed listener while closing its first
     * connection left the others open: the loop ran into the stop's timeout, and their clients
     * never saw the end.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ServeMode.class, names = {"NB_B", "NB_LAIO", "LAIO_LAIO"})
    void stoppingWithEveryLoopAtItsConnectionLimitClosesEveryConnectionAtOnce(ServeMode mode) throws Exception {
        ThttpdServer.Options base = ThttpdServer.Options.of(mode);
        ThttpdServer.Options o = new ThttpdServer.Options(mode, base.bind(), 0, null, true, base.idleTimeout(),
                base.headerTimeout(), false, base.maxHelpers(), 8); // 4 a loop
        Set<String> uncaught = ConcurrentHashMap.newKeySet();
        ThttpdGroup group = new ThttpdGroup(o, 2, false,
                (b, i) -> b.setUncaughtHandler((ev, t) -> uncaught.add("loop " + i + ": " + t)));
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                group.run();
            } catch (Throwable t) {
                uncaught.add("run: " + t);
            }
        });
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 24; i++) { // the kernel's hash gives each listener at least 4 of them
                Socket c = new Socket("127.0.0.1", group.port());
                c.setSoTimeout(5_000);
                clients.add(c);
            }
            awaitAtLeast(() -> (int) Arrays.stream(group.acceptedPerLoop()).sum(), 8);
            assertEquals("[4, 4]", Arrays.toString(group.acceptedPerLoop()), "both loops at their limit");
            long t0 = System.nanoTime();
            group.stop();
            for (Socket c : clients) {
                try {
                    assertEquals(-1, c.getInputStream().read(), "closed by the server");
                } catch (SocketException reset) {
                    // one left in a closed listener's backlog is reset
                }
            }
            assertTrue(group.awaitStopped(Duration.ofSeconds(30)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < ThttpdGroup.STOP_WAIT_SECONDS * 1000 / 2, "every loop ended at once, not at the stop's timeout: " + ms + " ms");
        } finally {
            for (Socket c : clients) {
                c.close();
            }
            group.stop();
            runner.join(Duration.ofSeconds(30));
        }
        assertTrue(uncaught.isEmpty(), uncaught.toString());
    }

    /**
     * A stop that comes before {@link ThttpdGroup#run()} (a SIGTERM at start-up) wins: run
     * returns at once, nothing is accepted, and no loop meets an exception (its listener,
     * closed by the stop, was started again, and a closed channel cannot be watched).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO"})
    void aStopBeforeRunWinsAndRunReturnsAtOnce(ServeMode mode) throws Exception {
        Set<String> uncaught = ConcurrentHashMap.newKeySet();
        ThttpdGroup group = new ThttpdGroup(ThttpdServer.Options.of(mode), 2, false,
                (b, i) -> b.setUncaughtHandler((ev, t) -> uncaught.add("loop " + i + ": " + t)));
        int port = group.port();
        group.stop();
        long t0 = System.nanoTime();
        group.run();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < ThttpdGroup.STOP_WAIT_SECONDS * 1000 / 2, "run returned at once: " + ms + " ms");
        assertTrue(uncaught.isEmpty(), uncaught.toString());
        assertEquals(0, Arrays.stream(group.acceptedPerLoop()).sum());
        try (Socket s = new Socket("127.0.0.1", port)) {
            throw new AssertionError("connected to a stopped server on port " + port);
        } catch (java.net.ConnectException refused) {
            // nobody listens
        }
    }

    /**
     * A second server started on the port a group's {@code SO_REUSEPORT} listeners hold (an old
     * instance still running, a typo) fails as it would on a plain listener's port; before, its
     * own reuseport listeners joined the first server's and the kernel quietly gave it part of
     * the connections.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO"})
    void aSecondServerOnTheReusePortOfARunningGroupIsRefused(ServeMode mode) throws Exception {
        ThttpdGroup first = new ThttpdGroup(ThttpdServer.Options.of(mode), 2, false, null);
        try {
            ThttpdServer.Options base = ThttpdServer.Options.of(mode);
            ThttpdServer.Options o = new ThttpdServer.Options(mode, base.bind(), first.port(), null, true, base.idleTimeout(),
                    base.headerTimeout(), false, base.maxHelpers(), 0);
            ThttpdGroup second = null;
            try {
                second = new ThttpdGroup(o, 2, false, null);
            } catch (java.net.BindException refused) {
                assertTrue(refused.getMessage().contains("in use"), refused.toString());
            }
            if (second != null) {
                second.stop();
                second.run();
                throw new AssertionError("a second server started on port " + first.port() + ", which a running one holds");
            }
        } finally {
            first.stop();
            first.run();
        }
    }

    /**
     * Listeners per loop: the connection limit is split over the loops without losing its
     * remainder (5 over 2 loops: 3 and 2, not 2 and 2), and a limit below the number of loops,
     * which a listener per loop cannot hold (each loop would take at least one), is refused.
     */
    @org.junit.jupiter.api.Test
    void withAListenerPerLoopTheWholeConnectionLimitIsServedAndNeverExceeded() throws Exception {
        ThttpdServer.Options base = ThttpdServer.Options.of(ServeMode.NB_B);
        ThttpdServer.Options five = new ThttpdServer.Options(ServeMode.NB_B, base.bind(), 0, null, true, base.idleTimeout(),
                base.headerTimeout(), false, base.maxHelpers(), 5);
        ThttpdGroup group = new ThttpdGroup(five, 2, false, null);
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                group.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        List<Socket> clients = new ArrayList<>();
        try {
            assertEquals(5, group.server(0).maxConnections() + group.server(1).maxConnections(), "the shares add up to the limit");
            for (int i = 0; i < 24; i++) { // the kernel's hash gives each listener at least 3
                clients.add(new Socket("127.0.0.1", group.port()));
            }
            awaitAtLeast(() -> (int) Arrays.stream(group.acceptedPerLoop()).sum(), 5);
            Thread.sleep(200); // time enough to take more, were the limit not held
            assertEquals(5, group.openConnections(), Arrays.toString(group.acceptedPerLoop()));
        } finally {
            for (Socket c : clients) {
                c.close();
            }
            group.stop();
            runner.join(Duration.ofSeconds(30));
        }
        ThttpdServer.Options one = new ThttpdServer.Options(ServeMode.NB_B, base.bind(), 0, null, true, base.idleTimeout(),
                base.headerTimeout(), false, base.maxHelpers(), 1);
        IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ThttpdGroup(one, 2, false, null));
        assertTrue(refused.getMessage().contains("hand"), refused.getMessage());
    }

    /**
     * The process's request buffer bound is split over the loops exactly (5 over 2: 3 and 2, not
     * 2 and 2), and a helper or request buffer bound below the number of loops, which each loop's
     * minimum of one would exceed, is refused.
     */
    @org.junit.jupiter.api.Test
    void theRequestBufferBoundIsSplitExactlyAndABoundBelowTheLoopsIsRefused() throws Exception {
        ThttpdServer.Options base = ThttpdServer.Options.of(ServeMode.NB_B);
        ThttpdGroup group = new ThttpdGroup(base.withMaxRequestBuffers(5), 2, false, null);
        try {
            assertEquals(5, group.server(0).requestBufferLimit() + group.server(1).requestBufferLimit(),
                    "the shares add up to the bound");
        } finally {
            group.stop();
            group.run(); // returns at once after a stop: closes what the group opened
        }
        IllegalArgumentException buffers = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ThttpdGroup(base.withMaxRequestBuffers(1), 2, false, null));
        assertTrue(buffers.getMessage().contains("request buffer bound of 1"), buffers.getMessage());
        ThttpdServer.Options oneHelper = new ThttpdServer.Options(ServeMode.NB_B, base.bind(), 0, null, true, base.idleTimeout(),
                base.headerTimeout(), false, 1, 0);
        IllegalArgumentException helpers = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ThttpdGroup(oneHelper, 2, true, null));
        assertTrue(helpers.getMessage().contains("helper bound of 1"), helpers.getMessage());
    }

    private static void awaitAtLeast(IntSupplier value, int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (value.getAsInt() < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(value.getAsInt() >= atLeast, "waited for " + atLeast + ", have " + value.getAsInt());
    }
}
