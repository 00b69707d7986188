package io.laio.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kv out of descriptors ({@code ulimit -n} in a child process): accepting pauses rather than
 * spinning on the still-readable listener, the clients already in keep being served, and the
 * ones waiting in the backlog are accepted as descriptors come free.
 */
class KvDescriptorExhaustionTest {
    private static final int FD_LIMIT = 256;
    private static final int CLIENTS = 400;

    @TempDir
    Path dir;

    @Test
    void acceptFailingWithEmfilePausesAndEveryClientIsServedInTurn() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process server = new ProcessBuilder("bash", "-c", "ulimit -n " + FD_LIMIT + " && exec \"$0\" \"$@\"", java,
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), "io.laio.examples.Main",
                "kv", "--port", "0", "--dir", dir.toString()).start();
        StringBuilder err = new StringBuilder();
        CompletableFuture<Void> errReader = CompletableFuture.runAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    synchronized (err) {
                        err.append(l).append('\n');
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        List<KvClient> clients = new ArrayList<>();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("listening on "), "kv said " + first + "\n" + text(err));
            int port = Integer.parseInt(first.substring("listening on ".length()).strip());
            try (KvClient warm = new KvClient(port)) {
                warm.set("k", "v"); // load the serving paths' classes while descriptors remain
            }
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new KvClient(port)); // idle: kv holds a descriptor for each it accepts
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!text(err).contains("accept failed") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(text(err).contains("accept failed"), "kv ran out of descriptors: " + text(err));
            Thread.sleep(1000);
            long failures = text(err).lines().filter(l -> l.contains("accept failed")).count();
            assertTrue(failures <= 20, failures + " accept failures logged in about a second: it spins");
            for (int i = 0; i < clients.size(); i++) {
                KvClient c = clients.get(i);
                assertEquals("v", c.get("k"), "client " + i);
                c.close();
            }
            assertTrue(server.isAlive());
        } finally {
            for (KvClient c : clients) {
                c.close();
            }
            server.destroy();
            assertTrue(server.waitFor(10, TimeUnit.SECONDS));
            errReader.get(10, TimeUnit.SECONDS);
        }
    }

    private static String text(StringBuilder err) {
        synchronized (err) {
            return err.toString();
        }
    }
}
