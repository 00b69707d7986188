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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code --sync always}: every acknowledged mutation is fsynced first, and one fsync covers many. */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(KvIo.class)
class GroupCommitTest {
    @TempDir
    Path dir;

    @Parameter
    KvIo io;

    @Test
    void aMutationIsAcknowledgedOnlyAfterAnFsyncThatCoversIt() throws Exception {
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS, io); KvClient c = s.client()) {
            for (int i = 1; i <= 5; i++) {
                c.set("seq" + i, "v" + i);
                Map<String, String> st = c.stats();
                assertEquals(i, Long.parseLong(st.get("log_mutations")));
                assertEquals(i, Long.parseLong(st.get("log_acked")));
                assertTrue(Long.parseLong(st.get("log_fsyncs")) >= i, "one client, one mutation at a time: an fsync each " + st);
            }
            c.send("set nr 0 0 1 noreply\r\nx\r\n");
            c.call("get nr\r\n", "VALUE nr 0 1", "x", "END");
            Map<String, String> st = c.stats();
            assertTrue(Long.parseLong(st.get("log_fsyncs")) >= 6, "a reply after a noreply mutation waits for its fsync " + st);
            // the log's writes and fsyncs went through LAIO
            assertTrue(Long.parseLong(st.get("laio_write_calls")) >= Long.parseLong(st.get("log_writes")), st.toString());
            assertTrue(Long.parseLong(st.get("laio_fsync_calls")) >= Long.parseLong(st.get("log_fsyncs")), st.toString());
            assertTrue(Long.parseLong(st.get("laio_fsync_background")) >= 1, "fsync goes to a LAIO helper " + st);
        }
    }

    @Test
    void aFloodOfPipelinedNoreplyMutationsSharesFewWritesAndFsyncs() throws Exception {
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS, io); KvClient c = s.client()) {
            StringBuilder sb = new StringBuilder();
            int n = 20_000;
            for (int i = 0; i < n; i++) {
                String v = Integer.toString(i);
                sb.append("set flood").append(i % 100).append(" 0 0 ").append(v.length()).append(" noreply\r\n").append(v).append("\r\n");
            }
            c.send(sb.toString());
            assertEquals(Integer.toString(n - 1), c.get("flood" + ((n - 1) % 100)));
            Map<String, String> st = c.stats();
            assertEquals(n, Long.parseLong(st.get("log_mutations")));
            assertEquals(n, Long.parseLong(st.get("log_acked")), "the get waited for every mutation before it");
            assertTrue(Long.parseLong(st.get("log_fsyncs")) < n / 10, st.toString());
        }
    }

    @Test
    void concurrentClientsShareFsyncs() throws Exception {
        int clients = 8;
        int perClient = 40;
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS, io)) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            CyclicBarrier start = new CyclicBarrier(clients);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    try (KvClient c = s.client()) {
                        start.await();
                        for (int i = 0; i < perClient; i++) {
                            c.set("gc" + id + "-" + i, "value-" + i);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            try (KvClient c = s.client()) {
                Map<String, String> st = c.stats();
                long mutations = Long.parseLong(st.get("log_mutations"));
                long fsyncs = Long.parseLong(st.get("log_fsyncs"));
                assertEquals(clients * perClient, mutations);
                assertEquals(mutations, Long.parseLong(st.get("log_acked")));
                assertTrue(fsyncs >= 1 && fsyncs < mutations, "group commit: " + fsyncs + " fsyncs for " + mutations + " mutations");
                for (int t = 0; t < clients; t++) {
                    assertEquals("value-" + (perClient - 1), c.get("gc" + t + "-" + (perClient - 1)));
                }
            }
            assertTrue(s.server().logWrites() <= s.server().mutations());
        }
    }
}
