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

import io.laio.examples.Check;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --tls KEYSTORE.p12} and {@code --tls-password}, shared by the servers that can speak
 * TLS through the buffered connection's filter (a picocli mixin).
 */
public final class TlsOption {
    /** The environment variable read for the password when {@code --tls-password} is absent (a command line shows in {@code ps}). */
    public static final String PASSWORD_ENV = "LAIO_TLS_PASSWORD";

    @Option(names = "--tls", paramLabel = "KEYSTORE.p12",
            description = "serve TLS with the key and certificate chain in this PKCS#12 file (keytool -genkeypair"
                    + " -storetype PKCS12, or openssl pkcs12 -export)")
    Path keyStore;

    @Option(names = "--tls-password", paramLabel = "PASSWORD",
            description = "the PKCS#12 file's password (default: $" + PASSWORD_ENV + ", else none)")
    String password;

    /** Whether {@code --tls} was given. @return that */
    public boolean enabled() {
        return keyStore != null;
    }

    /**
     * The identity {@code --tls} names, loaded.
     *
     * @param check the command's checks, to refuse a missing file by its option
     * @return it, or {@code null} without {@code --tls}
     * @throws IOException if the file cannot be used (a wrong password, not PKCS#12, no key)
     */
    public ServerTls load(Check check) throws IOException {
        if (keyStore == null) {
            if (password != null) {
                throw check.fail("--tls-password without --tls");
            }
            return null;
        }
        if (!Files.isRegularFile(keyStore)) {
            throw check.fail("--tls " + keyStore + (Files.exists(keyStore) ? " is not a file" : " does not exist"));
        }
        String p = password != null ? password : System.getenv().getOrDefault(PASSWORD_ENV, "");
        return ServerTls.fromPkcs12(keyStore, p.toCharArray());
    }
}
