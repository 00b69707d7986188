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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * One self-signed certificate for {@code localhost} (made once per JVM by {@code keytool}) and
 * the contexts of a server that presents it and a client that trusts it, with engines and
 * sockets pinned to one TLS version.
 */
final class TestTls {
    private static final char[] PASS = "changeit".toCharArray();
    private static SSLContext server;
    private static SSLContext client;

    private TestTls() {
    }

    private static synchronized void init() {
        if (server != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("laio-tls");
            Path ks = dir.resolve("server.p12");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "laio", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                    "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool: " + out);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                keys.load(in, PASS);
            }
            Files.delete(ks);
            Files.delete(dir);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASS);
            server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("laio", keys.getCertificate("laio"));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The context of a server presenting the certificate. @return it */
    static SSLContext serverContext() {
        init();
        return server;
    }

    /** The context of a client trusting the certificate. @return it */
    static SSLContext clientContext() {
        init();
        return client;
    }

    /** A server-mode engine offering only {@code protocol} (such as {@code "TLSv1.2"}). */
    static SSLEngine serverEngine(String protocol) {
        init();
        SSLEngine e = server.createSSLEngine();
        e.setUseClientMode(false);
        e.setEnabledProtocols(new String[] {protocol});
        return e;
    }

    /** A client-mode engine for {@code localhost} offering only {@code protocol}. */
    static SSLEngine clientEngine(String protocol, int port) {
        init();
        SSLEngine e = client.createSSLEngine("localhost", port);
        e.setUseClientMode(true);
        e.setEnabledProtocols(new String[] {protocol});
        return e;
    }

    /** A client socket layered over the connected {@code plain}, offering only {@code protocol}. */
    static SSLSocket clientSocket(Socket plain, String protocol) throws IOException {
        init();
        SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
        s.setEnabledProtocols(new String[] {protocol});
        return s;
    }

    /** A listening server socket on 127.0.0.1 (any port) offering only {@code protocol}. */
    static SSLServerSocket serverSocket(String protocol) throws IOException {
        init();
        SSLServerSocket s = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 4,
                java.net.InetAddress.getLoopbackAddress());
        s.setEnabledProtocols(new String[] {protocol});
        return s;
    }
}
