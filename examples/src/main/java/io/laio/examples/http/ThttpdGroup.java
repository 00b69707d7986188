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

import io.laio.LaioStats;
import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import io.laio.examples.OnLoop;
import io.laio.examples.net.ReusePortGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjIntConsumer;

/**
 * thttpd on N event loops: an {@link EventLoopGroup} with one {@link ThttpdServer} per loop,
 * each made on its loop's thread with its own {@code Laio}, root descriptor, buffers and
 * connections. Connections reach the loops through one {@code SO_REUSEPORT} listener per loop
 * (the kernel spreads them by a hash of the connection's addresses) or, in hand-off mode, through
 * loop 0's listener, which gives each connection to the next loop in turn. A connection stays on
 * the loop that got it until it closes. Each loop gets {@code 1/N} of the helper and queue
 * bounds, so the process keeps the configured ones. The connection limit: with a listener per
 * loop each loop holds {@code 1/N} of it; in hand-off mode it is one count over all loops
 * ({@link ConnectionGate}), checked by loop 0 before each accept and lowered by whichever loop
 * closes a connection, so the whole limit holds however unevenly connections close.
 *
 * <p>Threading: construct on any thread (it waits for every loop to set up), {@link #run()} waits
 * until {@link #stop()}, which any thread may call. Counters are summed over the loops and may be
 * read from any thread (approximate while it runs).
 */
public final class ThttpdGroup {
    

    private final EventLoopGroup group;
    private final List<ThttpdServer> servers;
    private final AtomicInteger handOffNext = new AtomicInteger();
    private volatile ConnectionGate gate;
    private final CountDownLatch ended = new CountDownLatch(1);

    /**
     * Opens every loop's server; nothing is served until {@link #run()}.
     *
     * @param options the server's options; its bounds are split over the loops
     * @param loops   the number of loops, at least 1
     * @param handOff true: loop 0 accepts and hands out; false: a {@code SO_REUSEPORT} listener per loop
     * @param onLoopStart run on each loop's thread first (CPU pinning), or null
     * @throws IOException if a listener or the root cannot be opened (what was opened is closed)
     * @throws IllegalArgumentException if the helper bound or the request buffer bound is below {@code loops}, or, with
     *         a listener per loop, the connection limit is
     */
    public ThttpdGroup(ThttpdServer.Options options, int loops, boolean handOff, ObjIntConsumer<EventBase> onLoopStart)
            throws IOException {
        if (!handOff && loops > 1 && options.maxConnections() > 0 && options.maxConnections() < loops) {
            throw new IllegalArgumentException(tooFewConnections(options.maxConnections(), loops));
        }
        if (options.maxHelpers() < loops || options.maxRequestBuffers() < loops) {
            throw new IllegalArgumentException(tooFewPerLoop(options.maxHelpers(), options.maxRequestBuffers(), loops));
        }
        List<ThttpdServer> made = new ArrayList<>();
        EventLoopGroup.Builder gb = EventLoopGroup.builder().loops(loops).threadName("thttpd-loop")
                .backend(options.mode().backend());
        if (options.spinBeforeSleep() != null) {
            gb.spinBeforeSleep(options.spinBeforeSleep());
        }
        this.group = gb
                .onLoopStart(onLoopStart)
                .onLoopEnd((base, i) -> {
                    if (i < made.size()) {
                        made.get(i).release(); // made is complete by then: run() starts nothing before it is
                    }
                }).build();
        try {
            InetSocketAddress at = new InetSocketAddress(options.bind(), options.port());
            if (!handOff && loops > 1) {
                ReusePortGuard.checkFree(at);
            }
            for (int i = 0; i < loops; i++) {
                InetSocketAddress listen = handOff && i > 0 ? null : at;
                EventBase b = group.get(i);
                int index = i;
                ThttpdServer s = OnLoop.call(group, i, () -> new ThttpdServer(options, b, index, loops, listen, !handOff && loops > 1,
                        handOff && loops > 1 ? this : null));
                made.add(s);
                if (i == 0) {
                    at = new InetSocketAddress(options.bind(), s.port());
                }
            }
        } catch (IOException | RuntimeException e) {
            this.servers = List.copyOf(made);
            stop();
            group.close();
            throw e;
        }
        this.servers = List.copyOf(made);
    }

    /** Why helpers or request buffer sets below the number of loops cannot be held: each loop needs one of each. */
    static String tooFewPerLoop(int maxHelpers, int maxRequestBuffers, int loops) {
        String what = maxHelpers < loops ? "a helper bound of " + maxHelpers : "a request buffer bound of " + maxRequestBuffers;
        return what + " is below the " + loops + " loops: each loop needs at least one; raise it or use fewer loops";
    }

