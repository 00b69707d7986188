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

import io.laio.examples.LimitedChild;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    /** Each loop's listener pauses on its own (about 10 failures a second each). */
    private static final int LOOPS = 2;

    @TempDir
    Path dir;

    @Test
    void acceptFailingWithEmfilePausesAndEveryClientIsServedInTurn() throws Exception {
        List<KvClient> clients = new ArrayList<>();
        try (LimitedChild server = new LimitedChild(FD_LIMIT, "kv", "--port", "0", "--loops", Integer.toString(LOOPS),
                "--dir", dir.toString())) {
            int port = server.port();
            try (KvClient warm = new KvClient(port)) {
                warm.set("k", "v"); // load the serving paths' classes while descriptors remain
            }
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(new KvClient(port)); // idle: kv holds a descriptor for each it accepts
                }
                assertTrue(server.awaitStderr("accept failed", 20), "kv ran out of descriptors: " + server.stderr());
                Thread.sleep(1000);
                long failures = server.stderr().lines().filter(l -> l.contains("accept failed")).count();
                assertTrue(failures <= 20 * LOOPS, failures + " accept failures logged in about a second: it spins");
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
            }
        }
    }
}
