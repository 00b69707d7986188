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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The access log is off by default; {@code --access-log} writes a line per response through slf4j. */
class AccessLogTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void accessLogLinesAppearOnlyWhenAskedFor(boolean enabled) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.laio.examples.Main", "thttpd", "--mode", "nb-laio", "--port", "0", "--root", root.toString());
        if (enabled) {
            pb.command().add("--access-log");
        }
        Process server = pb.redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            // a loaded machine may hold the starting loop past the blocked-loop threshold: that
            // warning (and its stack) may come before the address, and is no access-log line
            String first;
            while ((first = out.readLine()) != null && !first.startsWith("listening on ")) {
                assertFalse(first.contains("\"GET "), "an access-log line before any request: " + first);
            }
            assertTrue(first != null, "the server printed its address");
            int port = Integer.parseInt(first.substring("listening on ".length()).strip());
            int pageBytes;
            try (RawHttp c = new RawHttp(port)) {
                assertEquals(200, c.request("/a.txt").status());
                RawHttp.Response missing = c.request("/missing");
                assertEquals(404, missing.status());
                pageBytes = missing.body().length;
            }
            try (RawHttp bad = new RawHttp(port)) {
                assertEquals(400, bad.send("GET\r\n\r\n").read().status(), "a first head refused before its target");
            }
            try (RawHttp c = new RawHttp(port)) {
                assertEquals(200, c.request("/a.txt").status(), "the server logged the refusal and serves on");
            }
            server.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its output)
            StringBuilder rest = new StringBuilder();
            for (String l; (l = out.readLine()) != null; ) {
                rest.append(l).append('\n');
            }
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
            String log = rest.toString();
            assertTrue(log.contains("4 requests"), log);
            assertEquals(enabled, log.contains("\"- - HTTP/1.1\" 400"), log);
            assertEquals(enabled, log.contains("\"GET /a.txt HTTP/1.1\" 200 5"), log);
            assertEquals(enabled, log.contains("\"GET /missing HTTP/1.1\" 404 " + pageBytes + "\n"), log
                    + "(an error after a file on the same connection logs its own page's bytes)");
            assertFalse(log.contains("Exception"), log);
        } finally {
            server.destroyForcibly();
        }
    }
}
