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

package io.laio.examples.proxy;

import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.buffer.SegmentPool;
import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import io.laio.examples.LoopServers;
import io.laio.examples.net.RawListener;
import io.laio.examples.net.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy on one event loop: every connection accepted is forwarded to {@code host:port}
 * through a {@link ProxyPair} (two {@link io.laio.buffer.BufferEvent}s with back-pressure both
 * ways and half-close), optionally terminating TLS on the accepted side. The target's name is
 * resolved for each connection, on a LAIO helper lane, so a slow resolver never stops the loop.
 * With {@link Io#SPLICE} a {@link SplicePair} moves the bytes with {@code splice(2)} instead.
 *
 * <p>On an {@link EventLoopGroup} ({@link #onLoops}) there is one per loop, each with its own
 * {@code SO_REUSEPORT} listener, or loop 0's listener hands connections out round robin; a pair
 * stays on the loop that took its client. The listener and every socket call are LAIO calls
 * (an {@code epoll} base: no thread). Loop thread only, except {@link #connections()}.
 */
public final class ProxyServer implements LoopServers.Server {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    /**
     * Where and how to forward.
     *
     * @param host           the target's host name or address
     * @param port           the target's port
     * @param tls            the identity for TLS on the accepted side, or {@code null} for plain TCP
     * @param connectTimeout how long a connection to the target may take (resolving included)
     * @param io             how bytes move: {@link Io#BUFFERED} or {@link Io#SPLICE} (plain TCP only)
     */
    public record Target(String host, int port, ServerTls tls, Duration connectTimeout, Io io) {
        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException for a bad host, port or timeout, or TLS with {@link Io#SPLICE}
         */
        public Target {
            if (host == null || host.isBlank() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("target " + host + ":" + port);
            }
            if (io == Io.SPLICE && tls != null) {
                throw new IllegalArgumentException("TLS needs Io.BUFFERED: spliced bytes never reach the TLS engine");
            }
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connect timeout " + connectTimeout);
            }
            Objects.requireNonNull(io, "io");
        }

        /**
         * A buffered target.
         *
         * @param host           the target's host name or address
         * @param port           the target's port
         * @param tls            the identity for TLS on the accepted side, or {@code null} for plain TCP
         * @param connectTimeout how long a connection to the target may take (resolving included)
         */
        public Target(String host, int port, ServerTls tls, Duration connectTimeout) {
            this(host, port, tls, connectTimeout, Io.BUFFERED);
        }
    }

    /** How a proxied connection moves its bytes. */
    public enum Io {
        /** Two {@link io.laio.buffer.BufferEvent}s ({@link ProxyPair}): back-pressure by watermarks, TLS possible. */
        BUFFERED,
        /** {@code splice(2)} through a pipe per direction ({@link SplicePair}): no user-space copy, plain TCP only. */
        SPLICE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Laio laio;
    private final SegmentPool pool = SegmentPool.create();
    private final Splice splice = new Splice();
    private final Target target;
    private final RawListener listener; // null: a loop served by hand-off only
    private final EventLoopGroup handOffTo; // non-null: hand accepted connections round robin
    private final Set<Forwarding> pairs = Collections.newSetFromMap(new IdentityHashMap<>());
    private volatile List<ProxyServer> peers = List.of();
    private volatile long connections;
    private long handedOut;
    private boolean closed;

    /**
     * A proxy on {@code base} (which should be an {@code epoll} base), made on its loop thread.
     *
     * @param base   the loop
     * @param bind   where to listen; {@code null} for a loop that only takes handed-off connections
     * @param target where to forward
     * @throws IOException if the listener cannot be opened
     */
    public ProxyServer(EventBase base, InetSocketAddress bind, Target target) throws IOException {
        this(base, bind, target, false, null);
    }

    private ProxyServer(EventBase base, InetSocketAddress bind, Target target, boolean reusePort,
            EventLoopGroup handOffTo) throws IOException {
        // every socket LAIO makes here is closed through LAIO (the connections' close), on whichever loop serves it
        this.laio = Laio.attach(base, LaioConfig.builder().closesThroughLaio(true).build());
        this.target = target;
        this.handOffTo = handOffTo;
        try {
            this.listener = bind == null ? null : RawListener.open(laio, bind, reusePort);
        } catch (IOException | RuntimeException e) {
            laio.close();
            throw e;
        }
        if (listener != null) {
            listener.start(this::accepted);
        }
    }

    /**
     * One proxy per loop of {@code group} (whose backend should be {@code epoll}): loop 0 binds
     * {@code bind}, the others the same port with {@code SO_REUSEPORT}, or with {@code handOff}
     * only loop 0 listens and hands connections out round robin. On failure the proxies made are
     * closed.
     *
     * @return the proxies, index {@code i} on loop {@code i}
     * @throws IOException if a listener cannot be opened
     */
    public static List<ProxyServer> onLoops(EventLoopGroup group, InetSocketAddress bind, boolean handOff, Target target)
            throws IOException {
        List<ProxyServer> all = LoopServers.onLoops(group, bind, handOff,
                (base, listen, reusePort, handOffGroup) -> new ProxyServer(base, listen, target, reusePort, handOffGroup));
        for (ProxyServer s : all) {
            s.peers = all;
        }
        return all;
    }

    /** Closes each proxy on its own loop and waits; any thread but those loops. */
    public static void closeAll(EventLoopGroup group, List<ProxyServer> servers) {
        LoopServers.closeAll(group, servers);
    }

    /** The port it listens on; -1 for a loop served by hand-off only. @return the port */
    public int port() {
        return listener == null ? -1 : listener.port();
    }

    /** Connections this loop has taken (accepted itself or been handed); any thread. @return the count */
    public long connections() {
        return connections;
    }

    /** Pairs open now (a pair closing after a flush counts until it starts to). Loop thread. @return the count */
    public int openPairs() {
        return pairs.size();
    }

    /** Bytes held now in the buffers (or, spliced, the pipes) of this loop's open pairs. Loop thread. @return the count */
    public long bufferedBytes() {
        long n = 0;
        for (Forwarding p : pairs) {
            n += p.buffered();
        }
        return n;
    }

    /**
     * Buffer segments ever allocated by this loop's pairs (of
     * {@link SegmentPool#DEFAULT_SEGMENT_SIZE} bytes): the most the proxy held at once, in
     * segments, TLS ciphertext included. Loop thread.
     *
     * @return the count
     */
    public long segmentsAllocated() {
        return pool.allocated();
    }

    private void accepted(int fd) {
        List<ProxyServer> all = peers;
        if (handOffTo == null || all.size() <= 1) {
            adopt(fd);
            return;
        }
        int to = (int) (handedOut++ % all.size());
        ProxyServer s = all.get(to);
        try {
            handOffTo.execute(to, () -> s.adopt(fd));
        } catch (RejectedExecutionException ended) {
            laio.close(fd); // that loop has ended (the group is stopping): nobody would serve it
        }
    }

    private void adopt(int fd) {
        connections++; // only this loop writes it
        if (closed) {
            laio.close(fd);
            return;
        }
        ServerTls tls = target.tls();
        Forwarding p = target.io() == Io.SPLICE
                ? new SplicePair(this, laio, splice, fd, target.host(), target.port(), target.connectTimeout())
                : new ProxyPair(this, laio, pool, fd, tls == null ? null : tls.newEngine(), target.host(), target.port(),
                target.connectTimeout());
        pairs.add(p);
        p.start(); // after add: a target refused at once closes the pair inside start()
    }

    /** From a pair: it has closed or begun to close. */
    void pairClosed(Forwarding p) {
        pairs.remove(p);
    }

    /** Stops listening and closes every open pair at once. Closing twice does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (listener != null) {
            listener.close();
        }
        for (Forwarding p : new ArrayList<>(pairs)) {
            p.close();
        }
    }
}
