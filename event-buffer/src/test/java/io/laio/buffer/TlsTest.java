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
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS through the SSLEngine filter, against the JDK's own SSLSocket as the peer, with a certificate keytool makes ({@link TestTls}). */
class TlsTest {
    private static SSLContext serverContext;
    private static SSLContext clientContext;

    private final Loopback lo = Loopback.listening();

    @BeforeAll
    static void contexts() {
        serverContext = TestTls.serverContext(); // one keytool certificate for every TLS test class
        clientContext = TestTls.clientContext();
    }

    @AfterEach
    void tearDown() {
        lo.close();
    }

    private static SSLEngine serverEngine(String... alpn) {
        SSLEngine e = serverContext.createSSLEngine();
        e.setUseClientMode(false);
        SSLParameters p = e.getSSLParameters();
        p.setApplicationProtocols(alpn);
        e.setSSLParameters(p);
        return e;
    }

    private SSLSocket client(Socket plain) throws Exception {
        SSLSocket s = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, "localhost", lo.port(), false);
        SSLParameters p = s.getSSLParameters();
        p.setApplicationProtocols(new String[] {"echo"});
        s.setSSLParameters(p);
        return s;
    }

    @Test
    void echoesOverTlsWithAlpnAndReportsCloseNotifyAsEof() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(7).nextBytes(data);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> echoed = new AtomicReference<>();
        AtomicReference<String> clientAlpn = new AtomicReference<>();
        Socket plain = lo.connect();
        lo.peer("tls-peer", failure, () -> {
            try (SSLSocket s = client(plain)) {
                s.startHandshake();
                clientAlpn.set(s.getApplicationProtocol());
                Thread writer = new Thread(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        for (int i = 0; i < data.length; i += 10_000) {
                            out.write(data, i, Math.min(10_000, data.length - i));
                        }
                        out.flush();
                    } catch (Exception e) {
                        failure.set(e);
                    }
                });
                writer.start();
                byte[] got = new byte[data.length];
                InputStream in = s.getInputStream();
                int n = 0;
                while (n < got.length) {
                    int k = in.read(got, n, got.length - n);
                    if (k < 0) {
                        break;
                    }
                    n += k;
                }
                writer.join();
                echoed.set(java.util.Arrays.copyOf(got, n));
            } // close sends close_notify
        });
        BufferEventTest.Recorder r = new BufferEventTest.Echo();
        BufferEvent be = lo.accepted(r);
        be.startTls(serverEngine("h2", "echo"));
        be.enable(Ev.READ);
        lo.runUntil(() -> be.isClosed() || failure.get() != null, 30);
        assertEquals(null, failure.get());
        assertTrue(r.saw(BufferEvent.CONNECTED));
        assertEquals("echo", be.tlsEngine().getApplicationProtocol());
        assertEquals("echo", clientAlpn.get());
        assertArrayEquals(data, echoed.get());
        assertTrue(r.saw(BufferEvent.READING | BufferEvent.EOF), "close_notify is a clean end-of-file");
        assertFalse(r.saw(BufferEvent.ERROR));
    }

    @Test
    void endWithoutCloseNotifyIsReportedAsAnError() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Socket plain = lo.connect();
        lo.peer("tls-peer", failure, () -> {
            SSLSocket s = client(plain);
            s.startHandshake();
            s.getOutputStream().write("half a message".getBytes());
            s.getOutputStream().flush();
            Thread.sleep(100);
            plain.close(); // the TCP connection ends, no close_notify: a truncation
        });
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        be.startTls(serverEngine("echo"));
        be.enable(Ev.READ);
        lo.runUntil(() -> r.saw(BufferEvent.ERROR) || r.saw(BufferEvent.EOF), 10);
        assertEquals(Errno.EPROTO, r.errnoOf(BufferEvent.READING | BufferEvent.ERROR));
        assertFalse(r.saw(BufferEvent.EOF));
        assertEquals("half a message", new String(readAll(be.input())));
        be.close();
    }

    @Test
    void handshakeFailureIsAnErrorWithTheSslException() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Socket plain = lo.connect();
        lo.peer("tls-peer", failure, () -> {
            try (plain) {
                plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes()); // not TLS
                plain.getInputStream().readAllBytes();
            }
        });
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        be.startTls(serverEngine("echo"));
        lo.runUntil(() -> r.saw(BufferEvent.ERROR), 10);
        assertEquals(Errno.EPROTO, r.errnoOf(BufferEvent.ERROR));
        assertInstanceOf(SSLException.class, be.failure());
        assertFalse(r.saw(BufferEvent.CONNECTED));
        be.close();
    }

    @Test
    void jdkHttpsUrlConnectionGetsAnHttpsResponse() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<String> reply = new AtomicReference<>();
        lo.peer("tls-peer", failure, () -> {
            var c = (javax.net.ssl.HttpsURLConnection) java.net.URI.create("https://localhost:" + lo.port() + "/hello").toURL()
                    .openConnection();
            c.setSSLSocketFactory(clientContext.getSocketFactory());
            try (InputStream in = c.getInputStream()) {
                reply.set(c.getResponseCode() + " " + new String(in.readAllBytes()));
            }
        });
        byte[] end = "\r\n\r\n".getBytes();
        BufferEventTest.Recorder r = new BufferEventTest.Recorder() {
            @Override
            public void onRead(BufferEvent be) {
                super.onRead(be);
                long at = be.input().search(end, 0);
                if (at >= 0) {
                    String requestLine = be.input().readLine(EolStyle.CRLF);
                    be.input().drain(be.input().length());
                    String body = "you asked for " + requestLine.split(" ")[1];
                    be.output().appendLatin1("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body);
                    be.closeWhenFlushed();
                }
            }
        };
        BufferEvent be = lo.accepted(r);
        be.startTls(serverEngine("http/1.1"));
        be.enable(Ev.READ);
        lo.runUntil(() -> be.isClosed() && reply.get() != null || failure.get() != null, 20);
        assertEquals(null, failure.get());
        assertEquals("200 you asked for /hello", reply.get());
    }

    private static byte[] readAll(EvBuffer b) {
        byte[] x = new byte[(int) b.length()];
        b.remove(x, 0, x.length);
        return x;
    }
}
