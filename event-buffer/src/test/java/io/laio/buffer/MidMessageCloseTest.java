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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Errno;
import io.laio.event.Ev;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A peer that closes in the middle of a message: plain (FIN after half a line: the half stays
 * in the input, EOF, and the connection can still answer), over TLS with close_notify (a clean
 * EOF, the half kept), and over TLS inside a record (a truncation: an error, every whole record
 * before it delivered, nothing of the cut one).
 */
class MidMessageCloseTest {
    private final Loopback lo = Loopback.listening();

    @AfterEach
    void tearDown() {
        lo.close();
    }

    /**
     * A line server: answers each complete line, logs what it sees; at end-of-file or an error
     * it answers what is left in the input (a partial line) and closes once that is written.
     */
    private static final class LineServer extends BufferEventTest.Recorder {
        final List<String> log = new ArrayList<>();
        String leftAtEnd;

        @Override
        public void onRead(BufferEvent be) {
            super.onRead(be);
            String line;
            while ((line = be.input().readLine(EolStyle.LF)) != null) {
                log.add("line " + line);
                be.output().appendLatin1("ok " + line + "\n");
            }
            log.add("partial " + be.input().length());
        }

        @Override
        public void onEvent(BufferEvent be, int events, int errno) {
            super.onEvent(be, events, errno);
            log.add("event " + events);
            if ((events & (BufferEvent.EOF | BufferEvent.ERROR)) != 0) {
                byte[] b = new byte[(int) be.input().length()];
                be.input().remove(b, 0, b.length);
                leftAtEnd = new String(b, StandardCharsets.ISO_8859_1);
                be.output().appendLatin1("incomplete: " + leftAtEnd + "\n");
                be.closeWhenFlushed();
            }
        }
    }

    @Test
    void plainPeerClosingMidLineLeavesTheHalfLineAndCanStillBeAnswered() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> reply = new AtomicReference<>();
        Socket s = lo.connect();
        lo.peer("peer", failure, () -> {
            try (s) {
                OutputStream out = s.getOutputStream();
                out.write("first line\nGET /index.ht".getBytes(StandardCharsets.US_ASCII));
                s.shutdownOutput(); // FIN in the middle of the second line
                reply.set(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            }
        });
        LineServer r = new LineServer();
        BufferEvent be = lo.accepted(r);
        be.enable(Ev.READ);
        lo.runUntil(() -> be.isClosed() && reply.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertEquals("GET /index.ht", r.leftAtEnd, "the half line stays in the input: " + r.log);
        assertTrue(r.saw(BufferEvent.READING | BufferEvent.EOF));
        assertFalse(r.saw(BufferEvent.ERROR));
        assertEquals("ok first line\nincomplete: GET /index.ht\n", reply.get(), "the other direction still works");
    }

    @Test
    void peerResettingWhileAReplyIsPendingEndsCloseWhenFlushedWithTheError() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        java.util.concurrent.CountDownLatch reset = new java.util.concurrent.CountDownLatch(1);
        Socket s = lo.connect(16 << 10);
        lo.peer("peer", failure, () -> {
            assertTrue(reset.await(10, java.util.concurrent.TimeUnit.SECONDS));
            s.setSoLinger(true, 0);
            s.close(); // RST: the rest of the reply can never be written
        });
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        be.output().append(new byte[8 << 20]);
        be.closeWhenFlushed();
        lo.runFor(50); // the socket buffers fill; the rest waits
        assertFalse(be.isClosed());
        reset.countDown();
        lo.runUntil(() -> be.isClosed() || failure.get() != null, 5);
        assertEquals(null, failure.get());
        assertTrue(r.saw(BufferEvent.WRITING | BufferEvent.ERROR), "the error is reported before the close");
        int errno = r.errnoOf(BufferEvent.WRITING | BufferEvent.ERROR);
        assertTrue(errno == Errno.ECONNRESET || errno == Errno.EPIPE, "errno " + errno);
        assertEquals(-1, be.fd(), "the descriptor is closed, not leaked");
    }

