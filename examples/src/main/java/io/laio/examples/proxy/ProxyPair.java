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

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import io.laio.buffer.BufferEvent;
import io.laio.buffer.BufferEventHandler;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;
import io.laio.examples.net.SocketAbi;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection: the client's accepted socket and the connection made to the target,
 * two {@link BufferEvent}s, each side's input moved (whole segments, no copy) into the other's
 * output.
 *
 * <p><b>Back-pressure both ways.</b> A side's input moves on only while the other side's output
 * is below its write high watermark ({@link BufferEvent#isWritable()}); otherwise it waits, and
 * once it holds the read high watermark that side stops reading, so TCP holds its peer back. It
 * moves on when the other side's writes bring the output down to the write low watermark
 * ({@code onWrite}). A slow reader on either side therefore costs the proxy at most about
 * {@code writeHigh + 2 * readHigh} bytes per direction.
 *
 * <p><b>Half-close.</b> End-of-file from one side (after its last bytes have moved on) is
 * passed on: once the other side's output is flushed, its socket is shut down for writing, and
 * the other direction goes on. When both directions have ended, both sockets close. A TLS
 * client side cannot be half-closed: the target's end-of-file is answered with close_notify
 * after the last byte and the pair closes.
 *
 * <p><b>Errors.</b> An error or TLS failure on either side, or a target that cannot be reached
 * (refused, unknown host, no answer within the connect timeout), closes both sides at once.
 *
 * <p>Threading: the loop thread of the {@link Laio}'s base.
 */
final class ProxyPair implements Forwarding {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyPair.class);
    /** The input a side holds at most before it stops reading. */
    static final long READ_HIGH = 64 * 1024;
    /** The output (plaintext and ciphertext) at or above which the other side's input waits. */
    static final long WRITE_HIGH = 256 * 1024;
    /** The output at or below which the other side's waiting input moves on. */
    static final long WRITE_LOW = WRITE_HIGH / 2;

    private final ProxyServer server;
    private final Laio laio;
    private final Side client;
    private final Side target;
    private final String host;
    private final int port;
    private boolean closed;

    /**
     * A pair for the accepted {@code clientFd}: TLS on it if {@code engine} is given, and a
     * connection to {@code host:port} (resolved on a LAIO helper lane) once {@link #start()}ed.
     */
    ProxyPair(ProxyServer server, Laio laio, SegmentPool pool, int clientFd, SSLEngine engine, String host, int port,
            Duration connectTimeout) {
        this.server = server;
        this.laio = laio;
        this.client = new Side("client");
        this.target = new Side("target");
        client.other = target;
        target.other = client;
        client.be = BufferEvent.socket(laio, clientFd, pool, client);
        target.be = BufferEvent.socket(laio, -1, pool, target);
        for (Side s : new Side[] {client, target}) {
            s.be.readWatermarks(0, READ_HIGH);
            s.be.writeWatermarks(WRITE_LOW, WRITE_HIGH);
        }
        if (engine != null) {
            client.be.startTls(engine);
        }
        target.be.timeouts(null, connectTimeout); // for the connect only: cleared on CONNECTED
        this.host = host;
        this.port = port;
    }

    /** Starts reading the client and connecting to the target; handlers may run (and close the pair) before it returns. */
    @Override
    public void start() {
        client.be.enable(Ev.READ);
        target.be.enable(Ev.READ);
        target.be.connect(host, port);
    }

    /** Bytes the pair holds now, in both sides' buffers. */
    @Override
    public long buffered() {
        return closed ? 0 : client.buffered() + target.buffered();
    }

    /** Closes both sides now. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.be.close();
        target.be.close();
        server.pairClosed(this);
    }

    /** Closes both sides once every byte each holds for its peer has been written. */
    private void closeWhenFlushed() {
        if (closed) {
            return;
        }
        closed = true;
        client.be.closeWhenFlushed();
        target.be.closeWhenFlushed();
        server.pairClosed(this);
    }

    /** One side of the pair: its connection and what it hears. */
    private final class Side implements BufferEventHandler {
        private final String name;
        BufferEvent be;
        Side other;
        /** This side's peer ended, and everything it sent has been moved to the other side. */
        private boolean ended;
        /** The other side's output has been flushed and its socket shut down for writing (or closing). */
        private boolean passedOn;

        Side(String name) {
            this.name = name;
        }

        long buffered() {
            return be.input().length() + be.output().length();
        }

        @Override
        public void onRead(BufferEvent from) {
            forward();
        }

        @Override
        public void onWrite(BufferEvent to) {
            other.forward(); // our output is low again: the other side's waiting input moves on
        }

        /** Moves this side's input into the other side's output, as far as back-pressure allows. */
        void forward() {
            if (closed) {
                return;
            }
            BufferEvent to = other.be;
            if (!be.input().isEmpty() && to.isWritable()) {
                to.output().appendBuffer(be.input()); // below the read high mark again: reading resumes
            }
            if (ended && !passedOn && be.input().isEmpty() && to.connected()) {
                passOnEnd(); // (a target still connecting hears of it once CONNECTED)
            }
        }

        @Override
        public void onEvent(BufferEvent b, int events, int errno) {
            if (closed) {
                return;
            }
            if ((events & BufferEvent.CONNECTED) != 0) {
                if (this == target) {
                    be.timeouts(null, null); // a slow reader may keep a write waiting as long as it likes
                    client.forward(); // a client that ended before the target answered: pass it on now
                }
                return;
            }
            if ((events & BufferEvent.EOF) != 0) {
                ended = true;
                forward();
                return;
            }
            if ((events & (BufferEvent.ERROR | BufferEvent.TIMEOUT)) != 0) {
                if (this == target && !be.connected()) {
                    LOG.info("cannot reach the target: {}{}", errno == 0 ? "" : Errno.name(errno),
                            be.failure() == null ? "" : " " + be.failure());
                } else {
                    LOG.debug("{} side: events {} errno {}", name, events, errno);
                }
                close();
            }
        }

        /** This side ended: once the other side's output is out, end its writing too. */
        private void passOnEnd() {
            passedOn = true;
            BufferEvent to = other.be;
            if (to.tlsEngine() != null || other.passedOn) {
                closeWhenFlushed(); // TLS has no half-close here; or both directions are done
                return;
            }
            to.whenFlushed().whenComplete((b, failure) -> {
                if (closed) {
                    return;
                }
                if (failure != null) {
                    close();
                    return;
                }
                if (laio.syscall(Sys.SYS_shutdown, to.fd(), SocketAbi.SHUT_WR) != 0) {
                    LOG.debug("shutdown of the {} side: {}", other.name, Errno.name(Laio.errno()));
                    close();
                }
            });
        }
    }
}
