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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.examples.workload.DocRootWriter;
import io.laio.examples.workload.Profile;
import io.laio.examples.workload.Trace;
import io.laio.examples.workload.TraceFile;
import io.laio.examples.workload.Workload;
import io.laio.examples.workload.WorkloadGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The load generator against a real HTTP server (the JDK's) over loopback. */
@Timeout(60)
class LoadgenCommandTest {
    @TempDir
    static Path workload;
    static Workload w;
    static Trace trace;

    @TempDir
    Path out;

    @BeforeAll
    static void writeWorkload() throws IOException {
        w = WorkloadGenerator.generate(Profile.RICE.at(0.005), 11);
        DocRootWriter.write(w, workload.resolve("root"));
        TraceFile.write(w, workload.resolve("trace.txt"));
        trace = TraceFile.read(workload.resolve("trace.txt"));
    }

    record Outcome(int exit, String out, String err) {
    }

    static Outcome loadgen(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = new CommandLine(new LoadgenCommand());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int exit = cl.execute(args);
        return new Outcome(exit, o.toString(), e.toString());
    }

    static long transferred() {
        long sum = 0;
        for (int r : w.requests()) {
            sum += w.sizes()[r];
        }
        return sum;
    }

    static List<RunResult> csvRows(Path csv) throws IOException {
        return ResultTable.read(csv).rows();
    }

    @Test
    void aSweepAgainstTheJdkFileServerHasNoErrorsAndWritesCsvJsonAndPlots() throws IOException {
        Path csv = out.resolve("results.csv");
        Path json = out.resolve("results.json");
        Path plots = out.resolve("plots");
        try (JdkFileServer server = new JdkFileServer(workload.resolve("root"), Map.of())) {
            Outcome o = loadgen("--workload", workload.toString(), "--port", Integer.toString(server.port()), "--clients", "1,16",
                    "--label", "jdk", "--csv", csv.toString(), "--json", json.toString(), "--plots", plots.toString(), "--no-progress");
            assertEquals(0, o.exit(), () -> o.out() + o.err());
            assertEquals(2L * trace.requests().length, server.requests(), "every trace request reached the server, once per run");
            assertEquals(trace.sessions(), server.sequentialConnections(0, trace.requests().length),
                    "one client, one persistent connection per session");
        }
        List<RunResult> rows = csvRows(csv);
        assertEquals(2, rows.size());
        for (RunResult r : rows) {
            assertEquals("jdk", r.label());
            assertEquals(trace.requests().length, r.requests());
            assertEquals(0, r.errors());
            assertEquals(transferred(), r.bytes(), "body bytes are the trace's files' sizes");
            assertTrue(r.mbps() > 0 && r.rps() > 0 && r.meanMs() > 0 && r.p50Ms() <= r.p90Ms() && r.p90Ms() <= r.p99Ms()
                    && r.p99Ms() <= r.maxMs(), r::toString);
        }
        assertEquals(List.of(1, 16), rows.stream().map(RunResult::clients).toList());
        String js = Files.readString(json);
        assertTrue(js.trim().startsWith("[") && js.trim().endsWith("]"), js);
        assertEquals(2, js.split("\"label\": \"jdk\"", -1).length - 1, js);
        assertTrue(js.contains("\"clients\": 16") && js.contains("\"errors\": 0"), js);
        assertPng(plots.resolve(ResultPlots.THROUGHPUT));
        assertPng(plots.resolve(ResultPlots.RESPONSE_TIME));

        // a second server (here: the same one without keep-alive) lands in the same CSV and plots
        try (JdkFileServer server = new JdkFileServer(workload.resolve("root"), Map.of())) {
            Outcome o = loadgen("--workload", workload.toString(), "--port", Integer.toString(server.port()), "--clients", "1",
                    "--no-keepalive", "--label", "jdk-close", "--csv", csv.toString(), "--json", json.toString(), "--plots",
                    plots.toString(), "--no-progress");
            assertEquals(0, o.exit(), () -> o.out() + o.err());
            assertEquals(trace.requests().length, server.sequentialConnections(0, trace.requests().length),
                    "one connection per request");
        }
        rows = csvRows(csv);
        assertEquals(List.of("jdk", "jdk", "jdk-close"), rows.stream().map(RunResult::label).toList());
        assertEquals(3, Files.readString(json).split("\"label\"", -1).length - 1);
        assertPng(plots.resolve(ResultPlots.THROUGHPUT));

        // --replot draws the plots of rows already in a CSV (medians of several runs, say) and runs nothing
        Path again = out.resolve("replot");
        assertEquals(0, loadgen("--replot", "--csv", csv.toString(), "--plots", again.toString()).exit());
        assertPng(again.resolve(ResultPlots.THROUGHPUT));
        assertPng(again.resolve(ResultPlots.RESPONSE_TIME));
    }

    private static void assertPng(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        assertTrue(b.length > 1000, p + " is " + b.length + " bytes");
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(b, 4), p + " is no PNG");
    }

    /** The paths of the first two different files the trace requests, and how often each is. */
    private static String[] twoPaths() {
        String a = trace.paths()[trace.requests()[0]];
        String b = null;
        for (int r : trace.requests()) {
            if (!trace.paths()[r].equals(a)) {
                b = trace.paths()[r];
                break;
            }
        }
        return new String[] {a, b};
    }

    private static long count(String path) {
        return Arrays.stream(trace.requests()).filter(r -> trace.paths()[r].equals(path)).count();
    }

    @Test
    void aWrongContentLengthAndA404AreCountedAsErrorsAndFailTheRun() throws IOException {
        String[] p = twoPaths();
        byte[] notFound = "no such file".getBytes(StandardCharsets.US_ASCII);
        Map<String, JdkFileServer.Fault> faults = Map.of(
                p[0], ex -> {
                    ex.sendResponseHeaders(404, notFound.length);
                    try (OutputStream os = ex.getResponseBody()) {
                        os.write(notFound);
                    }
                },
                p[1], ex -> { // a body one byte short of the file, honestly framed
                    byte[] body = Files.readAllBytes(workload.resolve("root").resolve(p[1].substring(1)));
                    ex.sendResponseHeaders(200, body.length - 1);
                    try (OutputStream os = ex.getResponseBody()) {
                        os.write(body, 0, body.length - 1);
                    }
                });
        Path csv = out.resolve("r.csv");
        try (JdkFileServer server = new JdkFileServer(workload.resolve("root"), faults)) {
            Outcome o = loadgen("--workload", workload.toString(), "--port", Integer.toString(server.port()), "--clients", "8",
                    "--label", "liar", "--csv", csv.toString(), "--no-progress");
            assertEquals(1, o.exit(), () -> o.out() + o.err());
            assertTrue(o.err().contains("GET " + p[0] + ": status 404"), o.err());
            assertTrue(o.err().contains("GET " + p[1] + ": Content-Length"), o.err());
            assertTrue(o.err().contains((count(p[0]) + count(p[1])) + " requests failed"), o.err());
        }
        RunResult r = csvRows(csv).get(0);
        assertEquals(count(p[0]) + count(p[1]), r.errors());
        assertEquals(trace.requests().length - r.errors(), r.requests());
    }

    @Test
    void boundsStopTheRunAndWarmAndColdRunsComplete() throws IOException {
        try (JdkFileServer server = new JdkFileServer(workload.resolve("root"), Map.of())) {
            String port = Integer.toString(server.port());
            Path csv = out.resolve("r.csv");
            Outcome warm = loadgen("--workload", workload.toString(), "--port", port, "--clients", "3", "--requests", "100",
                    "--warm", "--csv", csv.toString(), "--no-progress");
            assertEquals(0, warm.exit(), () -> warm.out() + warm.err());
            assertTrue(warm.out().contains("warm-up"), warm.out());
            assertEquals(100 * LoadgenCommand.WARM_REPLAYS + 100, server.requests(), "100 per warm-up replay, 100 measured");
            assertEquals(100, csvRows(csv).get(0).requests());
            assertEquals("warm", csvRows(csv).get(0).cache());

            Outcome cold = loadgen("--workload", workload.toString(), "--port", port, "--clients", "2", "--requests", "50", "--cold",
                    "--label", "cold", "--csv", csv.toString());
            assertEquals(0, cold.exit(), () -> cold.out() + cold.err());
            assertTrue(cold.out().contains("dropped " + w.paths().length + " files"), cold.out());
            assertEquals("cold", csvRows(csv).get(1).cache());

            // --warm with --cold: one replay warms the server, then the page cache is dropped before the run
            long before = server.requests();
            Outcome both = loadgen("--workload", workload.toString(), "--port", port, "--clients", "2", "--requests", "50", "--cold",
                    "--warm", "--label", "both", "--csv", csv.toString(), "--no-progress");
            assertEquals(0, both.exit(), () -> both.out() + both.err());
            assertTrue(both.out().indexOf("warm-up") < both.out().indexOf("dropped "), both.out());
            assertEquals(50 * LoadgenCommand.WARM_REPLAYS + 50, server.requests() - before, "50 per warm-up replay, 50 measured");
            assertEquals("cold", csvRows(csv).get(2).cache());
        }
    }

    @Test
    void aDurationBoundEndsARunAgainstASlowServer() throws IOException {
        Map<String, JdkFileServer.Fault> slow = new HashMap<>();
        for (String path : trace.paths()) {
            slow.put(path, ex -> {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = Files.readAllBytes(workload.resolve("root").resolve(ex.getRequestURI().getPath().substring(1)));
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(body);
                }
            });
        }
        try (JdkFileServer server = new JdkFileServer(workload.resolve("root"), slow)) {
            long t0 = System.nanoTime();
            Outcome o = loadgen("--workload", workload.toString(), "--port", Integer.toString(server.port()), "--clients", "2",
                    "--duration", "0.5", "--no-progress");
            double secs = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, o.exit(), () -> o.out() + o.err());
            assertTrue(server.requests() < trace.requests().length / 2, "requests: " + server.requests());
            assertTrue(secs < 5, "took " + secs + " s");
        }
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, loadgen("--port", "1").exit());
        assertEquals(2, loadgen("--workload", workload.toString()).exit(), "no --port");
        assertEquals(2, loadgen("--replot", "--plots", workload.resolve("p").toString()).exit(), "--replot without --csv");
        assertEquals(2, loadgen("--workload", workload.toString(), "--port", "1", "--label", "a,b").exit());
        assertEquals(2, loadgen("--workload", workload.resolve("nowhere").toString(), "--port", "1").exit(), "no trace there");
        assertEquals(2, loadgen("--workload", workload.toString(), "--port", "0").exit());
    }
}
