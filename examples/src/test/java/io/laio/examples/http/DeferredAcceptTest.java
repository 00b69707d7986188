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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --defer-accept}: laio-laio's listener takes a connection once its first bytes are there
 * (TCP_DEFER_ACCEPT): a connection that has said nothing holds no slot of the server yet, and is
 * served as soon as it speaks, or taken after the kernel's defer period if it stays silent.
 * Without it a connection is taken at once, as before.
 */
class DeferredAcceptTest {
    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aDeferringListenerTakesAConnectionWithItsFirstRequest(boolean defer) throws Exception {
        Files.writeString(root.resolve("a.txt"), "hello");
        ThttpdServer.Options o = ThttpdServer.Options.of(ServeMode.LAIO_LAIO).withRoot(root).withDeferAccept(defer);
        try (RunningServer s = new RunningServer(o); RawHttp c = new RawHttp(s.port())) {
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!defer && s.server.accepted() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            Thread.sleep(defer ? 300 : 0); // far longer than an accept at connect time takes (loopback, an idle loop)
            assertEquals(defer ? 0 : 1, s.server.accepted(), defer ? "nothing taken before the client spoke" : "taken at connect");
            assertEquals(200, c.request("/a.txt").status());
            assertEquals(1, s.server.accepted());
        }
    }

    @Test
    void onlyLaioLaioDefers() {
        for (ServeMode m : ServeMode.values()) {
            if (m != ServeMode.LAIO_LAIO) {
                assertThrows(IllegalArgumentException.class, () -> ThttpdServer.Options.of(m).withDeferAccept(true), m.flag());
            }
        }
    }

    @Test
    void aSilentConnectionIsTakenAfterTheDeferPeriodAndTimesOutAsBefore() throws Exception {
        ThttpdServer.Options o = ThttpdServer.Options.of(ServeMode.LAIO_LAIO).withRoot(root).withDeferAccept(true)
                .withTimeouts(java.time.Duration.ofMillis(300), java.time.Duration.ofMillis(300));
        try (RunningServer s = new RunningServer(o); RawHttp silent = new RawHttp(s.port())) {
            long t0 = System.nanoTime();
            assertTrue(silent.closedByServer(), "closed by the idle timeout once taken");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 10_000, "taken within the defer period and its retransmission, then timed out: " + ms + " ms");
            assertEquals(1, s.server.accepted());
        }
    }
}
