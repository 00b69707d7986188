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

package io.laio.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libmemcached's own tools against the server: {@code memcapable -a} (ASCII protocol
 * conformance) and {@code memcaslap} (load with value verification). Debian names the first
 * {@code memccapable}; the package is libmemcached-tools, installed here if absent.
 */
@Timeout(180)
class MemcachedToolsTest {
    private static final Logger LOG = LoggerFactory.getLogger(MemcachedToolsTest.class);
    private static String memcapable;
    private static String memcaslap;

    @TempDir
    Path dir;

    @BeforeAll
    static void findOrInstallTools() throws Exception {
        memcapable = which("memcapable", "memccapable").orElse(null);
        memcaslap = which("memcaslap", "memaslap").orElse(null);
        if (memcapable == null || memcaslap == null) {
            String why = install();
            memcapable = which("memcapable", "memccapable").orElse(null);
            memcaslap = which("memcaslap", "memaslap").orElse(null);
            if (memcapable == null || memcaslap == null) {
                String reason = "libmemcached-tools (memcapable, memcaslap) not installed and could not be installed: " + why;
                LOG.warn("skipping: {}", reason);
                Assumptions.abort(reason);
            }
        }
    }

    private static Optional<String> which(String... names) {
        for (String dirName : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            for (String n : names) {
                File f = new File(dirName, n);
                if (f.canExecute()) {
                    return Optional.of(f.getPath());
                }
            }
        }
        return Optional.empty();
    }

    private static String install() {
        try {
            Run update = run(List.of("apt-get", "update"), 120);
            Run install = run(List.of("apt-get", "install", "-y", "libmemcached-tools"), 180);
            return "apt-get update exited " + update.code + ", apt-get install exited " + install.code + ": " + tail(install.output);
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }

    private static String tail(String s) {
        return s.length() > 500 ? s.substring(s.length() - 500) : s;
    }

    record Run(int code, String output) {
    }

    private static Run run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            return new Run(-1, "timed out after " + timeoutSeconds + " s: " + cmd);
        }
        reader.join(5_000);
        return new Run(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }

    @Test
    void memcapablePassesInAsciiMode() throws Exception {
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS)) {
            Run r = run(List.of(memcapable, "-h", "127.0.0.1", "-p", Integer.toString(s.port()), "-a", "-t", "5"), 60);
            LOG.info("memcapable -a:\n{}", r.output);
            assertEquals(0, r.code, r.output);
            assertTrue(r.output.contains("All tests passed"), r.output);
            assertTrue(!r.output.contains("[FAIL]"), r.output);
        }
    }

    @Test
    void memcaslapRunsWithoutErrorsAndEveryVerifiedValueMatches() throws Exception {
        // a fixed number of operations (about 10 % sets): the same work, and memory to spare, on any machine
        try (KvTestServer s = new KvTestServer(dir, SyncMode.INTERVAL, 128L << 20, 1 << 20, false)) {
            Run r = run(List.of(memcaslap, "-s", "127.0.0.1:" + s.port(), "-x", "100000", "-T", "2", "-c", "16", "-v", "0.2"), 90);
            LOG.info("memcaslap:\n{}", r.output);
            assertEquals(0, r.code, r.output);
            assertEquals(0, stat(r.output, "verify_failed"), r.output);
            assertEquals(0, stat(r.output, "verify_misses"), r.output);
            assertEquals(0, stat(r.output, "get_misses"), r.output);
            assertTrue(stat(r.output, "cmd_get") > 50_000 && stat(r.output, "cmd_set") > 5_000, r.output);
            assertTrue(!r.output.toLowerCase(Locale.ROOT).contains("error"), r.output);
        }
    }

    private static long stat(String output, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ": (\\d+)").matcher(output);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in memcaslap's output:\n" + output);
        }
        return Long.parseLong(m.group(1));
    }
}
