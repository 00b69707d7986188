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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** ohttpd with its operations made plain or through LAIO: the same answers; only blocking differs. */
class OhttpdServerTest {
    @TempDir
    static Path root;
    static byte[] data;

    @BeforeAll
    static void site() throws Exception {
        Files.writeString(root.resolve("a.txt"), "tiny");
        data = new byte[3 << 20];
        new Random(3).nextBytes(data);
        Files.write(root.resolve("data.bin"), data);
    }

    /** An ohttpd serving on its own thread. */
    private static final class Running implements AutoCloseable {
        final OhttpdServer server;
        final Thread thread;

        Running(String laio) throws Exception {
            server = new OhttpdServer(InetAddress.getLoopbackAddress(), 0, root, OhttpdServer.Op.parse(laio));
            thread = Thread.ofPlatform().name("ohttpd").start(server::run);
        }

        @Override
        public void close() throws Exception {
            server.stop();
            thread.join(Duration.ofSeconds(20));
            assertTrue(!thread.isAlive(), "ohttpd stopped");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "accept,read,write,sendfile", "open,stat", "all"})
    void servesFilesAndRefusesWhatItShouldInEveryConfiguration(String laio) throws Exception {
        try (Running s = new Running(laio)) {
            try (RawHttp c = new RawHttp(s.server.port())) {
                RawHttp.Response r = c.send("GET /a.txt HTTP/1.0\r\n\r\n").read();
                assertEquals(200, r.status());
                assertEquals("tiny", r.text());
                assertTrue(c.closedByServer(), "one request per connection");
            }
            try (RawHttp c = new RawHttp(s.server.port())) {
                assertArrayEquals(data, c.send("GET /data.bin HTTP/1.0\r\n\r\n").read().body());
            }
            assertEquals(404, status(s, "GET /missing HTTP/1.0\r\n\r\n"));
            assertEquals(403, status(s, "GET /%2e%2e/etc/passwd HTTP/1.0\r\n\r\n"));
            assertEquals(405, status(s, "PUT /a.txt HTTP/1.0\r\n\r\n"));
            assertEquals(400, status(s, "nonsense\r\n\r\n"));
        }
    }

    private static int status(Running s, String raw) throws Exception {
        try (RawHttp c = new RawHttp(s.server.port())) {
            return c.send(raw).read().status();
        }
    }

    @Test
    void withPlainCallsAnIdleClientBlocksEveryoneElse() throws Exception {
        try (Running s = new Running("none"); RawHttp idle = new RawHttp(s.server.port())) {
            try (RawHttp other = new RawHttp(s.server.port())) {
                other.socket.setSoTimeout(1000);
                other.send("GET /a.txt HTTP/1.0\r\n\r\n");
                assertThrows(SocketTimeoutException.class, other::read, "the loop is blocked reading the idle client");
            }
            idle.close(); // its read returns 0: the loop goes on
            try (RawHttp later = new RawHttp(s.server.port())) {
                assertEquals(200, later.send("GET /a.txt HTTP/1.0\r\n\r\n").read().status());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"accept,read,write,sendfile", "all"})
    void withLaioNetworkCallsAnIdleClientBlocksNobody(String laio) throws Exception {
        try (Running s = new Running(laio); RawHttp idle = new RawHttp(s.server.port())) {
            for (int i = 0; i < 20; i++) {
                try (RawHttp other = new RawHttp(s.server.port())) {
                    other.socket.setSoTimeout(5000);
                    assertEquals(200, other.send("GET /a.txt HTTP/1.0\r\n\r\n").read().status());
                }
            }
        }
    }

    @Test
    void parsesTheOperationList() {
        assertEquals(Set.of(OhttpdServer.Op.ACCEPT, OhttpdServer.Op.SENDFILE), OhttpdServer.Op.parse("accept, sendfile"));
        assertEquals(Set.of(), OhttpdServer.Op.parse("none"));
        assertEquals(6, OhttpdServer.Op.parse("all").size());
        assertThrows(IllegalArgumentException.class, () -> OhttpdServer.Op.parse("fsync"));
    }
}
