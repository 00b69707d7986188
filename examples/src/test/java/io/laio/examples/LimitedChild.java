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

package io.laio.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A sub-command of the examples' {@code Main} run as a child JVM under {@code ulimit -n}, for
 * tests of what a server does when it runs out of descriptors: its stderr is collected as it
 * comes, and its first stdout line ({@code listening on PORT}) gives the port.
 */
public final class LimitedChild implements AutoCloseable {
    private final Process process;
    private final StringBuilder err = new StringBuilder();
    private final CompletableFuture<Void> errReader;
    private final int port;

    public LimitedChild(int fdLimit, String... mainArgs) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + fdLimit + " && exec \"$0\" \"$@\"", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.laio.examples.Main"));
        cmd.addAll(List.of(mainArgs));
        process = new ProcessBuilder(cmd).start();
        errReader = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (err) {
                        err.append(l).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (first == null || !first.startsWith("listening on ")) {
            process.destroyForcibly();
            throw new IOException("the child said " + first + "\n" + stderr());
        }
        port = Integer.parseInt(first.substring("listening on ".length()).strip());
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the child wrote to stderr so far. */
    public String stderr() {
        synchronized (err) {
            return err.toString();
        }
    }

    /** Waits up to {@code seconds} for {@code text} to appear on stderr; whether it did. */
    public boolean awaitStderr(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!stderr().contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return stderr().contains(text);
    }

    /** SIGTERM, and its end within 10 s; false if it did not end. */
    @Override
    public void close() throws Exception {
        process.destroy();
        boolean ended = process.waitFor(10, TimeUnit.SECONDS);
        errReader.get(10, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
            throw new AssertionError("the child did not end within 10 s of SIGTERM");
        }
    }
}
