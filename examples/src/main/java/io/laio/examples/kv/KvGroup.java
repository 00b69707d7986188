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

import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.LaioStats;
import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import io.laio.examples.OnLoop;
import io.laio.examples.net.ListenSocket;
import io.laio.examples.net.ReusePortGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ObjIntConsumer;

/**
 * kv on N event loops: an {@link EventLoopGroup} with one {@link KvServer} per loop, all sharing
 * one item store and one mutation log ({@link KvShared}). Connections reach the loops through one
 * {@code SO_REUSEPORT} listener per loop or, in hand-off mode, through loop 0's listener, which
 * gives each connection to the next loop in turn; a connection stays on its loop until it closes.
 * Each loop has its own {@code Laio}: a log cycle runs on the loop that started it, and each
 * loop's connections are told of acknowledgements on their own loop.
 *
 * <p>Start-up (bind, replay, compaction) runs on the constructing thread before any loop serves.
 * Threading: construct on any thread; {@link #await} waits until {@link #stop()} (any thread) has
 * ended every loop. Counters may be read from any thread.
 */
public final class KvGroup {
    /** How long {@link #stop()} lets a loop finish the log writes in flight. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final KvShared shared;
    private final List<KvServer> servers;
    private final AtomicInteger handOffNext = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();

    /**
     * Binds every listener, replays the log, then starts {@code loops} loops serving.
     *
     * @param handOff true: loop 0 accepts and hands out; false: a {@code SO_REUSEPORT} listener per loop
     * @param onLoopStart run on each loop's thread first (CPU pinning), or null
     * @throws IOException if a listener or the log cannot be opened (what was opened is closed)
     */
    public KvGroup(KvServer.Config config, int loops, boolean handOff, ObjIntConsumer<EventBase> onLoopStart)
            throws IOException {
        this(config, loops, handOff, onLoopStart, null, null);
    }

