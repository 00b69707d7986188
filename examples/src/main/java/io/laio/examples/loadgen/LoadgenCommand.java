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

import io.laio.examples.Check;
import io.laio.examples.Main;
import io.laio.examples.workload.Trace;
import io.laio.examples.workload.TraceFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code loadgen}: replays a trace's sessions against an HTTP server with N concurrent clients
 * on one event loop, for each N of a sweep; verifies every response (status 200 and a
 * Content-Length equal to the file's size in the document root) and reports throughput and
 * response times; writes CSV, JSON and PNG plots. Exit code 1 when any request failed.
 */
@Command(name = "loadgen", mixinStandardHelpOptions = true, sortOptions = false, exitCodeOnExecutionException = 2,
        description = {"Replays a workload trace against an HTTP server: N concurrent clients on one",
            "laio event loop, one persistent connection per session, every response checked",
            "(status 200, Content-Length = the file's size in the document root).",
            "Exit code: 0 all responses correct, 1 some requests failed, 2 bad usage or set-up."})
public final class LoadgenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--workload", paramLabel = "DIR", description = "Directory written by 'workload': DIR/trace.txt and DIR/root.")
    Path workload;

    @Option(names = "--trace", paramLabel = "FILE", description = "Trace file (default: DIR/trace.txt).")
    Path traceFile;

    @Option(names = "--root", paramLabel = "DIR", description = "Document root the server serves (default: DIR/root).")
    Path root;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server address (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", description = "Server port, 1..65535 (required unless --replot).")
    Integer port;

    @Option(names = "--clients", split = ",", defaultValue = "64", paramLabel = "N",
            description = "Concurrent clients; a list sweeps, e.g. 1,16,64,256,512 (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--no-keepalive", description = "One connection per request instead of one per session.")
    boolean noKeepAlive;

    @Option(names = "--cold", description = "Before each run: sync, then drop every file of the root from the page cache (posix_fadvise DONTNEED).")
    boolean cold;

    static final int WARM_REPLAYS = 3;

    @Option(names = "--warm", description = "Replay the trace three times (with the largest client count) before the measured runs, "
            + "enough for this load generator's JIT and a Java server's to settle; with --cold, the replays warm the server "
            + "(a JIT, its own caches) and the page cache is dropped after them.")
    boolean warm;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop starting requests after this long, per run.")
    Double duration;

    @Option(names = "--requests", paramLabel = "N", description = "Stop after this many requests, per run.")
    long maxRequests;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "A request with no byte for this long fails (default: ${DEFAULT-VALUE}).")
    double timeout;

    @Option(names = "--label", defaultValue = "server", description = "Names the server and mode in the results (default: ${DEFAULT-VALUE}).")
    String label;

    @Option(names = "--csv", paramLabel = "FILE", description = "Results as CSV, one row per (label, clients); rows of other runs in it are kept.")
    Path csv;

    @Option(names = "--json", paramLabel = "FILE", description = "The same rows as JSON.")
    Path json;

    @Option(names = "--plots", paramLabel = "DIR", description = "Writes DIR/throughput.png and DIR/response-time.png, one line per label.")
    Path plots;

    @Option(names = "--no-progress", description = "No progress on stderr (a bar on a terminal, else a line every "
            + "5 seconds).")
    boolean noProgress;

    @Option(names = "--replot", description = "Run nothing: draw --plots from the rows already in --csv (e.g. medians of several runs).")
    boolean replot;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if (replot) {
            return replotOnly(spec.commandLine().getOut(), err);
        }
        String problem = checkUsage();
        if (problem != null) {
            throw Check.of(spec).fail(problem);
        }
        try {
            return replay(spec.commandLine().getOut(), err);
        } catch (IOException | java.io.UncheckedIOException e) {
            // a trace, root, page-cache or result file problem: a set-up failure, not a server's
            err.println(spec.qualifiedName() + ": " + Main.describe(e));
            return 2;
        }
    }

    private int replay(PrintWriter out, PrintWriter err) throws IOException {
        Path tracePath = traceFile != null ? traceFile : workload.resolve("trace.txt");
        Path rootPath = root != null ? root : workload.resolve("root");
        Trace trace = TraceFile.read(tracePath);
        long[] expected = ServedFiles.expectedSizes(trace, rootPath);
        long missing = java.util.Arrays.stream(expected).filter(s -> s < 0).count();
        if (missing != 0) {
            err.println("loadgen: warning: " + missing + " trace paths have no file under " + rootPath + "; their responses count as errors");
        }
        ResultTable table = ResultTable.read(csv);
        InetSocketAddress server = new InetSocketAddress(host, port);
        if (server.isUnresolved()) {
            throw new IOException("cannot resolve --host " + host);
        }
        Duration dur = duration == null ? null : Duration.ofNanos((long) (duration * 1e9));
        Duration to = Duration.ofNanos((long) (timeout * 1e9));
        String cache = cold ? "cold" : warm ? "warm" : "as-is";
        long errors = 0;
        out.printf(Locale.ROOT, "loadgen: %s, %d requests in %d sessions, server %s, %s, cache %s%n", tracePath,
                trace.requests().length, trace.sessions(), server, noKeepAlive ? "a connection per request" : "keep-alive", cache);
        if (warm) {
            int most = clients.stream().max(Integer::compare).orElseThrow();
            // one replay left this generator at half its steady rate: its throughput rose over its first four replays
            for (int i = 0; i < WARM_REPLAYS; i++) {
                errors += runOnce(trace, expected, new LoadRun.Spec(server, most, !noKeepAlive, maxRequests, dur, to), "warm-up", cache, out, err);
            }
        }
        for (int n : clients) {
            if (cold) {
                int files = ServedFiles.dropFromPageCache(rootPath);
                out.printf(Locale.ROOT, "dropped %d files of %s from the page cache%n", files, rootPath);
            }
            LoadRun.Spec s = new LoadRun.Spec(server, n, !noKeepAlive, maxRequests, dur, to);
            RunResult r = run(trace, expected, s, label, cache, out, err);
            errors += r.errors();
            table.put(r);
        }
        if (csv != null) {
            table.writeCsv(csv);
            out.println("wrote " + csv);
        }
        if (json != null) {
            table.writeJson(json);
            out.println("wrote " + json);
        }
        if (plots != null) {
            for (Path p : ResultPlots.write(table.rows(), plots, "laio loadgen")) {
                out.println("wrote " + p);
            }
        }
        if (errors != 0) {
            err.println("loadgen: " + errors + " requests failed");
            return 1;
        }
        return 0;
    }

    private int replotOnly(PrintWriter out, PrintWriter err) {
        if (csv == null || plots == null || !java.nio.file.Files.exists(csv)) {
            throw Check.of(spec).fail("--replot needs an existing --csv and --plots");
        }
        try {
            for (Path p : ResultPlots.write(ResultTable.read(csv).rows(), plots, "laio loadgen")) {
                out.println("wrote " + p);
            }
            return 0;
        } catch (IOException | java.io.UncheckedIOException e) {
            err.println(spec.qualifiedName() + ": " + Main.describe(e));
            return 2;
        }
    }

    private String checkUsage() {
        if (port == null) {
            return "give --port";
        }
        if (workload == null && (traceFile == null || root == null)) {
            return "give --workload DIR, or both --trace and --root";
        }
        if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
            return "--clients takes positive counts: " + clients;
        }
        if (label.isBlank() || label.contains(",") || label.contains("\"") || label.contains("\n")) {
            return "--label may not be blank or hold commas, quotes or newlines";
        }
        if (port < 1 || port > 65535) {
            return "--port must be in 1..65535: " + port;
        }
        if (maxRequests < 0 || (duration != null && !(duration > 0)) || !(timeout > 0)) {
            return "--requests, --duration and --timeout must be positive";
        }
        return null;
    }

    private long runOnce(Trace trace, long[] expected, LoadRun.Spec s, String name, String cache, PrintWriter out, PrintWriter err) {
        return run(trace, expected, s, name, cache, out, err).errors();
    }

    private RunResult run(Trace trace, long[] expected, LoadRun.Spec s, String name, String cache, PrintWriter out, PrintWriter err) {
        LoadRun run = new LoadRun(trace, expected, s);
        RunResult r;
        try (Progress p = noProgress ? Progress.none()
                : Progress.of(name + " x" + s.clients(), run.plannedRequests(), Progress.stderrIsTerminal(), err)) {
            r = run.run(name, cache, p);
        }
        out.println(r.summary());
        out.flush();
        ErrorLog log = run.errors();
        if (log.total() != 0) {
            StringBuilder kinds = new StringBuilder();
            for (Map.Entry<ErrorLog.Kind, Long> e : log.counts().entrySet()) {
                kinds.append(' ').append(e.getKey()).append('=').append(e.getValue());
            }
            err.println("  " + log.total() + " errors:" + kinds);
            for (String m : log.first()) {
                err.println("    " + m);
            }
            if (log.total() > log.first().size()) {
                err.println("    ... and " + (log.total() - log.first().size()) + " more");
            }
            err.flush();
        }
        return r;
    }
}
