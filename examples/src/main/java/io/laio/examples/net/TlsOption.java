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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --tls KEYSTORE.p12} and its password, shared by the servers that speak TLS through the
 * buffered connection's filter (thttpd, echo, proxy; a picocli mixin). The password is the first
 * line of {@code --tls-password-file}, else {@code --tls-password} (which {@code ps} shows to
 * every user of the machine), else {@code $LAIO_TLS_PASSWORD}, else empty.
 */
public final class TlsOption {
    /** The environment variable read for the password when no option gives it. */
    public static final String PASSWORD_ENV = "LAIO_TLS_PASSWORD";

    @Option(names = "--tls", paramLabel = "KEYSTORE.p12",
            description = "serve TLS with the private key and certificate chain in this PKCS#12 file (keytool"
                    + " -genkeypair -storetype PKCS12, or openssl pkcs12 -export)")
    Path keyStore;

    @Option(names = "--tls-password-file", paramLabel = "FILE",
            description = "a file whose first line is the PKCS#12 file's password")
    Path passwordFile;

    @Option(names = "--tls-password", paramLabel = "PASSWORD",
            description = "the PKCS#12 file's password (visible in ps: prefer --tls-password-file or $" + PASSWORD_ENV
                    + "; default: that variable, else none)")
    String password;

    /** Whether {@code --tls} was given. @return that */
    public boolean enabled() {
        return keyStore != null;
    }

    /**
     * The identity {@code --tls} names, loaded.
     *
     * @param check the command's checks: every problem is refused by them in one line (exit 2)
     * @return it, or {@code null} without {@code --tls}
     */
    public ServerTls load(Check check) {
        if (keyStore == null) {
            if (password != null || passwordFile != null) {
                throw check.fail("--tls-password" + (password != null ? "" : "-file") + " without --tls");
            }
            return null;
        }
        if (!Files.exists(keyStore)) {
            throw check.fail("--tls " + keyStore + ": no such file");
        }
        if (!Files.isRegularFile(keyStore)) {
            throw check.fail("--tls " + keyStore + " is not a file");
        }
        char[] p = password(check).toCharArray();
        try {
            return ServerTls.fromPkcs12(keyStore, p);
        } catch (IOException e) {
            throw check.fail("--tls " + e.getMessage());
        } finally {
            Arrays.fill(p, '\0');
        }
    }

    private String password(Check check) {
        if (passwordFile != null) {
            try {
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                return lines.isEmpty() ? "" : lines.get(0);
            } catch (IOException | UncheckedIOException e) {
                throw check.fail("--tls-password-file " + passwordFile + ": cannot read it (" + e.getMessage() + ")");
            }
        }
        return password != null ? password : System.getenv().getOrDefault(PASSWORD_ENV, "");
    }
}
