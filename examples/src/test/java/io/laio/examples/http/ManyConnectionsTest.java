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

import io.laio.examples.LimitedChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of keep-alive connections opened at once, then one request on each: every one is
 * answered. The server runs under {@code ulimit -n 4096} with the connection limit it derives
 * from it, which must leave room for 2,500 idle connections (a descriptor each; a file's
 * descriptor is needed only while a request is served); nb-amted, whose requests all wait on
 * helpers at once, also has more of them in progress than the server lends buffer sets to.
 * And connections idle between requests hold none of the pooled sets.
 */
class ManyConnectionsTest {
    private static final int FD_LIMIT = 4096;
    private static final int CLIENTS = 2500;

    @TempDir
    Path root;

    @ParameterizedTest
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO", "NB_AMTED"})
    void whenThousandsConnectAtOnceThenEveryOneIsAnswered(ServeMode mode) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        try (LimitedChild server = new LimitedChild(FD_LIMIT, "thttpd", "--mode", mode.flag(), "--port", "0", "--root",
                root.toString());
             ManyClients clients = new ManyClients(CLIENTS)) {
            assertEquals(CLIENTS, clients.connectAll(server.port(), 10), "connected");
            int answered = clients.askAll("/a.txt", 10);
            assertEquals(CLIENTS, answered, "answered; server: " + server.stderr());
            for (int i = 0; i < CLIENTS; i++) {
                assertEquals(200, clients.status(i), "client " + i);
            }
        }
    }

    /**
     * {@code --max-request-buffers 2}: six requests begun at once (their heads cut short, so each
     * would hold a set) get two sets between them; the other four wait, and once the heads are
     * whole all six are answered.
     */
    @ParameterizedTest
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO"})
    void whenRequestsOutnumberTheBufferSetsThenTheRestWaitAndAllAreAnswered(ServeMode mode) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        List<RawHttp> clients = new ArrayList<>();
        try (RunningServer s = new RunningServer(ThttpdServer.Options.of(mode).withRoot(root).withMaxRequestBuffers(2))) {
            try {
                for (int i = 0; i < 6; i++) {
                    RawHttp c = new RawHttp(s.port());
                    clients.add(c);
                    c.send("GET /a.txt HTTP/1.1\r\n");
                }
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (s.server.buffersMade() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                Thread.sleep(200); // time for a server without the bound to make a set for each of the six
                assertEquals(2, s.server.buffersMade(), "sets made for six requests begun at once");
                for (RawHttp c : clients) {
                    c.send("Host: x\r\n\r\n");
                }
                for (int i = 0; i < clients.size(); i++) {
                    assertEquals("hello", clients.get(i).read().text(), "client " + i);
                }
                assertEquals(2, s.server.buffersMade(), "sets made in all");
            } finally {
                for (RawHttp c : clients) {
                    c.close();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServeMode.class, names = {"NB_B", "LAIO_LAIO"})
    void whenKeepAliveConnectionsIdleThenTheyHoldNoRequestBuffers(ServeMode mode) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        List<RawHttp> idle = new ArrayList<>();
        try (RunningServer s = RunningServer.start(mode, root)) {
            try {
                for (int i = 0; i < 200; i++) {
                    RawHttp c = new RawHttp(s.port());
                    idle.add(c);
                    assertEquals("hello", c.request("/a.txt").text());
                }
                // a pipelined pair keeps the set for its second request, then gives it back too
                RawHttp c = idle.get(0);
                c.send(RawHttp.get("/a.txt") + RawHttp.get("/a.txt"));
                assertEquals("hello", c.read().text());
                assertEquals("hello", c.read().text());
                assertEquals(200, s.server.connectionCount());
                assertTrue(s.server.buffersMade() <= 2, "sets made for 200 connections served one after another: "
                        + s.server.buffersMade());
            } finally {
                for (RawHttp c : idle) {
                    c.close();
                }
            }
        }
    }
}
