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

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.LaioStats;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.buffer.SegmentPool;
import io.laio.event.EventBase;
import io.laio.examples.net.ListenSocket;
import io.laio.examples.net.RawListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A memcached-compatible key-value server on one event loop: NIO sockets for the network,
 * LAIO for the disk. At start it replays the mutation log ({@code DIR/kv.log}) through LAIO,
 * optionally compacts it, then accepts connections; every mutation is appended to the log by
 * {@link GroupCommit} before it is acknowledged.
 *
 * <p>Alone ({@link #KvServer(EventBase, Laio, Config)}): create it on the thread that will run
 * the loop, before the loop runs (start-up disk I/O runs the loop itself); then
 * {@code base.dispatch()}. {@link #shutdown()} may be called from any thread.
 *
 * <p>In a {@link KvGroup} there is one per loop, sharing the store and the log ({@link KvShared});
 * each has its own listener (or none, fed by hand-off), connections, parser, counters and
 * {@code Laio}.
 */
public final class KvServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvServer.class);
    private static final Duration ACCEPT_BACKOFF = RawListener.BACKOFF;
    /** The listen backlog, NIO and raw alike. */
    static final int BACKLOG = 1024;

    /**
     * The server's settings; {@code io} is how connections do their I/O ({@link KvIo#BUFFERED}
     * needs an IPv4 {@code bind} and is meant for an {@code epoll} base).
     */
    public record Config(InetSocketAddress bind, String dir, long memory, int maxItem, SyncMode sync, boolean compact,
            KvIo io) {
        /** Settings with {@link KvIo#NIO} connections. */
        public Config(InetSocketAddress bind, String dir, long memory, int maxItem, SyncMode sync, boolean compact) {
            this(bind, dir, memory, maxItem, sync, compact, KvIo.NIO);
        }
    }

    /** A connection the server closes when it stops. */
    interface Served {
        void close();
    }

    private final EventBase base;
    private final Laio laio;
    private final KvShared shared;
    private final GroupCommit log;
    private final KvStats stats = new KvStats();
    private final CommandParser parser = new CommandParser();
    private final CommandHandler handler;
    /** null: a loop fed by hand-off only. */
    private final ServerSocketChannel server;
    /** {@code --io buffered}: the raw listener (null for a loop fed by hand-off only) and the segments of its connections. */
    private final RawListener raw;
    private final SegmentPool pool;
    private final Event accept;
    /** After an accept failure (EMFILE): the level-triggered accept event would fire again at once, so it rests. */
    private final Event acceptBackoff;
    /** non-null: loop 0 of a hand-off group, giving each connection to the next loop. */
    private final KvGroup handOff;
    private final Set<Served> connections = new LinkedHashSet<>();
    private final boolean alone;
    private volatile long accepted;
    private boolean stopping;

    /** A server on its own, on {@code base}: binds, replays the log, then accepts. */
    /** The loop this server runs on. */
    EventBase base() {
        return base;
    }

    /** This loop's LAIO. */
    Laio laio() {
        return laio;
    }

    public KvServer(EventBase base, Laio laio, Config config) throws IOException {
        // bind first, so a taken port fails before any disk work; accept only after the replay
        boolean buffered = config.io().buffered();
        ServerSocketChannel ch = buffered ? null : listen(config.bind(), false);
        ListenSocket rawSocket = buffered ? ListenSocket.open(config.bind(), false, BACKLOG) : null;
        KvShared s;
        try {
            s = KvShared.open(new DiskIo(base, laio), config, 1);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            } else {
                rawSocket.close();
            }
            throw e;
        }
        this(base, laio, s, ch, rawSocket, null, true);
    }

    /**
     * Loop {@code base}'s server of a group; on that loop's thread. {@code server} (NIO) or
     * {@code rawSocket} (buffered) is the listener, or both are null (hand-off only).
     */
    KvServer(EventBase base, Laio laio, KvShared shared, ServerSocketChannel server, ListenSocket rawSocket,
            KvGroup handOff, boolean alone) {
        this.base = base;
        this.laio = laio;
        this.shared = shared;
        this.server = server;
        this.handOff = handOff;
        this.alone = alone;
        this.log = new GroupCommit(shared.log, base, laio);
        shared.stats.add(stats);
        this.handler = new CommandHandler(shared.store, log, stats, shared.config.maxItem(), shared.stats);
        boolean buffered = shared.config.io().buffered();
        this.pool = buffered ? SegmentPool.create() : null;
        this.raw = rawSocket == null ? null : RawListener.on(laio, rawSocket);
        if (raw != null && alone) {
            raw.start(this::acceptedFd);
        }
        if (server == null) {
            accept = null;
            acceptBackoff = null;
            return;
        }
        accept = Event.set(base, server, Ev.READ | Ev.PERSIST, (ev, what, arg) -> acceptAll(), null);
        acceptBackoff = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> {
            if (!stopping) {
                accept.add();
            }
        }, null);
        if (alone) {
            accept.add();
        }
    }

    /** In a group: starts accepting, once every loop's server exists. This loop's thread. */
    void startAccepting() {
        if (accept != null && !stopping) {
            accept.add();
        }
        if (raw != null && !stopping) {
            raw.start(this::acceptedFd);
        }
    }

    private void acceptedFd(int fd) {
        if (handOff != null) {
            handOff.handOut(fd);
        } else {
            adoptFd(fd);
        }
    }

    /** A non-blocking listener on {@code at}; with {@code reusePort} others may bind the same port. */
    static ServerSocketChannel listen(InetSocketAddress at, boolean reusePort) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(at, BACKLOG);
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** The port it listens on; -1 for a loop fed by hand-off only. */
    public int port() {
        if (raw != null) {
            return raw.port();
        }
        return server == null ? -1 : ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Log records found at start. */
    public long replayedRecords() {
        return shared.replayed.records();
    }

    /** Mutations logged since start, by every loop. Any thread. */
    public long mutations() {
        return log.lastLsn();
    }

    /** Completed fsyncs of the log since start. Any thread. */
    public long fsyncs() {
        return log.fsyncs();
    }

    /** Completed log writes since start. Any thread. */
    public long logWrites() {
        return log.writes();
    }

    /** Connections this loop has taken (accepted or been handed). Any thread. */
    long accepted() {
        return accepted;
    }

    /** This loop's LAIO counters. Any thread (approximate while it runs). */
    LaioStats laioStats() {
        return laio.stats();
    }

    private void acceptAll() {
        try {
            SocketChannel ch;
            while (!stopping && (ch = server.accept()) != null) {
                if (handOff != null) {
                    handOff.handOut(ch);
                } else {
                    adopt(ch);
                }
            }
        } catch (IOException e) {
            // EMFILE and friends: the connection stays in the backlog and the listener readable,
            // so accepting again at once would spin; connections already open keep being served
            LOG.warn("accept failed, pausing accepts for {} ms: {}", ACCEPT_BACKOFF.toMillis(), e.toString());
            accept.del();
            acceptBackoff.add(ACCEPT_BACKOFF);
        }
    }

    /** Serves {@code ch} on this loop for its life; this loop's thread. */
    void adopt(SocketChannel ch) {
        if (stopping) {
            closeQuietly(ch);
            return;
        }
        try {
            connections.add(new KvConnection(this, base, ch, parser, handler, log, stats));
            accepted++; // only this loop writes it
            stats.currConnections++;
            stats.totalConnections++;
        } catch (IOException e) {
            closeQuietly(ch);
        }
    }

    /** Serves the connected socket {@code fd} ({@code --io buffered}) on this loop for its life; this loop's thread. */
    void adoptFd(int fd) {
        if (stopping) {
            laio.close(fd);
            return;
        }
        connections.add(new KvBufferedConnection(this, laio, fd, pool, parser, handler, log, stats));
        accepted++; // only this loop writes it
        stats.currConnections++;
        stats.totalConnections++;
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // it is gone either way
        }
    }

    void closed(Served c) {
        if (connections.remove(c)) {
            stats.currConnections--;
        }
    }

    /**
     * Stops: no new connections, every connection closed, and once the log has written what it
     * holds, the loop exits. Any thread. For a server alone; a group stops through {@link KvGroup#stop()}.
     */
    public void shutdown() {
        base.execute(() -> {
            if (stopping) {
                return;
            }
            beginStop();
            log.whenIdle(() -> base.loopExit(null));
        });
    }

    /**
     * This loop's part of stopping: accept no more, close the listener and every connection, stop
     * the log's timers here. Records already sealed are still written (their cycle keeps its loop
     * running). This loop's thread.
     */
    void beginStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (raw != null) {
            raw.close(); // on this thread: its Laio is gone once the loop ends
        }
        if (server != null) {
            accept.del();
            acceptBackoff.del();
            if (!alone) {
                try {
                    server.close();
                } catch (IOException e) {
                    LOG.warn("closing the listener: {}", e.toString());
                }
            }
        }
        for (Served c : new ArrayList<>(connections)) {
            c.close();
        }
        log.close();
    }

    /** A group's loop ends: its {@code Laio} closes, and the last loop to end closes the log file. This loop's thread. */
    void release(boolean last) {
        try {
            if (last) {
                closeLog(shared.logFd);
            }
        } finally {
            laio.close();
        }
    }

    /** Closes a descriptor not (or no longer) owned by a loop, inline. */
    static void closeFd(int fd) {
        try (Laio inline = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build())) {
            if (inline.close(fd) != 0) {
                LOG.debug("close({}): {}", fd, Errno.name(Laio.errno()));
            }
        }
    }

    /** Closes the log's descriptor inline (a background close could outlive the engine it ran on). */
    static void closeLog(int fd) {
        try (Laio inline = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build())) {
            if (inline.syscall(Sys.SYS_close, fd) != 0) {
                LOG.warn("closing the mutation log failed: {}", Errno.name(Laio.errno()));
            }
        }
    }

    /** Closes the listening socket and the log file; after the loop has ended. For a server alone. */
    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
        new DiskIo(base, laio).close(shared.logFd);
    }
}
