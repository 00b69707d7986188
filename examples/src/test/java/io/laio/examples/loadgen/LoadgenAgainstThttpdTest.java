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

import io.laio.examples.http.ServeMode;
import io.laio.examples.http.ThttpdServer;
import io.laio.examples.workload.DocRootWriter;
import io.laio.examples.workload.Profile;
import io.laio.examples.workload.TraceFile;
import io.laio.examples.workload.Workload;
import io.laio.examples.workload.WorkloadGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The load generator replaying a small rice trace against the project's own thttpd, in each mode. */
@Timeout(120)
class LoadgenAgainstThttpdTest {
    @TempDir
    Path dir;

    @Test
    void everyModeServesTheTraceWithNoErrorAndTheResultsLandInOneCsvJsonAndPlot() throws Exception {
        Workload w = WorkloadGenerator.generate(Profile.RICE.at(0.002), 5);
        DocRootWriter.write(w, dir.resolve("root"));
        TraceFile.write(w, dir.resolve("trace.txt"));
        Path csv = dir.resolve("r.csv");
        Path json = dir.resolve("r.json");
        Path plots = dir.resolve("plots");
        for (ServeMode mode : ServeMode.values()) {
            ThttpdServer server = new ThttpdServer(ThttpdServer.Options.of(mode).withRoot(dir.resolve("root")));
            Thread loop = Thread.ofPlatform().name("thttpd-" + mode).start(server::run);
            try {
                LoadgenCommandTest.Outcome o = LoadgenCommandTest.loadgen("--workload", dir.toString(), "--port",
                        Integer.toString(server.port()), "--clients", "1,16", "--label", mode.flag(), "--csv", csv.toString(),
                        "--json", json.toString(), "--plots", plots.toString(), "--no-progress");
                assertEquals(0, o.exit(), () -> mode + ": " + o.out() + o.err());
            } finally {
                server.stop();
                loop.join(Duration.ofSeconds(20));
            }
        }
        List<RunResult> rows = ResultTable.read(csv).rows();
        assertEquals(2 * ServeMode.values().length, rows.size());
        for (RunResult r : rows) {
            assertEquals(0, r.errors(), r::toString);
            assertEquals(w.requests().length, r.requests(), r::toString);
        }
        assertEquals(List.of("nb-b", "nb-b", "laio-laio", "laio-laio", "nb-laio", "nb-laio", "nb-amted", "nb-amted", "laio-uring", "laio-uring"),
                rows.stream().map(RunResult::label).toList());
        assertTrue(Files.size(plots.resolve(ResultPlots.THROUGHPUT)) > 1000);
        assertTrue(Files.readString(json).contains("\"label\": \"nb-amted\""));
    }
}
