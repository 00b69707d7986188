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

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A client that pipelines requests and never reads its replies is held back: the server stops
 * reading from it once its replies back up, so what the server reads (and holds) stays bounded,
 * and other clients are served meanwhile.
 */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(KvIo.class)
class KvBackPressureTest {
    /** More than the socket buffers and the server's caps together, by far. */
    private static final long FLOOD = 32L << 20;
    private static final long BOUND = 12L << 20;

    @TempDir
    Path dir;

    @Parameter
    KvIo io;

    @Test
    void aClientThatNeverReadsIsHeldBackAndOthersAreServed() throws Exception {
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER, io); KvClient c = s.client();
                Socket flooder = new Socket()) {
            c.set("v", "x".repeat(100));
            long before = Long.parseLong(c.stats().get("bytes_read"));
            flooder.connect(new InetSocketAddress("127.0.0.1", s.port()), 5_000);
            AtomicLong sent = new AtomicLong();
            Thread t = Thread.ofPlatform().daemon().start(() -> {
                byte[] chunk = "get v\r\n".repeat(9362).getBytes(StandardCharsets.US_ASCII); // ~64 KiB
                try {
                    OutputStream out = flooder.getOutputStream();
                    while (sent.get() < FLOOD) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (Exception e) {
                    // closed at the end of the test
                }
            });
            // wait until the flood stalls (the server stopped reading), then check it stays stalled
            long last = -1;
            for (int i = 0; i < 100 && sent.get() != last; i++) {
                last = sent.get();
                Thread.sleep(200);
            }
            Thread.sleep(1000);
            long read = Long.parseLong(c.stats().get("bytes_read")) - before;
            assertTrue(sent.get() < FLOOD, "the flooder sent everything: the server read without bound (" + read + " B)");
            assertTrue(read < BOUND, "the server read " + read + " B from a client that reads nothing");
            // another client is served all along
            for (int i = 0; i < 20; i++) {
                c.set("other" + i, "value" + i);
                assertEquals("value" + i, c.get("other" + i));
            }
            flooder.close();
            t.join(10_000);
        }
    }
}
