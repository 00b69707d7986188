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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All results so far, one row per (label, clients): read from an earlier CSV, merged with new
 * runs (a new run replaces the row with its label and client count), written back as CSV and
 * as JSON. Several servers measured one after the other thus land in one file and one plot.
 */
final class ResultTable {
    private final Map<String, RunResult> rows = new LinkedHashMap<>();

    /** The rows of {@code csv}, or an empty table if the file does not exist. */
    static ResultTable read(Path csv) throws IOException {
        ResultTable t = new ResultTable();
        if (csv == null || !Files.exists(csv)) {
            return t;
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || (i == 0 && line.startsWith("label,"))) {
                continue;
            }
            try {
                t.put(RunResult.parseCsv(line));
            } catch (IllegalArgumentException e) {
                throw new IOException(csv + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return t;
    }

    void put(RunResult r) {
        rows.put(r.label() + "\u0000" + r.clients(), r);
    }

    /** The rows, by label (first seen first), then by clients. */
    List<RunResult> rows() {
        List<String> labels = new ArrayList<>();
        for (RunResult r : rows.values()) {
            if (!labels.contains(r.label())) {
                labels.add(r.label());
            }
        }
        List<RunResult> out = new ArrayList<>(rows.values());
        out.sort(Comparator.comparingInt((RunResult r) -> labels.indexOf(r.label())).thenComparingInt(RunResult::clients));
        return out;
    }

    void writeCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(RunResult.CSV_HEADER).append('\n');
        for (RunResult r : rows()) {
            sb.append(r.csv()).append('\n');
        }
        write(file, sb.toString());
    }

    void writeJson(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("[\n");
        List<RunResult> all = rows();
        for (int i = 0; i < all.size(); i++) {
            sb.append("  ").append(all.get(i).json()).append(i + 1 < all.size() ? ",\n" : "\n");
        }
        write(file, sb.append("]\n").toString());
    }

    private static void write(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
