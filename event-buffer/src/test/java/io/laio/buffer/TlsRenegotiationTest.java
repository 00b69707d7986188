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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Errno;
import io.laio.event.Ev;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the TLS filter does when the peer asks for a new handshake in mid-stream: TLS 1.2
 * renegotiation (a ClientHello from a client, a HelloRequest from a server) is refused after
 * every byte before it was delivered; TLS 1.3's KeyUpdate is accepted and the stream goes on.
 * The peers are the JDK's {@code SSLSocket}s, which start either with {@code startHandshake()}
 * on an established connection.
 */
class TlsRenegotiationTest {
    private final Loopback lo = Loopback.listening();

    @AfterEach
    void tearDown() {
        lo.close();
    }

    /** Drains the input into text, logs it, and answers "ping" with "pong". */
    private static final class Logger extends BufferEventTest.Recorder {
        final List<String> log = new ArrayList<>();
        final StringBuilder read = new StringBuilder();
        int connected;

        @Override
        public void onRead(BufferEvent be) {
            super.onRead(be);
            byte[] b = new byte[(int) be.input().length()];
            be.input().remove(b, 0, b.length);
            String text = new String(b, StandardCharsets.ISO_8859_1);
            read.append(text);
            log.add("read " + text);
            if (text.contains("ping\n")) {
                be.output().appendLatin1("pong\n");
            }
        }

        @Override
        public void onEvent(BufferEvent be, int events, int errno) {
            super.onEvent(be, events, errno);
            log.add("event " + events);
            if (events == BufferEvent.CONNECTED) {
                connected++;
            }
            if ((events & BufferEvent.ERROR) != 0) {
                be.output().appendLatin1("refused\n"); // writing still works after the refusal
                be.closeWhenFlushed();
            }
        }
    }

