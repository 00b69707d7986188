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

import io.laio.examples.LimitedChild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server runs out of descriptors ({@code ulimit -n} in a child process) while clients keep
 * connecting: accept fails with EMFILE, the server pauses accepting, keeps serving, and once
 * clients leave it accepts and answers the ones that waited in the backlog. The open-file cache,
 * filled first, never costs a connection its descriptor.
 */
class DescriptorExhaustionTest {
    private static final int FD_LIMIT = 256;
    private static final int CLIENTS = 400;
    /** Files asked for before the clients come: more than the limit leaves room for beside them. */
    private static final int FILES = 150;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO"})
    void atTheDerivedConnectionLimitNewcomersWaitAndAllAreServed(ServeMode mode) throws Exception {
        String log = run(mode, "0", false);
        assertFalse(log.contains("accept failed"), log);
    }

    @ParameterizedTest
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO"})
    void withoutALimitAcceptFailingWithEmfilePausesAndServingGoesOn(ServeMode mode) throws Exception {
        String log = run(mode, "-1", true);
        assertTrue(log.contains("accept failed"), "the server ran out of descriptors: " + log);
    }

    /**
     * Connects 400 idle clients to a server under ulimit -n 256, then has each in turn ask for a
     * file and leave; returns what the server logged.
     */
    private String run(ServeMode mode, String maxConnections, boolean exhaust) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        for (int i = 0; i < FILES; i++) {
            Files.writeString(root.resolve("f" + i + ".txt"), "file " + i);
        }
        List<RawHttp> clients = new ArrayList<>();
        LimitedChild server = new LimitedChild(FD_LIMIT, "thttpd", "--mode", mode.flag(), "--port", "0", "--root",
                root.toString(), "--max-connections", maxConnections);
        try (server) {
            int port = server.port();
            try (RawHttp warm = new RawHttp(port)) {
                // classes load from target/classes here, a file each: load the serving paths' classes
                // while descriptors remain (from the shaded jar, open already, nothing is needed)
                assertEquals(200, warm.request("/a.txt").status());
                assertEquals(404, warm.request("/missing").status());
                // the file cache (256 a loop by default) keeps at most half the descriptors kept for
                // files: these fill it, and the connections that come next still find theirs
                for (int i = 0; i < FILES; i++) {
                    assertEquals("file " + i, warm.request("/f" + i + ".txt").text());
                }
            }
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(new RawHttp(port)); // idle: the server holds a descriptor for each it accepts
                }
                server.awaitStderr("accept failed", exhaust ? 20 : 1);
                assertTrue(server.isAlive());
                // the clients accepted first were answered; each that leaves frees a descriptor for one
                // waiting in the backlog, which is then accepted and answered in turn. Accepted with no
                // descriptor left to open the file, a client is told 503 (retry) rather than left hanging.
                int ok = 0;
                for (int i = 0; i < clients.size(); i++) {
                    RawHttp c = clients.get(i);
                    int status;
                    try {
                        status = c.request("/a.txt").status();
                    } catch (IOException e) {
                        throw new AssertionError("client " + i + ", server alive " + server.isAlive() + ": " + server.stderr(), e);
                    }
                    assertTrue(status == 200 || (exhaust && status == 503), "client " + i + ": " + status);
                    ok += status == 200 ? 1 : 0;
                    c.close();
                }
                assertTrue(exhaust || ok == CLIENTS, ok + " of " + CLIENTS + " served");
                try (RawHttp fresh = new RawHttp(port)) {
                    assertEquals("hello", fresh.request("/a.txt").text());
                }
            } finally {
                for (RawHttp c : clients) {
                    c.close();
                }
            }
        }
        return server.stderr(); // all of it: the child has ended
    }

}