    /**
     * As {@link #KvGroup(KvServer.Config, int, boolean, ObjIntConsumer)}, each loop's LAIO made
     * with {@code laioConfig} and each loop spinning {@code spinBeforeSleep} before it sleeps.
     *
     * @param laioConfig      every loop's {@link LaioConfig} (helper and loop spins), or null for the defaults
     * @param spinBeforeSleep every loop's {@link EventBase#spinBeforeSleep(Duration)}, or null for its default
     * @throws IOException if a listener or the log cannot be opened (what was opened is closed)
     */
    public KvGroup(KvServer.Config config, int loops, boolean handOff, ObjIntConsumer<EventBase> onLoopStart,
            LaioConfig laioConfig, Duration spinBeforeSleep) throws IOException {
        if (loops < 1) {
            throw new IllegalArgumentException("loops must be at least 1: " + loops);
        }
        // bind first, so a taken port fails before any disk work; accept only after the replay
        List<ServerSocketChannel> listeners = new ArrayList<>();
        List<ListenSocket> rawListeners = new ArrayList<>();
        boolean buffered = config.io().buffered();
        KvShared s;
        try {
            InetSocketAddress at = config.bind();
            if (!handOff && loops > 1) {
                ReusePortGuard.checkFree(at);
            }
            for (int i = 0; i < (handOff ? 1 : loops); i++) {
                if (buffered) {
                    ListenSocket l = ListenSocket.open(at, !handOff && loops > 1, KvServer.BACKLOG);
                    rawListeners.add(l);
                    at = new InetSocketAddress(at.getAddress(), l.port());
                    continue;
                }
                ServerSocketChannel ch = KvServer.listen(at, !handOff && loops > 1);
                listeners.add(ch);
                at = (InetSocketAddress) ch.getLocalAddress(); // port 0: the others bind the one it picked
            }
            try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base)) {
                s = KvShared.open(new DiskIo(base, laio), config, loops);
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocketChannel ch : listeners) {
                ch.close();
            }
            for (ListenSocket l : rawListeners) {
                l.close();
            }
            throw e;
        }
        this.shared = s;
        List<KvServer> made = new ArrayList<>();
        running.set(loops);
        EventLoopGroup.Builder gb = EventLoopGroup.builder().loops(loops).threadName("kv-loop").backend(config.io().backend());
        if (spinBeforeSleep != null) {
            gb.spinBeforeSleep(spinBeforeSleep);
        }
        this.group = gb.onLoopStart(onLoopStart)
                .onLoopEnd((base, i) -> {
                    boolean last = running.decrementAndGet() == 0;
                    if (i < made.size()) {
                        made.get(i).release(last);
                    } else if (last) {
                        KvServer.closeLog(s.logFd);
                    }
                }).build();
        try {
            for (int i = 0; i < loops; i++) {
                EventBase b = group.get(i);
                ServerSocketChannel ch = i < listeners.size() ? listeners.get(i) : null;
                ListenSocket rawSocket = i < rawListeners.size() ? rawListeners.get(i) : null;
                KvGroup handOutTo = handOff && loops > 1 ? this : null;
                made.add(OnLoop.call(group, i, () -> {
                    Laio laio = laioConfig == null ? Laio.attach(b) : Laio.attach(b, laioConfig);
                    try {
                        return new KvServer(b, laio, s, ch, rawSocket, handOutTo, false);
                    } catch (RuntimeException e) {
                        laio.close();
                        throw e;
                    }
                }));
            }
        } catch (IOException | RuntimeException e) {
            this.servers = List.copyOf(made);
            for (int i = made.size(); i < listeners.size(); i++) {
                listeners.get(i).close();
            }
            for (int i = made.size(); i < rawListeners.size(); i++) {
                rawListeners.get(i).close();
            }
            stop();
            throw e;
        }
        this.servers = List.copyOf(made);
        // only now: loop 0's hand-off reads the full list of servers
        for (int i = 0; i < loops; i++) {
            group.execute(i, servers.get(i)::startAccepting);
        }
    }

    /** Loop {@code i}'s server (tests: its base and LAIO). */
    KvServer server(int i) {
        return servers.get(i);
    }

    /** The port every loop listens on. */
    public int port() {
        return servers.get(0).port();
    }

    /** The number of loops. */
    public int loops() {
        return servers.size();
    }

    /** Log records found at start. */
    public long replayedRecords() {
        return shared.replayed.records();
    }

    /** Mutations logged since start, by every loop. */
    public long mutations() {
        return shared.log.lastLsn;
    }

    /** Completed fsyncs of the log since start. */
    public long fsyncs() {
        return shared.log.fsyncs;
    }

    /** Connections each loop has taken, by loop index: how evenly they were spread. */
    public long[] acceptedPerLoop() {
        return servers.stream().mapToLong(KvServer::accepted).toArray();
    }

    /** The LAIO statistics of every loop's {@code Laio}, summed. */
    public LaioStats laioStats() {
        return LaioStats.sum(servers.stream().map(KvServer::laioStats).toList());
    }

    /**
     * Stops accepting and closes every connection on every loop; each loop ends once the log
     * records sealed before have been written (at most {@link #STOP_WAIT}), then closes its
     * {@code Laio}, and the last closes the log file. Any thread; returns at once.
     */
    public void stop() {
        for (int i = 0; i < servers.size(); i++) {
            KvServer s = servers.get(i);
            try {
                group.execute(i, s::beginStop);
            } catch (RejectedExecutionException ended) {
                // that loop has ended already
            }
        }
        group.shutdownGracefully(Duration.ZERO, STOP_WAIT);
    }

    /** Waits until every loop has ended, at most {@code timeout}; whether they have. */
    public boolean await(Duration timeout) throws InterruptedException {
        return group.awaitTermination(timeout);
    }

    // ---- hand-off (loop 0's thread)

    /** Gives {@code ch} to the next loop in turn; if that loop has ended, closes it. */
    void handOut(SocketChannel ch) {
        int i = Math.floorMod(handOffNext.getAndIncrement(), servers.size());
        KvServer to = servers.get(i);
        try {
            group.execute(i, () -> to.adopt(ch));
        } catch (RejectedExecutionException ended) {
            KvServer.closeQuietly(ch);
        }
    }

    /** Gives the connected socket {@code fd} ({@code --io buffered}) to the next loop in turn; if that loop has ended, closes it. */
    void handOut(int fd) {
        int i = Math.floorMod(handOffNext.getAndIncrement(), servers.size());
        KvServer to = servers.get(i);
        try {
            group.execute(i, () -> to.adoptFd(fd));
        } catch (RejectedExecutionException ended) {
            KvServer.closeFd(fd);
        }
    }

    @Override
    public String toString() {
        return "kv[" + servers.size() + " loops, port " + port() + "]";
    }
}
