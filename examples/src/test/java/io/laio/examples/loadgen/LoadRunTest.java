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

package io.laio.examples.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.examples.workload.DocRootWriter;
import io.laio.examples.workload.Profile;
import io.laio.examples.workload.Trace;
import io.laio.examples.workload.Workload;
import io.laio.examples.workload.WorkloadGenerator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LoadRunTest {
    @TempDir
    Path dir;

    private static LoadRun.Spec spec(int port, int clients, long maxRequests) {
        return new LoadRun.Spec(new InetSocketAddress("127.0.0.1", port), clients, true, maxRequests, null, Duration.ofSeconds(5));
    }

    @Test
    void aRequestBoundIsExactAndEveryStartedRequestIsAccountedFor() throws IOException {
        Workload w = WorkloadGenerator.generate(Profile.RICE.at(0.002), 3);
        DocRootWriter.write(w, dir);
        Trace t = Trace.of(w);
        try (JdkFileServer server = new JdkFileServer(dir, Map.of())) {
            for (int clients : new int[] {1, 7, 100}) {
                LoadRun run = new LoadRun(t, ServedFiles.expectedSizes(t, dir), spec(server.port(), clients, 123));
                RunResult r = run.run("b", "as-is", Progress.none());
                assertEquals(123, r.requests() + r.errors(), "clients " + clients);
                assertEquals(0, r.errors(), () -> run.errors().first().toString());
            }
        }
    }

    @Test
    void aCallbackThatThrowsStopsTheRunAsAnInternalErrorInsteadOfHangingIt() throws IOException {
        Workload w = WorkloadGenerator.generate(Profile.RICE.at(0.002), 3);
        DocRootWriter.write(w, dir);
        Trace t = Trace.of(w);
        try (JdkFileServer server = new JdkFileServer(dir, Map.of())) {
            // no expected sizes at all: looking one up after the first response throws
            LoadRun run = new LoadRun(t, new long[0], spec(server.port(), 4, 0));
            RunResult r = run.run("b", "as-is", Progress.none());
            assertEquals(1, run.errors().count(ErrorLog.Kind.INTERNAL), run.errors().first()::toString);
            assertTrue(r.errors() >= 1);
            assertTrue(r.requests() + r.errors() < t.requests().length);
        }
    }
}
