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
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.laio.Errno;
import io.laio.event.Ev;
import java.io.File;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS through the filter against OpenSSL's own {@code s_server} and {@code s_client} (skipped
 * where the {@code openssl} command is not installed), with a certificate {@code openssl req}
 * makes. Loopback only.
 */
class OpensslTest {
    @TempDir
    Path dir;
    private Loopback lo;
    private final List<Process> processes = new ArrayList<>();

    private static String openssl() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path p = Path.of(d, "openssl");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(openssl() != null, "openssl is not installed");
        lo = new Loopback();
        run(openssl(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(), "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        if (lo != null) {
            lo.runFor(50);
            lo.close();
        }
    }

    private void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }

    private SSLContext trustingTheCertificate() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            trust.setCertificateEntry("laio", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void clientConnectsByNameToOpensslServerAndReadsItsPage() throws Exception {
        int port = freePort();
        Process server = new ProcessBuilder(openssl(), "s_server", "-accept", "127.0.0.1:" + port, "-cert",
                dir.resolve("cert.pem").toString(), "-key", dir.resolve("key.pem").toString(), "-www", "-alpn", "echo")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(server);
        waitForListener(port);
        SSLEngine engine = trustingTheCertificate().createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setApplicationProtocols(new String[] {"echo"});
        p.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name localhost
        engine.setSSLParameters(p);
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = BufferEvent.socket(lo.laio, -1, lo.pool, r);
        be.startTls(engine);
        be.output().appendLatin1("GET / HTTP/1.0\r\n\r\n");
        be.enable(Ev.READ);
        be.connect("localhost", port);
        lo.runUntil(() -> r.saw(BufferEvent.EOF) || r.saw(BufferEvent.ERROR), 20);
        assertTrue(r.saw(BufferEvent.CONNECTED));
        assertEquals("echo", be.tlsEngine().getApplicationProtocol());
        String page = be.input().readLine(EolStyle.CRLF);
        assertEquals("HTTP/1.0 200 ok", page);
        be.close();
    }

    @Test
    void opensslClientGetsItsLineEchoedAndACleanShutdown() throws Exception {
        SSLContext serverContext = serverContextFromPem();
        int[] l = lo.listen();
        Process client = new ProcessBuilder(openssl(), "s_client", "-connect", "127.0.0.1:" + l[1], "-quiet",
                "-alpn", "echo", "-CAfile", dir.resolve("cert.pem").toString())
                .redirectErrorStream(false).start();
        processes.add(client);
        client.getOutputStream().write("hello laio\n".getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        BufferEventTest.Recorder r = new BufferEventTest.Recorder() {
            @Override
            public void onRead(BufferEvent be) {
                super.onRead(be);
                String line = be.input().readLine(EolStyle.LF);
                if (line != null) {
                    be.output().appendLatin1("echo: " + line + "\n");
                    be.closeWhenFlushed(); // close_notify after the reply
                }
            }
        };
        BufferEvent be = BufferEvent.socket(lo.laio, lo.accept(l[0]), lo.pool, r);
        SSLEngine engine = serverContext.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setApplicationProtocols(new String[] {"echo"});
        engine.setSSLParameters(p);
        be.startTls(engine);
        be.enable(Ev.READ);
        lo.runUntil(be::isClosed, 20);
        lo.closeFd(l[0]);
        assertTrue(client.waitFor(10, TimeUnit.SECONDS), "s_client ends on the server's close_notify");
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals("echo: hello laio\n", out);
    }

    /** s_client (commands on: no -quiet) to a line-echo server on {@code version}; its output, stderr included, collects in {@code out}. */
    private Process sClient(int port, String version, StringBuffer out) throws Exception {
        Process client = new ProcessBuilder(openssl(), "s_client", "-connect", "127.0.0.1:" + port, version,
                "-CAfile", dir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
        processes.add(client);
        Thread t = new Thread(() -> {
            byte[] b = new byte[4096];
            try (InputStream in = client.getInputStream()) {
                int n;
                while ((n = in.read(b)) > 0) {
                    out.append(new String(b, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (java.io.IOException ignored) {
                // the process is gone
            }
        }, "s_client-out");
        t.setDaemon(true);
        t.start();
        return client;
    }

    private static void type(Process p, String line) throws Exception {
        p.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
    }

    /** Echoes lines; on an error answers "refused" and closes after it. */
    private static final class LineEcho extends BufferEventTest.Recorder {
        final List<String> lines = new ArrayList<>();

        @Override
        public void onRead(BufferEvent be) {
            super.onRead(be);
            String line;
            while ((line = be.input().readLine(EolStyle.LF)) != null) {
                lines.add(line);
                be.output().appendLatin1("echo: " + line + "\n");
            }
        }

        @Override
        public void onEvent(BufferEvent be, int events, int errno) {
            super.onEvent(be, events, errno);
            if ((events & (BufferEvent.ERROR | BufferEvent.EOF)) != 0) {
                be.output().appendLatin1("refused\n");
                be.closeWhenFlushed();
            }
        }
    }

    private BufferEvent lineEchoServer(int listenFd, String version, LineEcho h) throws Exception {
        BufferEvent be = BufferEvent.socket(lo.laio, lo.accept(listenFd), lo.pool, h);
        SSLEngine engine = serverContextFromPem().createSSLEngine();
        engine.setUseClientMode(false);
        engine.setEnabledProtocols(new String[] {version});
        be.startTls(engine);
        be.enable(Ev.READ);
        return be;
    }

    @Test
    void opensslClientAskingToRenegotiateIsRefusedAfterItsLine() throws Exception {
        int[] l = lo.listen();
        StringBuffer out = new StringBuffer();
        Process client = sClient(l[1], "-tls1_2", out);
        LineEcho h = new LineEcho();
        BufferEvent be = lineEchoServer(l[0], "TLSv1.2", h);
        type(client, "one\n");
        lo.runUntil(() -> out.indexOf("echo: one") >= 0, 10);
        type(client, "R\n"); // s_client: renegotiate
        lo.runUntil(() -> h.saw(BufferEvent.ERROR) || h.saw(BufferEvent.EOF), 10);
        lo.runUntil(be::isClosed, 10);
        lo.closeFd(l[0]);
        assertEquals(Errno.EPROTO, h.errnoOf(BufferEvent.READING | BufferEvent.ERROR), out.toString());
        assertTrue(be.failure().getMessage().contains("renegotiation refused"), be.failure().getMessage());
        assertEquals(List.of("one"), h.lines);
        assertTrue(client.waitFor(10, TimeUnit.SECONDS), "s_client ends: " + out);
        // s_client's output reaches out through a reader thread, which may lag its exit on a busy machine
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (out.indexOf("RENEGOTIATING") < 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(out.indexOf("RENEGOTIATING") >= 0, out.toString());
    }

    @Test
    void opensslClientKeyUpdateIsAcceptedAndTheLinesGoOn() throws Exception {
        int[] l = lo.listen();
        StringBuffer out = new StringBuffer();
        Process client = sClient(l[1], "-tls1_3", out);
        LineEcho h = new LineEcho();
        BufferEvent be = lineEchoServer(l[0], "TLSv1.3", h);
        type(client, "one\n");
        lo.runUntil(() -> out.indexOf("echo: one") >= 0, 10);
        type(client, "K\n"); // s_client: KeyUpdate, asking the server to update its keys too
        lo.runUntil(() -> out.indexOf("KEYUPDATE") >= 0, 10);
        type(client, "two\n");
        lo.runUntil(() -> out.indexOf("echo: two") >= 0 || h.saw(BufferEvent.ERROR), 10);
        assertFalse(h.saw(BufferEvent.ERROR), out.toString());
        assertEquals(List.of("one", "two"), h.lines);
        client.getOutputStream().close(); // s_client ends on end of input
        lo.runUntil(be::isClosed, 10);
        lo.closeFd(l[0]);
        assertTrue(client.waitFor(10, TimeUnit.SECONDS), out.toString());
    }

    private SSLContext serverContextFromPem() throws Exception {
        Path p12 = dir.resolve("server.p12");
        run(openssl(), "pkcs12", "-export", "-in", dir.resolve("cert.pem").toString(), "-inkey",
                dir.resolve("key.pem").toString(), "-out", p12.toString(), "-passout", "pass:changeit", "-name", "laio");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    private static void waitForListener(int port) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port)) {
                return;
            } catch (java.io.IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(20);
            }
        }
    }
}
