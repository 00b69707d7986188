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

import java.util.List;
import java.util.Locale;

/**
 * One run's figures: one row of the CSV and JSON results.
 *
 * @param label      names the server and mode (from {@code --label})
 * @param clients    concurrent clients
 * @param keepAlive  one persistent connection per session (else one per request)
 * @param cache      {@code cold}, {@code warm} or {@code as-is}
 * @param requests   requests answered correctly
 * @param errors     requests that failed (see {@link ErrorLog})
 * @param bytes      body bytes of the correct responses
 * @param seconds    wall time of the run
 * @param mbps       {@code bytes * 8 / seconds / 10^6}
 * @param rps        {@code requests / seconds}
 * @param meanMs     mean response time, milliseconds
 * @param p50Ms      median response time
 * @param p90Ms      90th percentile
 * @param p99Ms      99th percentile
 * @param maxMs      longest response time
 */
public record RunResult(String label, int clients, boolean keepAlive, String cache, long requests, long errors, long bytes,
        double seconds, double mbps, double rps, double meanMs, double p50Ms, double p90Ms, double p99Ms, double maxMs) {

    /** The CSV header, matching {@link #csv()}. */
    static final String CSV_HEADER =
            "label,clients,keepalive,cache,requests,errors,bytes,seconds,mbit_per_s,requests_per_s,mean_ms,p50_ms,p90_ms,p99_ms,max_ms";

    /** This result as a CSV line (no line terminator); labels may not hold commas or quotes. */
    String csv() {
        return String.format(Locale.ROOT, "%s,%d,%b,%s,%d,%d,%d,%.3f,%.3f,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f", label, clients, keepAlive,
                cache, requests, errors, bytes, seconds, mbps, rps, meanMs, p50Ms, p90Ms, p99Ms, maxMs);
    }

    /** Parses a line written by {@link #csv()}. */
    static RunResult parseCsv(String line) {
        List<String> f = List.of(line.split(",", -1));
        if (f.size() != 15) {
            throw new IllegalArgumentException("expected 15 fields, got " + f.size() + ": " + line);
        }
        return new RunResult(f.get(0), Integer.parseInt(f.get(1)), Boolean.parseBoolean(f.get(2)), f.get(3), Long.parseLong(f.get(4)),
                Long.parseLong(f.get(5)), Long.parseLong(f.get(6)), d(f.get(7)), d(f.get(8)), d(f.get(9)), d(f.get(10)),
                d(f.get(11)), d(f.get(12)), d(f.get(13)), d(f.get(14)));
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    /** This result as a JSON object. */
    String json() {
        return String.format(Locale.ROOT,
                "{\"label\": \"%s\", \"clients\": %d, \"keepalive\": %b, \"cache\": \"%s\", \"requests\": %d, \"errors\": %d, "
                        + "\"bytes\": %d, \"seconds\": %.3f, \"mbit_per_s\": %.3f, \"requests_per_s\": %.1f, \"mean_ms\": %.3f, "
                        + "\"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f}",
                jsonEscape(label), clients, keepAlive, jsonEscape(cache), requests, errors, bytes, seconds, mbps, rps, meanMs, p50Ms,
                p90Ms, p99Ms, maxMs);
    }

    private static String jsonEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A one-line human summary. */
    String summary() {
        return String.format(Locale.ROOT,
                "%-12s clients %4d: %8d ok %6d errors  %9.1f Mbit/s %9.1f req/s  response ms: mean %.3f p50 %.3f p90 %.3f p99 %.3f max %.3f (%.1f s)",
                label, clients, requests, errors, mbps, rps, meanMs, p50Ms, p90Ms, p99Ms, maxMs, seconds);
    }
}
