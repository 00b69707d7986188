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
import io.laio.abi.OpenFlags;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 * <p>Create it on the thread that will run the loop, before the loop runs (start-up disk I/O
 * runs the loop itself); then {@code base.dispatch()}. {@link #shutdown()} may be called from
 * any thread.
 */
public final class KvServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvServer.class);

    /** The server's settings. */
    public record Config(InetSocketAddress bind, String dir, long memory, int maxItem, SyncMode sync, boolean compact) {
    }

    private final EventBase base;
    private final int logFd;
    private final DiskIo io;
    private final ItemStore store;
    private final GroupCommit log;
    private final KvStats stats = new KvStats();
    private final CommandParser parser = new CommandParser();
    private final CommandHandler handler;
    private final ServerSocketChannel server;
    private final Event accept;
    /** After an accept failure (EMFILE): the level-triggered accept event would fire again at once, so it rests. */
    private final Event acceptBackoff;
    private static final java.time.Duration ACCEPT_BACKOFF = java.time.Duration.ofMillis(100);
    private final Set<KvConnection> connections = new LinkedHashSet<>();
    private final MutationLog.Replayed replayed;
    private boolean stopping;

    public KvServer(EventBase base, Laio laio, Config config) throws IOException {
        this.base = base;
        this.io = new DiskIo(base, laio);
        this.store = new ItemStore(config.memory());
        // bind first, so a taken port fails before any disk work; accept only after the replay
        this.server = ServerSocketChannel.open();
        int fd = -1;
        try {
            server.bind(config.bind(), 1024);
            server.configureBlocking(false);
            String path = config.dir() + "/" + MutationLog.FILE;
            replayed = MutationLog.replay(io, path, store);
            LOG.info("replayed {} log records ({} bytes): {} items", replayed.records(), replayed.goodBytes(), store.size());
            if (config.compact()) {
                long size = MutationLog.compact(io, config.dir(), store, System.currentTimeMillis());
                LOG.info("compacted the log from {} to {} bytes", replayed.goodBytes(), size);
            }
            fd = io.open(path, OpenFlags.O_WRONLY | OpenFlags.O_APPEND, 0644);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        this.logFd = fd;
        this.log = new GroupCommit(base, laio, logFd, config.sync());
        this.handler = new CommandHandler(store, log, stats, config.maxItem());
        accept = Event.set(base, server, Ev.READ | Ev.PERSIST, (ev, what, arg) -> acceptAll(), null);
        acceptBackoff = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> {
            if (!stopping) {
                accept.add();
            }
        }, null);
        accept.add();
    }

    public int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Log records found at start. */
    public long replayedRecords() {
        return replayed.records();
    }

    /** Mutations logged since start. Loop thread (or after the loop ended). */
    public long mutations() {
        return log.lastLsn();
    }

    /** Completed fsyncs of the log since start. Loop thread (or after the loop ended). */
    public long fsyncs() {
        return log.fsyncs();
    }

    /** Completed log writes since start. Loop thread (or after the loop ended). */
    public long logWrites() {
        return log.writes();
    }

    private void acceptAll() {
        try {
            SocketChannel ch;
            while (!stopping && (ch = server.accept()) != null) {
                try {
                    connections.add(new KvConnection(this, base, ch, parser, handler, log, stats));
                    stats.currConnections++;
                    stats.totalConnections++;
                } catch (IOException e) {
                    ch.close();
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

    void closed(KvConnection c) {
        if (connections.remove(c)) {
            stats.currConnections--;
        }
    }

    /**
     * Stops: no new connections, every connection closed, and once the log has written what it
     * holds, the loop exits. Any thread.
     */
    public void shutdown() {
        base.execute(() -> {
            if (stopping) {
                return;
            }
            stopping = true;
            accept.del();
            acceptBackoff.del();
            for (KvConnection c : new ArrayList<>(connections)) {
                c.close();
            }
            log.whenIdle(() -> {
                log.close();
                base.loopExit(null);
            });
        });
    }

    /** Closes the listening socket and the log file; after the loop has ended. */
    @Override
    public void close() throws IOException {
        server.close();
        io.close(logFd);
    }
}
