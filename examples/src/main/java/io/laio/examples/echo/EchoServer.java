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

package io.laio.examples.echo;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import io.laio.examples.LoopServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.LoggerFactory;

/**
 * An echo server on one event loop: every byte a client sends comes back. Each connection has
 * one persistent READ event; when the socket cannot take all of a reply, a WRITE event drains
 * the rest and reading pauses meanwhile (back-pressure instead of unbounded buffering).
 *
 * <p>On an {@link EventLoopGroup} ({@link #onLoops}) there is one such server per loop, each
 * with its own {@code SO_REUSEPORT} listener on the same port (the kernel spreads connections),
 * or, in hand-off mode, loop 0's listener gives each connection to the next loop in turn. A
 * connection stays on the loop that took it until its client ends it or {@link #close()} closes
 * it. Loop thread only, except {@link #connections()}.
 */
public final class EchoServer implements LoopServers.Server {
    private final EventBase base;
    private final ServerSocketChannel server; // null: a loop served by hand-off only
    private final Event acceptEvent;
    private final EventLoopGroup handOffTo;   // non-null: hand accepted connections round robin
    private volatile List<EchoServer> peers = List.of(); // set once every loop has its server
    private volatile long connections;
    /** The connections open on this loop: {@link #close()} closes them, or they would keep the loop and their sockets. */
    private final Set<Connection> open = new HashSet<>();
    private boolean closed;

    public EchoServer(EventBase base, InetSocketAddress bind) throws IOException {
        this(base, bind, false, null);
    }

    private EchoServer(EventBase base, InetSocketAddress bind, boolean reusePort, EventLoopGroup handOffTo)
            throws IOException {
        this.base = base;
        this.handOffTo = handOffTo;
        if (bind == null) {
            this.server = null;
            this.acceptEvent = null;
            return;
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            if (reusePort) {
                ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            ch.bind(bind, 4096);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        this.server = ch;
        this.acceptEvent = Event.set(base, server, Ev.READ | Ev.PERSIST, (ev, what, arg) -> acceptAll(), null);
        acceptEvent.add();
    }

    /**
     * One server per loop of {@code group}, made on each loop's thread in turn: loop 0 binds
     * {@code bind} (port 0 picks one) and the others the same port. With {@code handOff} only
     * loop 0 listens and hands connections out round robin (itself included); otherwise each
     * loop listens with {@code SO_REUSEPORT}. On failure the servers made are closed.
     *
     * @return the servers, index {@code i} on loop {@code i}
     * @throws IOException if a listener cannot be opened
     */
    public static List<EchoServer> onLoops(EventLoopGroup group, InetSocketAddress bind, boolean handOff)
            throws IOException {
        List<EchoServer> all = LoopServers.onLoops(group, bind, handOff,
                (base, listen, reusePort, handOffGroup) -> new EchoServer(base, listen, reusePort, handOffGroup));
        for (EchoServer s : all) {
            s.peers = all;
        }
        return all;
    }

    /** Closes each server on its own loop and waits; any thread but those loops. */
    public static void closeAll(EventLoopGroup group, List<EchoServer> servers) {
        LoopServers.closeAll(group, servers);
    }

    /** The port it listens on; -1 for a loop served by hand-off only. */
    public int port() {
        return server == null ? -1 : ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Connections this loop has taken (accepted itself or been handed); any thread. */
    public long connections() {
        return connections;
    }

    private void acceptAll() {
        try {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
                List<EchoServer> all = peers;
                if (handOffTo == null || all.isEmpty()) {
                    adopt(ch);
                } else {
                    int to = handOffTo.size() == 1 ? 0 : (int) (handedOut++ % handOffTo.size());
                    SocketChannel c = ch;
                    EchoServer target = all.get(to);
                    try {
                        handOffTo.execute(to, () -> target.adopt(c));
                    } catch (RejectedExecutionException ended) {
                        closeQuietly(c); // that loop has ended: nobody would serve it
                    }
                }
            }
        } catch (IOException e) {
            // EMFILE and friends: keep serving the connections we have; retry on the next readiness
            LoggerFactory.getLogger(EchoServer.class).warn("accept failed: {}", e.toString());
        }
    }

    private long handedOut;

    /** Takes {@code ch} onto this loop for its life; its loop thread. */
    private void adopt(SocketChannel ch) {
        if (closed) {
            closeQuietly(ch); // handed over while this server closed
            return;
        }
        connections++; // only this loop writes it
        try {
            open.add(new Connection(ch));
        } catch (IOException e) {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // it failed already
        }
    }

    private final class Connection {
        final SocketChannel ch;
        final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        final Event read;
        final Event write;

        Connection(SocketChannel ch) throws IOException {
            this.ch = ch;
            ch.configureBlocking(false);
            read = Event.set(base, ch, Ev.READ | Ev.PERSIST, (ev, what, arg) -> onReadable(), null);
            write = Event.set(base, ch, Ev.WRITE | Ev.PERSIST, (ev, what, arg) -> onWritable(), null);
            read.add();
        }

        void onReadable() {
            try {
                int n = ch.read(buf);
                if (n < 0) {
                    close();
                    return;
                }
                flush();
            } catch (IOException e) {
                close();
            }
        }

        void onWritable() {
            try {
                flush();
            } catch (IOException e) {
                close();
            }
        }

        void flush() throws IOException {
            buf.flip();
            ch.write(buf);
            boolean left = buf.hasRemaining();
            buf.compact();
            if (left) {
                read.del();
                write.add();
            } else {
                write.del();
                read.add();
            }
        }

        void close() {
            open.remove(this);
            read.del();
            write.del();
            closeQuietly(ch);
        }
    }

    /**
     * Stops listening and closes every connection still open on this loop (its client sees the
     * end), so the loop has nothing left to wait for; a connection handed to it later is closed
     * at once. Its loop thread, or any thread once the loop has ended.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        for (Connection c : new ArrayList<>(open)) {
            c.close();
        }
        if (server != null) {
            acceptEvent.del();
            server.close();
        }
    }
}