    private static String readUpTo(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    /** Everything until end-of-file or an exception (kept in {@code end}). */
    private static String readRest(InputStream in, AtomicReference<Throwable> end) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                b.write(buf, 0, n);
            }
        } catch (IOException e) {
            end.set(e);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void tls12RenegotiationByTheClientIsRefusedAfterEveryByteBeforeIt() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> peerGot = new AtomicReference<>();
        AtomicReference<Throwable> peerEnd = new AtomicReference<>();
        AtomicBoolean ponged = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch bothSent = new CountDownLatch(1);
        Socket plain = lo.connect();
        plain.setTcpNoDelay(true); // or Nagle holds the ClientHello back until the line is acknowledged
        lo.peer("tls-peer", failure, () -> {
            try (SSLSocket s = TestTls.clientSocket(plain, "TLSv1.2")) {
                s.startHandshake();
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write("ping\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertEquals("pong\n", readUpTo(in, 5));
                ponged.set(true);
                assertTrue(go.await(10, TimeUnit.SECONDS));
                out.write("last words\n".getBytes(StandardCharsets.US_ASCII));
                s.startHandshake(); // a ClientHello right behind the line
                bothSent.countDown();
                peerGot.set(readRest(in, peerEnd));
            } finally {
                bothSent.countDown();
            }
        });
        Logger r = new Logger();
        BufferEvent be = lo.accepted(r);
        be.startTls(TestTls.serverEngine("TLSv1.2"));
        be.enable(Ev.READ);
        lo.runUntil(() -> ponged.get() || failure.get() != null, 10);
        go.countDown();
        // the loop stands still until both records are in: one read takes the line and the
        // ClientHello, so the line is delivered from the same read that meets the refusal
        assertTrue(bothSent.await(10, TimeUnit.SECONDS));
        lo.runUntil(() -> be.isClosed() && peerGot.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertEquals(Errno.EPROTO, r.errnoOf(BufferEvent.READING | BufferEvent.ERROR), "events " + r.log);
        assertInstanceOf(SSLException.class, be.failure());
        assertTrue(be.failure().getMessage().contains("renegotiation"), be.failure().getMessage());
        assertEquals("ping\nlast words\n", r.read.toString(), "every byte before the ClientHello is delivered");
        assertEquals("event " + (BufferEvent.READING | BufferEvent.ERROR), r.log.get(r.log.size() - 1),
                "the refusal comes after the bytes before it were read: " + r.log);
        assertEquals(1, r.connected, "no second handshake");
        assertEquals("TLSv1.2", be.tlsEngine().getSession().getProtocol());
        assertEquals("refused\n", peerGot.get(), "writing goes on after the refusal");
        assertInstanceOf(SSLException.class, peerEnd.get(), "the peer's handshake ends in close_notify: it learns of the refusal");
    }

    @Test
    void tls12HelloRequestFromTheServerIsRefusedAfterEveryByteBeforeIt() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> serverGot = new AtomicReference<>();
        AtomicReference<Throwable> serverEnd = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch bothSent = new CountDownLatch(1);
        SSLServerSocket server = TestTls.serverSocket("TLSv1.2");
        lo.peer("tls-peer", failure, () -> {
            try (server; SSLSocket s = (SSLSocket) server.accept()) {
                s.setTcpNoDelay(true);
                s.startHandshake();
                assertTrue(go.await(10, TimeUnit.SECONDS));
                s.getOutputStream().write("before\n".getBytes(StandardCharsets.US_ASCII));
                s.startHandshake(); // a HelloRequest
                bothSent.countDown();
                serverGot.set(readRest(s.getInputStream(), serverEnd));
            } finally {
                bothSent.countDown();
            }
        });
        Logger r = new Logger();
        BufferEvent be = BufferEvent.socket(lo.laio, -1, lo.pool, r);
        be.startTls(TestTls.clientEngine("TLSv1.2", server.getLocalPort()));
        be.enable(Ev.READ);
        be.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        lo.runUntil(() -> r.connected > 0 || failure.get() != null, 10);
        go.countDown();
        assertTrue(bothSent.await(10, TimeUnit.SECONDS)); // one read takes both records
        lo.runUntil(() -> be.isClosed() && serverGot.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertEquals(Errno.EPROTO, r.errnoOf(BufferEvent.READING | BufferEvent.ERROR), "events " + r.log);
        assertTrue(be.failure().getMessage().contains("renegotiation"), be.failure().getMessage());
        assertEquals("before\n", r.read.toString());
        assertEquals("event " + (BufferEvent.READING | BufferEvent.ERROR), r.log.get(r.log.size() - 1),
                "the refusal comes after the bytes before it were read: " + r.log);
        assertEquals(1, r.connected);
        assertEquals("refused\n", serverGot.get(), "writing goes on after the refusal");
        assertInstanceOf(SSLException.class, serverEnd.get(), "the server's handshake ends in close_notify");
    }

    @Test
    void tls13KeyUpdateFromTheClientIsAcceptedAndTheStreamGoesOn() throws Exception {
        byte[] data = new byte[256 << 10];
        new Random(20).nextBytes(data);
        int half = data.length / 2;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> echoed = new AtomicReference<>();
        Socket plain = lo.connect();
        lo.peer("tls-peer", failure, () -> {
            try (SSLSocket s = TestTls.clientSocket(plain, "TLSv1.3")) {
                s.startHandshake();
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(data, 0, half);
                byte[] got = new byte[data.length];
                int n = in.readNBytes(got, 0, half);
                s.startHandshake(); // TLS 1.3: a KeyUpdate asking the server to update its keys too
                out.write(data, half, data.length - half);
                n += in.readNBytes(got, half, data.length - half);
                echoed.set(java.util.Arrays.copyOf(got, n));
            }
        });
        BufferEventTest.Recorder r = new BufferEventTest.Echo();
        BufferEvent be = lo.accepted(r);
        be.startTls(TestTls.serverEngine("TLSv1.3"));
        be.enable(Ev.READ);
        lo.runUntil(() -> be.isClosed() && echoed.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertFalse(r.saw(BufferEvent.ERROR), "a KeyUpdate is no renegotiation");
        assertArrayEquals(data, echoed.get());
        assertTrue(r.saw(BufferEvent.READING | BufferEvent.EOF));
    }

    @Test
    void tls13KeyUpdateFromTheServerIsAcceptedByAClient() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> serverGot = new AtomicReference<>();
        SSLServerSocket server = TestTls.serverSocket("TLSv1.3");
        lo.peer("tls-peer", failure, () -> {
            try (server; SSLSocket s = (SSLSocket) server.accept()) {
                s.startHandshake();
                OutputStream out = s.getOutputStream();
                out.write("one\n".getBytes(StandardCharsets.US_ASCII));
                s.startHandshake(); // a KeyUpdate with update_requested
                out.write("two\n".getBytes(StandardCharsets.US_ASCII));
                serverGot.set(readUpTo(s.getInputStream(), 4)); // sent under the client's new keys
            }
        });
        StringBuilder got = new StringBuilder();
        BufferEventTest.Recorder r = new BufferEventTest.Recorder() {
            @Override
            public void onRead(BufferEvent be) {
                super.onRead(be);
                String line;
                while ((line = be.input().readLine(EolStyle.LF)) != null) {
                    got.append(line).append('\n');
                    if (line.equals("two")) {
                        be.output().appendLatin1("ok!\n");
                        be.closeWhenFlushed();
                    }
                }
            }
        };
        BufferEvent be = BufferEvent.socket(lo.laio, -1, lo.pool, r);
        be.startTls(TestTls.clientEngine("TLSv1.3", server.getLocalPort()));
        be.enable(Ev.READ);
        be.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        lo.runUntil(() -> be.isClosed() && serverGot.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertFalse(r.saw(BufferEvent.ERROR));
        assertEquals("one\ntwo\n", got.toString());
        assertEquals("ok!\n", serverGot.get());
    }
}
