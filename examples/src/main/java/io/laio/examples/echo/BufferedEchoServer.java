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

import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.buffer.BufferEvent;
import io.laio.buffer.BufferEventHandler;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;
import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import io.laio.examples.LoopServers;
import io.laio.examples.net.RawListener;
import io.laio.examples.net.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An echo server on one event loop whose connections are {@link BufferEvent}s: each read's
 * segments move from the input to the output (no copy), and the connection writes them back.
 * With a {@link ServerTls} every connection is TLS through the buffered connection's
 * {@code SSLEngine} filter, and the echo works on plaintext.
 *
 * <p><b>Back-pressure.</b> A client that sends and does not read cannot make the server buffer
 * without bound: while a connection's output holds {@link #WRITE_HIGH} bytes or more (plaintext
 * and ciphertext not yet sent) the input is left where it is; once the input holds
 * {@link #READ_HIGH} bytes the connection stops reading and TCP holds the client back. The
 * input moves on when a write brings the output down to {@link #WRITE_LOW}. So one connection
 * holds at most about {@code WRITE_HIGH + 2 * READ_HIGH} bytes.
 *
 * <p><b>End.</b> A client's end-of-file (even in the middle of a message, or TLS close_notify)
 * is answered with what it sent so far, then the connection closes ({@code closeWhenFlushed},
 * which sends close_notify on TLS); an error or a TLS failure closes it at once. {@link #close()}
 * closes every connection still open.
 *
 * <p>The listener and every socket call are LAIO calls on an {@code epoll} base (no thread), as
 * {@link #onLoops} sets up. Loop thread only, except {@link #connections()}.
 */
public final class BufferedEchoServer implements LoopServers.Server {
    /** The input a connection holds at most before it stops reading. */
    public static final long READ_HIGH = 64 * 1024;
    /** The output (plaintext and ciphertext) at or above which the input waits. */
    public static final long WRITE_HIGH = 256 * 1024;
    /** The output at or below which waiting input moves on. */
    public static final long WRITE_LOW = WRITE_HIGH / 2;

    private static final Logger LOG = LoggerFactory.getLogger(BufferedEchoServer.class);

    private final Laio laio;
    private final SegmentPool pool = SegmentPool.create();
    private final ServerTls tls;
    private final RawListener listener; // null: a loop served by hand-off only
    private final EventLoopGroup handOffTo; // non-null: hand accepted connections round robin
    private final BufferEventHandler echo = new Echo();
    private volatile List<BufferedEchoServer> peers = List.of(); // set once every loop has its server
    private volatile long connections;
    private long handedOut;
    /**
     * The connections taken, for {@link #close()}; those closed since are dropped when the list
     * has doubled since the last sweep, so it stays within twice the open ones (plus 64).
     */
    private final List<BufferEvent> taken = new ArrayList<>();
    private int sweepAt = 64;
    private boolean closed;

    /**
     * A server on {@code base} (which should be an {@code epoll} base), made on its loop thread.
     *
     * @param base the loop
     * @param bind where to listen; {@code null} for a loop that only takes handed-off connections
     * @param tls  the identity for TLS, or {@code null} for plain TCP
     * @throws IOException if the listener cannot be opened
     */
    public BufferedEchoServer(EventBase base, InetSocketAddress bind, ServerTls tls) throws IOException {
        this(base, bind, tls, false, null);
    }

    private BufferedEchoServer(EventBase base, InetSocketAddress bind, ServerTls tls, boolean reusePort,
            EventLoopGroup handOffTo) throws IOException {
        // every socket LAIO makes here is closed through LAIO (the connections' close), on whichever loop serves it
        this.laio = Laio.attach(base, LaioConfig.builder().closesThroughLaio(true).build());
        this.tls = tls;
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
     * One server per loop of {@code group} (whose backend should be {@code epoll}), as
     * {@link EchoServer#onLoops}: loop 0 binds {@code bind}, the others the same port with
     * {@code SO_REUSEPORT}, or with {@code handOff} only loop 0 listens and hands connections
     * out round robin. On failure the servers made are closed.
     *
     * @return the servers, index {@code i} on loop {@code i}
     * @throws IOException if a listener cannot be opened
     */
    public static List<BufferedEchoServer> onLoops(EventLoopGroup group, InetSocketAddress bind, boolean handOff,
            ServerTls tls) throws IOException {
        List<BufferedEchoServer> all = LoopServers.onLoops(group, bind, handOff,
                (base, listen, reusePort, handOffGroup) -> new BufferedEchoServer(base, listen, tls, reusePort, handOffGroup));
        for (BufferedEchoServer s : all) {
            s.peers = all;
        }
        return all;
    }

    /** Closes each server on its own loop and waits; any thread but those loops. */
    public static void closeAll(EventLoopGroup group, List<BufferedEchoServer> servers) {
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

    /**
     * Buffer segments this loop's connections have ever allocated (of
     * {@link SegmentPool#DEFAULT_SEGMENT_SIZE} bytes): it stops growing in steady use, and a
     * client that does not read cannot push it past the back-pressure bound. Loop thread.
     *
     * @return the count
     */
    public long segmentsAllocated() {
        return pool.allocated();
    }

    private void accepted(int fd) {
        List<BufferedEchoServer> all = peers;
        if (handOffTo == null || all.size() <= 1) {
            adopt(fd);
            return;
        }
        int to = (int) (handedOut++ % all.size());
        BufferedEchoServer target = all.get(to);
        try {
            handOffTo.execute(to, () -> target.adopt(fd));
        } catch (RejectedExecutionException ended) {
            laio.close(fd); // that loop has ended: nobody would serve it
        }
    }

    /** Takes {@code fd} onto this loop for its life; its loop thread. */
    private void adopt(int fd) {
        if (closed) {
            laio.close(fd); // handed over while this server closed
            return;
        }
        connections++; // only this loop writes it
        if (taken.size() >= sweepAt) {
            taken.removeIf(BufferEvent::isClosed);
            sweepAt = Math.max(64, 2 * taken.size());
        }
        BufferEvent be = BufferEvent.socket(laio, fd, pool, echo);
        taken.add(be);
        be.readWatermarks(0, READ_HIGH);
        be.writeWatermarks(WRITE_LOW, WRITE_HIGH);
        if (tls != null) {
            be.startTls(tls.newEngine());
        }
        be.enable(Ev.READ);
    }

    /** The echo, one for every connection of the loop (it keeps no state of its own). */
    private static final class Echo implements BufferEventHandler {
        @Override
        public void onRead(BufferEvent be) {
            if (be.isWritable()) {
                be.output().appendBuffer(be.input());
            } // else the input waits, and reading pauses at READ_HIGH, until onWrite
        }

        @Override
        public void onWrite(BufferEvent be) {
            if (!be.input().isEmpty()) {
                be.output().appendBuffer(be.input()); // below READ_HIGH again: reading resumes
            }
        }

        @Override
        public void onEvent(BufferEvent be, int events, int errno) {
            if ((events & BufferEvent.EOF) != 0) {
                be.output().appendBuffer(be.input()); // the last bytes, however few, go back too
                be.closeWhenFlushed();
            } else if ((events & (BufferEvent.ERROR | BufferEvent.TIMEOUT)) != 0) {
                LOG.debug("connection fd {}: events {} errno {}", be.fd(), events, errno);
                be.close();
            }
        }
    }

    /**
     * Stops listening and closes every connection still open on this loop (output not yet sent
     * is dropped; its client sees the end), so the loop has nothing left to wait for; a
     * connection handed to it later is closed at once. Its loop thread.
     */
    @Override
    public void close() {
        closed = true;
        if (listener != null) {
            listener.close();
        }
        for (BufferEvent be : taken) {
            be.close(); // one closed already: nothing
        }
        taken.clear();
    }
}
