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

package io.laio.examples.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * A server's TLS identity, read once from a PKCS#12 key store (what {@code keytool -genkeypair
 * -storetype PKCS12} or {@code openssl pkcs12 -export} writes), and the server-mode
 * {@link SSLEngine}s made from it, one per connection, for {@link io.laio.buffer.BufferEvent#startTls}.
 * The JDK's own provider; its default protocols (TLS 1.3 and 1.2) and cipher suites.
 *
 * <p>Threading: immutable once made; {@link #newEngine()} may be called on any thread.
 */
public final class ServerTls {
    private final SSLContext context;

    private ServerTls(SSLContext context) {
        this.context = context;
    }

    /**
     * Loads the key store at {@code file}: it must hold one private key with its certificate
     * chain, the key protected by the store's password.
     *
     * @param file     a PKCS#12 file
     * @param password the store's (and key's) password; empty for none
     * @return the identity
     * @throws IOException naming the file and what is wrong with it: missing, unreadable, a wrong
     *                     password, not PKCS#12, or without a private key
     */
    public static ServerTls fromPkcs12(Path file, char[] password) throws IOException {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
        } catch (KeyStoreException e) {
            throw new IOException("no PKCS12 key store support in this JDK: " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IOException(file + ": wrong password (give it with --tls-password-file or $"
                        + TlsOption.PASSWORD_ENV + ")", e);
            }
            throw new IOException(file + ": not a PKCS12 key store, or a wrong password (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot read the key store: " + e.getMessage(), e);
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(ks.aliases())) {
                hasKey |= ks.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IOException(file + ": holds no private key (a trust store?); a server needs its key and"
                        + " certificate: keytool -genkeypair or openssl pkcs12 -export");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf.getKeyManagers(), null, null);
            return new ServerTls(c);
        } catch (UnrecoverableKeyException e) {
            throw new IOException(file + ": the private key's password differs from the key store's", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot use its key: " + e.getMessage(), e);
        }
    }

    /** A new server-mode engine for one connection. @return the engine, not yet used */
    public SSLEngine newEngine() {
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(false);
        return e;
    }

    /** The context the engines come from. @return it */
    public SSLContext context() {
        return context;
    }
}
