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

import io.laio.Errno;
import io.laio.Laio;
import io.laio.buffer.BufferEvent;
import io.laio.buffer.BufferEventHandler;
import io.laio.buffer.EvBuffer;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLEngine;

/**
 * A TLS connection's socket: a raw descriptor served by event-buffer's {@link BufferEvent}
 * with its TLS filter ({@link BufferEvent#startTls}), seen by the {@link Connection} as any
 * other {@link SocketIo}. The filter's socket calls are LAIO calls on the loop's own epoll, as
 * in {@link LaioSocketIo}; its handshake tasks run on LAIO helpers.
 *
 * <ul>
 *   <li>{@link #recv}: plaintext the filter has decrypted is copied out of its input at once;
 *       when there is none, the connection waits for the next {@code onRead}. Reading stays
 *       enabled, bounded by a high watermark of {@link #READ_HIGH} bytes of plaintext.
 *   <li>{@link #send}: the bytes are appended to the filter's output (plaintext), encrypted and
 *       written at once as far as the socket takes them; the send completes, like a raw
 *       socket's, when every byte has gone to the kernel ({@code onWrite} at an empty output),
 *       so a large body is read, encrypted and sent chunk by chunk with memory bounded.
 *   <li>No {@code sendfile}: a body must pass through the engine, so it is read (a LAIO
 *       {@code pread}, never blocking the loop) and sent as data; no {@code TCP_CORK}, since
 *       the head goes in the same records as the first chunk.
 *   <li>{@link #close}: after a finished handshake with nothing failed, close_notify is sent
 *       first ({@code closeWhenFlushed}, at most {@link #LINGER} for a peer that stops
 *       reading); after a failed handshake the engine's alert; otherwise the socket is closed
 *       at once.
 * </ul>
 *
 * Errors reach the pending operation as negated errnos: the handshake's or a record's
 * {@link Errno#EPROTO}, end-of-file without close_notify ({@link Errno#EPROTO}, a truncation),
 * {@code ECONNRESET}, {@code EPIPE}. The peer's close_notify is end of stream (0).
 *
 * <p>Loop thread only, as everything of a connection.
 */
final class TlsSocketIo extends SocketIo {
    /** The most decrypted bytes held for a connection that has not asked for them (pipelined requests). */
    static final long READ_HIGH = 16 * 1024;
    /** How long close_notify (or a failed handshake's alert) may take to leave before the socket is closed anyway. */
    static final Duration LINGER = Duration.ofSeconds(5);

    private final BufferEvent be;
    private final ThttpdServer server;
    /** Set while {@link #recv} waits: where the next plaintext goes. */
    private ByteBuffer recvInto;
    /** Bytes of the send in progress; -1 when none is. */
    private long sending = -1;
    /** Inside {@link #send}: a completion found there is returned, not resumed. */
    private boolean inSend;
    private boolean sendDone;
    /** What reading ended with: 0 not ended, 1 the peer's close_notify, else a negated errno. */
    private long readEnd;
    /** A write's failure (a negated errno), 0 while none. */
    private long writeError;
    private boolean handshakeDone;
    private boolean handshakeFailed;
    private boolean stopped;

    private TlsSocketIo(ThttpdServer server, BufferEvent be) {
        this.server = server;
        this.be = be;
    }

    /**
     * Serves accepted socket {@code fd} through a new filter: the handshake starts at once (the
     * client speaks first, so it waits for the client hello).
     */
    static TlsSocketIo accept(ThttpdServer server, Laio laio, int fd, SegmentPool pool, SSLEngine engine) {
        Handler h = new Handler();
        BufferEvent be = BufferEvent.socket(laio, fd, pool, h);
        TlsSocketIo io = new TlsSocketIo(server, be);
        h.io = io;
        be.readWatermarks(0, READ_HIGH);
        be.startTls(engine);
        be.enable(Ev.READ);
        return io;
    }

    /**
     * The handler is a separate object so that {@link BufferEventHandler}'s public methods stay
     * off this class, and a filter that lingers after its connection has gone talks to nothing.
     */
    private static final class Handler implements BufferEventHandler {
        TlsSocketIo io;

