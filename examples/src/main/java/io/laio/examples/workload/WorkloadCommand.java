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

package io.laio.examples.workload;

import io.laio.examples.Check;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code workload}: writes a profile's document tree ({@code OUT/root}) and request trace
 * ({@code OUT/trace.txt}, see {@link TraceFile}) at a scale, from a seed, then measures what it
 * wrote and prints it beside the profile's targets.
 */
@Command(name = "workload", mixinStandardHelpOptions = true,
        description = {"Writes a Rice- or Berkeley-like document tree (OUT/root) and request trace",
            "(OUT/trace.txt), deterministically from a seed, and prints the achieved figures",
            "beside the targets. Trace format: one line per request, '<session id> <URL path>';",
            "a session's requests are consecutive and replayed in order over one connection."})
public final class WorkloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--profile", defaultValue = "rice", converter = ProfileConverter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Profile profile;

    @Option(names = "--scale", defaultValue = "0.01",
            description = "Multiplies requests, footprint and transferred bytes: more than 0, at most 1000 "
                    + "(default: ${DEFAULT-VALUE}; 1 = the paper's size).")
    double scale;

    @Option(names = "--seed", defaultValue = "1", description = "Seed; the same seed gives the same workload (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output directory: OUT/root and OUT/trace.txt.")
    Path out;

    @Option(names = "--force", description = "Delete an existing OUT/root first.")
    boolean force;

    public static final class ProfileConverter extends Check.EnumConverter<Profile> {
        public ProfileConverter() {
            super(Profile.class);
        }
    }

    @Override
    public Integer call() throws IOException {
        Check check = Check.of(spec);
        if (!(scale > 0) || scale > 1_000) {
            throw check.fail("--scale must be more than 0 and at most 1000, not " + scale);
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw check.fail("--out " + out + " is not a directory");
        }
        Profile.Targets targets = profile.at(scale);
        Path root = out.resolve("root");
        if (Files.exists(root) && !force) {
            throw check.fail(root + " exists; remove it or pass --force");
        }
        try {
            return write(targets, root);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private int write(Profile.Targets targets, Path root) throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        if (Files.exists(root)) {
            deleteTree(root);
        }
        Files.createDirectories(root);
        long t0 = System.nanoTime();
        Workload w = WorkloadGenerator.generate(targets, seed);
        long bytes = DocRootWriter.write(w, root);
        Path trace = out.resolve("trace.txt");
        TraceFile.write(w, trace);
        double secs = (System.nanoTime() - t0) / 1e9;
        stdout.printf(Locale.ROOT, "workload %s scale %s seed %d: %d files (%,d bytes) in %s, trace %s (%.1f s)%n",
                targets.profile().id(), scale, seed, w.paths().length, bytes, root, trace, secs);
        stdout.print(WorkloadFigures.measure(trace, root).report(targets));
        stdout.flush();
        return 0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
