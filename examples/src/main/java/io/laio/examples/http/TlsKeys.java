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

/**
 * The server's key and certificate chain for {@code thttpd --tls}: a PKCS12 keystore (what
 * {@code keytool -genkeypair -storetype PKCS12} and {@code openssl pkcs12 -export} write) made
 * into a TLS {@link SSLContext} of the JDK's provider. The keystore's password is the key's
 * (as keytool and openssl write them). Every failure is one sentence naming the file.
 */
public final class TlsKeys {
    private TlsKeys() {}

    /**
     * The server context of the keystore at {@code file}.
     *
     * @param file     a PKCS12 keystore holding one private key entry (the first one found is used)
     * @param password its password (an empty one for a keystore written without)
     * @return a TLS context whose engines present that key and its chain
     * @throws IOException with a one-line reason: missing or unreadable, not a keystore, wrong
     *                     password, no private key in it
     */
    public static SSLContext serverContext(Path file, char[] password) throws IOException {
        KeyStore ks;
        try {
            ks = KeyStore.getInstance("PKCS12");
        } catch (KeyStoreException e) {
            throw new IOException("no PKCS12 keystore support in this JDK: " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new IOException(file + ": wrong password (give it with --tls-password-file or "
                        + ThttpdCommand.TLS_PASSWORD_ENV + ")", e);
            }
            throw new IOException(file + ": not a PKCS12 keystore, or a wrong password (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot read the keystore: " + e.getMessage(), e);
        }
        try {
            boolean hasKey = false;
            for (String alias : Collections.list(ks.aliases())) {
                hasKey |= ks.isKeyEntry(alias);
            }
            if (!hasKey) {
                throw new IOException(file + ": holds no private key (a trust store?); make one with keytool -genkeypair "
                        + "or openssl pkcs12 -export");
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (UnrecoverableKeyException e) {
            throw new IOException(file + ": the private key's password differs from the keystore's", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }
}
