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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A workload's figures as measured on disk, from the trace and the document root (not from the
 * generator's plan): requests, sessions, files, footprint (all bytes under the root),
 * transferred bytes (the sum of the requested files' sizes) and its split by size class.
 *
 * @param requests    requests in the trace
 * @param sessions    sessions in the trace
 * @param files       regular files under the root
 * @param footprint   bytes of all files under the root
 * @param unrequested files under the root that no request names
 * @param transferred bytes all responses carry, by the files' sizes
 * @param classBytes  the transferred bytes by {@link SizeClass} ordinal
 */
public record WorkloadFigures(long requests, long sessions, long files, long footprint, long unrequested, long transferred,
        long[] classBytes) {

    /**
     * Measures the trace against the root.
     *
     * @throws NoSuchFileException if a request names a file that is not under the root
     */
    public static WorkloadFigures measure(Path trace, Path root) throws IOException {
        Trace t = TraceFile.read(trace);
        long[] size = new long[t.paths().length];
        for (int i = 0; i < size.length; i++) {
            Path f = root.resolve(t.paths()[i].substring(1));
            if (!Files.isRegularFile(f)) {
                throw new NoSuchFileException(f.toString(), null, "requested by the trace but not in the root");
            }
            size[i] = Files.size(f);
        }
        long[] classBytes = new long[SizeClass.values().length];
        long transferred = 0;
        for (int r : t.requests()) {
            transferred += size[r];
            classBytes[SizeClass.of(size[r]).ordinal()] += size[r];
        }
        long files;
        long footprint;
        try (Stream<Path> all = Files.walk(root)) {
            long[] acc = new long[2];
            all.filter(Files::isRegularFile).forEach(p -> {
                acc[0]++;
                try {
                    acc[1] += Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            files = acc[0];
            footprint = acc[1];
        }
        return new WorkloadFigures(t.requests().length, t.sessions(), files, footprint, files - size.length, transferred,
                classBytes);
    }

    /** Share of the transferred bytes in files of class {@code c} (0 when nothing is transferred). */
    public double share(SizeClass c) {
        return transferred == 0 ? 0 : (double) classBytes[c.ordinal()] / transferred;
    }

    /** A table of these figures beside {@code targets}, with the relative deviation of each. */
    public String report(Profile.Targets targets) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-22s %16s %16s %9s%n", "figure", "achieved", "target", "dev"));
        row(sb, "requests", requests, targets.requests());
        row(sb, "footprint (bytes)", footprint, targets.footprint());
        row(sb, "transferred (bytes)", transferred, targets.transferred());
        for (SizeClass c : SizeClass.values()) {
            double want = targets.profile().byteShare(c) * 100;
            double got = share(c) * 100;
            sb.append(String.format(Locale.ROOT, "%-22s %15.2f%% %15.2f%% %+8.2f%%%n", "bytes " + c.label(), got, want,
                    want == 0 ? 0 : (got - want) / want * 100));
        }
        sb.append(String.format(Locale.ROOT, "%-22s %16d%n", "files", files));
        sb.append(String.format(Locale.ROOT, "%-22s %16d   (mean %.2f requests each)%n", "sessions", sessions,
                sessions == 0 ? 0.0 : (double) requests / sessions));
        if (unrequested != 0) {
            sb.append(String.format(Locale.ROOT, "%-22s %16d%n", "files never requested", unrequested));
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String name, long got, long want) {
        sb.append(String.format(Locale.ROOT, "%-22s %,16d %,16d %+8.2f%%%n", name, got, want,
                want == 0 ? 0.0 : (got - want) * 100.0 / want));
    }
}
