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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * thttpd's line at exit says how the connections were spread over its loops, so a benchmark's
 * server log shows whether one loop got most of them (and it says nothing of it on one loop).
 */
class ThttpdExitLineTest {
    @TempDir
    Path root;

    @Test
    void exitLineCountsTheConnectionsOfEachLoop() throws Exception {
        // hand-off gives connections out round robin, loop 0 first: three make [2, 1]
        String log = serve(3, "--loops", "2", "--accept", "handoff");
        assertTrue(log.contains("3 requests"), log);
        assertTrue(log.contains("connections per loop [2, 1]"), log);
    }

    @Test
    void oneLoopHasNoSpreadToTell() throws Exception {
        String log = serve(2, "--loops", "1");
        assertTrue(log.contains("2 requests"), log);
        assertTrue(log.contains("file cache 1 hits 1 misses"), "the second request's file came from the cache: " + log);
        assertEquals(-1, log.indexOf("connections per loop"), log);
    }

    /** Runs thttpd with {@code args}, makes {@code connections} connections of one request each, stops it; its output after the address. */
    private String serve(int connections, String... args) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.laio.examples.Main", "thttpd", "--mode", "laio-laio", "--port", "0", "--root", root.toString());
        pb.command().addAll(List.of(args));
        Process server = pb.redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String first;
            while ((first = out.readLine()) != null && !first.startsWith("listening on ")) {
                // a blocked-loop warning on a loaded machine may come first
            }
            assertTrue(first != null, "the server printed its address");
            int port = Integer.parseInt(first.substring("listening on ".length()).strip());
            for (int i = 0; i < connections; i++) {
                try (RawHttp c = new RawHttp(port)) {
                    assertEquals(200, c.request("/a.txt").status());
                }
            }
            server.toHandle().destroy(); // SIGTERM: the shutdown hook stops it and it prints its counts
            StringBuilder rest = new StringBuilder();
            for (String l; (l = out.readLine()) != null; ) {
                rest.append(l).append('\n');
            }
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
            return rest.toString();
        } finally {
            server.destroyForcibly();
        }
    }
}