    /** Why a connection limit below the number of loops cannot be held by a listener per loop. */
    static String tooFewConnections(int maxConnections, int loops) {
        return "a connection limit of " + maxConnections + " is below the " + loops + " loops: with a listener per loop"
                + " each loop takes at least one; raise the limit, use fewer loops, or hand connections off from one acceptor";
    }

    /** The port every loop listens on. */
    public int port() {
        return servers.get(0).port();
    }

    /** The directory served (loop 0's; every loop serves the same content). */
    public Path root() {
        return servers.get(0).root();
    }

    /** The number of loops. */
    public int loops() {
        return servers.size();
    }

    /** Starts accepting on every loop and waits until {@link #stop()} has ended them all. */
    public void run() throws InterruptedException {
        for (int i = 0; i < servers.size(); i++) {
            ThttpdServer s = servers.get(i);
            try {
                group.execute(i, s::startOnLoop);
            } catch (RejectedExecutionException stopped) {
                break; // stop() came first
            }
        }
        try {
            group.awaitTermination(Duration.ofDays(365_000));
        } finally {
            ended.countDown();
        }
    }

    /**
     * Stops accepting and closes every connection on every loop; each loop ends once the calls
     * still in flight have completed (at most {@value #STOP_WAIT_SECONDS} s), then releases its
     * Laio and root. Any thread; returns at once.
     */
    public void stop() {
        for (int i = 0; i < servers.size(); i++) {
            ThttpdServer s = servers.get(i);
            try {
                group.execute(i, s::beginStop);
            } catch (RejectedExecutionException ended) {
                // that loop has ended already
            }
        }
        group.shutdownGracefully(Duration.ZERO, STOP_WAIT);
    }

    /** How long {@link #stop()} lets a loop finish its calls in flight, in seconds. */
    static final long STOP_WAIT_SECONDS = 10;
    private static final Duration STOP_WAIT = Duration.ofSeconds(STOP_WAIT_SECONDS);

    /** Waits until {@link #run()} has returned, at most {@code timeout}. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Requests answered on every loop. */
    public long requests() {
        return servers.stream().mapToLong(ThttpdServer::requests).sum();
    }

    /** Connections closed by a timeout, on every loop. */
    public long timeouts() {
        return servers.stream().mapToLong(ThttpdServer::timeouts).sum();
    }

    /** Request buffer sets made, on every loop. */
    public long buffersMade() {
        return servers.stream().mapToLong(ThttpdServer::buffersMade).sum();
    }

    /** Requests served from a cached descriptor, on every loop ({@link ThttpdServer#fileCacheHits()}). */
    public long fileCacheHits() {
        return servers.stream().mapToLong(ThttpdServer::fileCacheHits).sum();
    }

    /** Lookups of the file cache that missed, on every loop ({@link ThttpdServer#fileCacheMisses()}). */
    public long fileCacheMisses() {
        return servers.stream().mapToLong(ThttpdServer::fileCacheMisses).sum();
    }

    /**
     * Connections open now on all loops: in hand-off mode the count the connection limit is held
     * against; else the sum of each loop's count (approximate while it runs).
     */
    public int openConnections() {
        return gate != null ? gate.open() : servers.stream().mapToInt(ThttpdServer::connectionCount).sum();
    }

    /** Connections each loop has taken, by loop index: how evenly they were spread. */
    public long[] acceptedPerLoop() {
        return servers.stream().mapToLong(ThttpdServer::accepted).toArray();
    }

    /** Loop {@code i}'s server. */
    ThttpdServer server(int i) {
        return servers.get(i);
    }

    /** The LAIO statistics of every loop's Laio, summed. */
    public LaioStats laioStats() {
        return LaioStats.sum(servers.stream().map(ThttpdServer::laioStats).toList());
    }

    // ---- hand-off (loop 0's thread)

    /**
     * The group's connection count, made by the first loop's server to ask (every loop's server
     * is made in turn, loop 0 first, so they all get the one made with loop 0's limit).
     */
    synchronized ConnectionGate gate(int limit) {
        if (gate == null) {
            gate = new ConnectionGate(limit, this::resumeAcceptor);
        }
        return gate;
    }

    /** Any loop: has loop 0 accept again. */
    private void resumeAcceptor() {
        try {
            group.execute(0, servers.get(0)::resumeAccepting);
        } catch (RejectedExecutionException ended) {
            // loop 0 has ended: there is nothing to resume
        }
    }

        ThttpdServer nextServer() {
        return servers.get(Math.floorMod(handOffNext.getAndIncrement(), servers.size()));
    }

    /** Runs {@code adopt} on {@code to}'s loop; if that loop has ended, {@code drop} here instead. */
    void handTo(ThttpdServer to, Runnable adopt, Runnable drop) {
        try {
            group.execute(servers.indexOf(to), adopt);
        } catch (RejectedExecutionException ended) {
            drop.run();
        }
    }

    @Override
    public String toString() {
        return "thttpd[" + servers.size() + " loops, port " + port() + "]";
    }
}