        @Override
        public void onRead(BufferEvent be) {
            io.onRead(be);
        }

        @Override
        public void onWrite(BufferEvent be) {
            io.onWrite(be);
        }

        @Override
        public void onEvent(BufferEvent be, int events, int errno) {
            io.onEvent(be, events, errno);
        }
    }

    @Override
    long recv(ByteBuffer in, long inAddress) {
        EvBuffer input = be.input();
        if (!input.isEmpty()) {
            return copyOut(input, in);
        }
        if (readEnd != 0) {
            return readEnd == 1 ? 0 : readEnd;
        }
        recvInto = in;
        return PENDING;
    }

    /** Moves plaintext into {@code in} from its position; the caller advances the position. */
    private static long copyOut(EvBuffer input, ByteBuffer in) {
        int n = (int) Math.min(in.remaining(), input.length());
        input.copyOut(0, MemorySegment.ofBuffer(in).asSlice(in.position(), n));
        input.drain(n);
        return n;
    }

    @Override
    long send(ByteBuffer first, long firstAddress, ByteBuffer second) {
        if (writeError != 0) {
            return writeError;
        }
        if (readEnd < 0) {
            return readEnd; // the filter encrypts nothing after a failed read: the connection is over
        }
        if (be.tlsEngine().isOutboundDone()) {
            return -Errno.EPIPE; // the peer's close_notify was answered with ours: nothing more can be sent
        }
        long n = 0;
        EvBuffer out = be.output();
        if (first != null) {
            n += first.remaining();
            out.append(first);
        }
        if (second != null) {
            n += second.remaining();
            out.append(second);
        }
        sending = n;
        sendDone = false;
        inSend = true;
        try {
            be.flush(); // encrypts and writes as far as the socket takes it now
        } finally {
            inSend = false;
        }
        if (sendDone) {
            sending = -1;
            return n;
        }
        if (sending < 0) { // failed inside flush
            return writeError != 0 ? writeError : readEnd;
        }
        return PENDING;
    }

    @Override
    boolean sendsFiles() {
        return false;
    }

    private void onRead(BufferEvent be) {
        ByteBuffer in = recvInto;
        if (in == null || stopped) {
            return; // the connection is busy (disk, sending): the plaintext waits in the input
        }
        recvInto = null;
        owner.resume(copyOut(be.input(), in));
    }

    private void onWrite(BufferEvent be) {
        if (sending < 0 || stopped) {
            return; // the handshake's own writes, or close_notify
        }
        if (inSend) {
            sendDone = true;
            return;
        }
        long n = sending;
        sending = -1;
        owner.resume(n);
    }

    private void onEvent(BufferEvent be, int events, int errno) {
        if (stopped) {
            if ((events & (BufferEvent.ERROR | BufferEvent.TIMEOUT)) != 0) {
                be.close(); // close_notify or the alert could not go: give up on it
            }
            return;
        }
        if ((events & BufferEvent.CONNECTED) != 0) {
            handshakeDone = true;
            return;
        }
        long r;
        if ((events & BufferEvent.READING) != 0) {
            r = (events & BufferEvent.EOF) != 0 ? 1 : -errno;
            readEnd = r;
        } else {
            r = -errno;
            writeError = r;
            handshakeFailed = !handshakeDone && errno == Errno.EPROTO;
        }
        if (recvInto != null) {
            recvInto = null;
            owner.resume(r == 1 ? 0 : r);
        } else if (sending >= 0 && r != 1) {
            sending = -1;
            if (!inSend) {
                owner.resume(r);
            }
        }
    }

    @Override
    void stopWaiting() {
        stopped = true;
        recvInto = null;
    }

    @Override
    void close() {
        stopped = true;
        boolean clean = !server.stopping() && sending < 0
                && (handshakeDone && readEnd >= 0 && writeError == 0 || handshakeFailed);
        sending = -1;
        if (clean) {
            be.timeouts(null, LINGER);
            be.closeWhenFlushed();
        } else {
            be.close();
        }
        if (be.fd() >= 0) {
            server.closing(be); // the last bytes, or the cancelled calls, still to finish
        }
    }

    @Override
    String peer() {
        return "fd " + be.fd() + " tls";
    }
}