    @Test
    void tlsPeerSendingCloseNotifyMidLineIsACleanEofWithTheHalfLineKept() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> reply = new AtomicReference<>();
        Socket plain = lo.connect();
        lo.peer("peer", failure, () -> {
            try (plain) {
                EngineClient c = new EngineClient(TestTls.clientEngine("TLSv1.3", lo.port()), plain);
                c.handshake();
                // the last record and close_notify in one write: one read brings both, and the
                // end must still come after onRead had the bytes before it
                byte[] last = c.record("first line\nhalf a li");
                byte[] closeNotify = c.closeNotify(); // TLS 1.3: the other side may go on writing
                byte[] both = java.util.Arrays.copyOf(last, last.length + closeNotify.length);
                System.arraycopy(closeNotify, 0, both, last.length, closeNotify.length);
                plain.getOutputStream().write(both);
                reply.set(c.readPlaintextUntilEnd());
            }
        });
        LineServer r = new LineServer();
        BufferEvent be = lo.accepted(r);
        be.startTls(TestTls.serverEngine("TLSv1.3"));
        be.enable(Ev.READ);
        lo.runUntil(() -> be.isClosed() && reply.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertEquals("half a li", r.leftAtEnd, r.log.toString());
        assertTrue(r.saw(BufferEvent.READING | BufferEvent.EOF));
        assertFalse(r.saw(BufferEvent.ERROR));
        assertEquals("ok first line\nincomplete: half a li\n", reply.get());
    }

    @Test
    void tlsPeerClosingInsideARecordIsATruncationAfterEveryWholeRecord() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> reply = new AtomicReference<>();
        Socket plain = lo.connect();
        plain.setTcpNoDelay(true);
        lo.peer("peer", failure, () -> {
            try (plain) {
                EngineClient c = new EngineClient(TestTls.clientEngine("TLSv1.3", lo.port()), plain);
                c.handshake();
                OutputStream out = plain.getOutputStream();
                out.write(c.record("whole line\nand half a"));
                byte[] cut = c.record("nother line\n");
                out.write(cut, 0, cut.length / 2); // the TCP connection ends inside this record
                plain.shutdownOutput();
                reply.set(c.readPlaintextUntilEnd());
            }
        });
        LineServer r = new LineServer();
        BufferEvent be = lo.accepted(r);
        be.startTls(TestTls.serverEngine("TLSv1.3"));
        be.enable(Ev.READ);
        lo.runUntil(() -> be.isClosed() && reply.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertEquals(Errno.EPROTO, r.errnoOf(BufferEvent.READING | BufferEvent.ERROR), r.log.toString());
        assertInstanceOf(SSLException.class, be.failure());
        assertFalse(r.saw(BufferEvent.EOF), "a truncation is never a clean end");
        assertEquals(List.of("line whole line"), r.log.stream().filter(l -> l.startsWith("line")).toList());
        assertEquals("and half a", r.leftAtEnd, "the whole record's bytes, none of the cut one's: " + r.log);
        assertTrue(reply.get().startsWith("ok whole line\nincomplete: and half a\n"),
                "closeWhenFlushed after the error still writes and closes: " + reply.get());
    }

    /** A blocking TLS client on an SSLEngine, so the test can cut a record in half on the wire. */
    private static final class EngineClient {
        private final SSLEngine engine;
        private final InputStream in;
        private final OutputStream out;
        private ByteBuffer netIn;
        private ByteBuffer app;

        EngineClient(SSLEngine engine, Socket s) throws IOException {
            this.engine = engine;
            this.in = s.getInputStream();
            this.out = s.getOutputStream();
            this.netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            this.app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        }

        void handshake() throws IOException {
            engine.beginHandshake();
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> out.write(wrap(ByteBuffer.allocate(0)));
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapOnce();
                    case NEED_TASK -> {
                        Runnable t;
                        while ((t = engine.getDelegatedTask()) != null) {
                            t.run();
                        }
                    }
                    default -> {
                        return;
                    }
                }
            }
        }

        /** The ciphertext of close_notify. */
        byte[] closeNotify() throws SSLException {
            engine.closeOutbound();
            return wrap(ByteBuffer.allocate(0));
        }

        /** The ciphertext of one record (or more) carrying {@code text}. */
        byte[] record(String text) throws SSLException {
            return wrap(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        }

        private byte[] wrap(ByteBuffer src) throws SSLException {
            ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            SSLEngineResult r = engine.wrap(src, net);
            if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
                throw new SSLException("wrap: " + r);
            }
            net.flip();
            byte[] b = new byte[net.remaining()];
            net.get(b);
            return b;
        }

        /** Unwraps one record, reading from the socket as needed; false at end-of-stream. */
        private boolean unwrapOnce() throws IOException {
            while (true) {
                netIn.flip();
                SSLEngineResult r = engine.unwrap(netIn, app);
                netIn.compact();
                if (r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return r.getStatus() != SSLEngineResult.Status.CLOSED;
                }
                int n = in.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
                if (n < 0) {
                    return false;
                }
                netIn.position(netIn.position() + n);
            }
        }

        String readPlaintextUntilEnd() throws IOException {
            while (unwrapOnce()) {
                // collects into app
            }
            app.flip();
            return StandardCharsets.US_ASCII.decode(app).toString();
        }
    }
}
