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

package io.laio.buffer;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The TLS pump of a {@link BufferEvent}: moves ciphertext from {@code netIn} through the
 * {@link SSLEngine} into the plaintext {@code appIn}, and plaintext from {@code appOut} into
 * ciphertext in {@code netOut}, as far as the engine can go without more input or a delegated
 * task. The engine works on heap buffers of its own session's sizes, so each record is copied
 * once in and once out.
 *
 * <p>Threading: the connection's loop thread only.
 */
final class TlsSession {
    /** {@link #pump} flag: the handshake has just finished. */
    static final int FINISHED = 1;
    /** {@link #pump} flag: a delegated task is waiting ({@link SSLEngine#getDelegatedTask()}). */
    static final int TASK = 2;
    /** {@link #pump} flag: the peer's close_notify arrived. */
    static final int CLOSED = 4;
    /**
     * {@link #pump} flag: the peer asked for a new handshake (TLS 1.2 renegotiation) and was
     * refused; nothing from that record on is unwrapped.
     */
    static final int REFUSED = 8;
    /** TLS record content type {@code handshake}. */
    private static final byte HANDSHAKE_RECORD = 22;

    final SSLEngine engine;
    private final EvBuffer netIn;
    private final EvBuffer netOut;
    private final EvBuffer appIn;
    private final EvBuffer appOut;
    /** Write mode (position = bytes held) between calls. */
    private ByteBuffer netInBuf;
    private ByteBuffer appInBuf;
    private ByteBuffer appOutBuf;
    private ByteBuffer netOutBuf;
    private boolean handshakeDone;
    /** A renegotiation was refused: the engine never sees another inbound record. */
    private boolean refused;
    boolean taskRunning;
    private int flags;

    TlsSession(SSLEngine engine, EvBuffer netIn, EvBuffer netOut, EvBuffer appIn, EvBuffer appOut) {
        this.engine = engine;
        this.netIn = netIn;
        this.netOut = netOut;
        this.appIn = appIn;
        this.appOut = appOut;
        int packet = engine.getSession().getPacketBufferSize();
        int app = engine.getSession().getApplicationBufferSize();
        this.netInBuf = ByteBuffer.allocate(packet);
        this.netOutBuf = ByteBuffer.allocate(packet);
        this.appInBuf = ByteBuffer.allocate(app);
        this.appOutBuf = ByteBuffer.allocate(app);
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    /** Whether plaintext or ciphertext waits inside the session (not yet in netOut). */
    boolean holdsOutput() {
        return appOutBuf.position() > 0;
    }

    /**
     * Runs the engine until it needs more input, a task, or has nothing to do.
     *
     * @return {@link #FINISHED}, {@link #TASK}, {@link #CLOSED} flags
     * @throws SSLException what the engine throws: a failed handshake, a bad record
     */
    int pump() throws SSLException {
        flags = 0;
        while (!taskRunning) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            boolean progress;
            switch (hs) {
                case NEED_TASK -> {
                    return flags | TASK;
                }
                case NEED_WRAP -> progress = wrap();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> progress = unwrap();
                default -> {
                    if (!handshakeDone) {
                        handshakeDone = true;
                        flags |= FINISHED;
                    }
                    progress = false;
                    if (!refused && !engine.isInboundDone() && (netInBuf.position() > 0 || !netIn.isEmpty())) {
                        progress = unwrap();
                    }
                    if (!engine.isOutboundDone() && (appOutBuf.position() > 0 || appOut.memoryLength() > 0)) {
                        progress |= wrap();
                    }
                }
            }
            if (!progress) {
                break;
            }
        }
        return flags;
    }

    private boolean unwrap() throws SSLException {
        if (refused) {
            return false;
        }
        fill(netIn, netInBuf);
        netInBuf.flip();
        if (handshakeDone && netInBuf.hasRemaining() && netInBuf.get(netInBuf.position()) == HANDSHAKE_RECORD) {
            // After the handshake a record of type handshake can only be TLS 1.2's HelloRequest
            // or ClientHello, a renegotiation (TLS 1.3 sends KeyUpdate and NewSessionTicket inside
            // application_data records, so they pass). The JDK's engine would go along with it,
            // and no per-engine switch refuses it, so the record never reaches the engine: a
            // renegotiation re-runs certificate checks and key agreement mid-stream (a CPU cost a
            // peer can impose at will) and changes the peer's identity under the application.
            netInBuf.compact();
            refused = true;
            flags |= REFUSED;
            return false;
        }
        SSLEngineResult r;
        try {
            r = engine.unwrap(netInBuf, appInBuf);
        } finally {
            netInBuf.compact();
        }
        note(r);
        if (appInBuf.position() > 0) {
            appInBuf.flip();
            appIn.append(appInBuf);
            appInBuf.clear();
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
                if (!netInBuf.hasRemaining()) {
                    netInBuf = grow(netInBuf, engine.getSession().getPacketBufferSize());
                    return true;
                }
                return !netIn.isEmpty(); // more ciphertext to move in, else wait for a read
            }
            case BUFFER_OVERFLOW -> {
                appInBuf = grow(appInBuf, engine.getSession().getApplicationBufferSize());
                return true;
            }
            case CLOSED -> {
                flags |= CLOSED;
                return engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; // answer close_notify
            }
            default -> {
                return r.bytesConsumed() > 0 || r.bytesProduced() > 0;
            }
        }
    }

    private boolean wrap() throws SSLException {
        fill(appOut, appOutBuf);
        appOutBuf.flip();
        SSLEngineResult r;
        try {
            r = engine.wrap(appOutBuf, netOutBuf);
        } finally {
            appOutBuf.compact();
        }
        note(r);
        if (netOutBuf.position() > 0) {
            netOutBuf.flip();
            netOut.append(netOutBuf);
            netOutBuf.clear();
        }
        return switch (r.getStatus()) {
            case BUFFER_OVERFLOW -> {
                netOutBuf = grow(netOutBuf, engine.getSession().getPacketBufferSize());
                yield true;
            }
            case CLOSED -> r.bytesProduced() > 0;
            default -> r.bytesConsumed() > 0 || r.bytesProduced() > 0;
        };
    }

    private void note(SSLEngineResult r) {
        if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && !handshakeDone) {
            handshakeDone = true;
            flags |= FINISHED;
        }
    }

    /** Moves bytes from {@code from} into {@code to}'s free space (a heap buffer in write mode). */
    private static void fill(EvBuffer from, ByteBuffer to) {
        // memoryLength: a file range at the head is read through by the connection first (and
        // the head is locked while that read is in the kernel)
        if (to.hasRemaining() && from.memoryLength() > 0) {
            int n = from.remove(to.array(), to.arrayOffset() + to.position(), to.remaining());
            to.position(to.position() + n);
        }
    }

    private static ByteBuffer grow(ByteBuffer b, int atLeast) {
        ByteBuffer n = ByteBuffer.allocate(Math.max(atLeast, b.capacity() * 2));
        b.flip();
        n.put(b);
        return n;
    }
}
