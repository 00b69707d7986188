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

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;

/**
 * The trace file format, {@code trace.txt}: UTF-8 text, one line per request, in replay order:
 *
 * <pre>
 * # laio-trace v1 profile=rice scale=0.01 seed=1 requests=2458 sessions=611
 * 0 /s/000/000017.html
 * 0 /l/000/000002.pdf
 * 1 /m/000/000040.jpg
 * </pre>
 *
 * Each line is a session id, one space, and the URL path (no spaces). A session's requests are
 * on consecutive lines, in the order they are sent over the session's connection; session ids
 * are otherwise free (the generator numbers them from 0). Lines starting with {@code #} and
 * blank lines are comments.
 */
public final class TraceFile {
    private TraceFile() {
    }

    /** Writes {@code w}'s trace to {@code file}. */
    public static void write(Workload w, Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            Profile.Targets t = w.targets();
            out.write(String.format(Locale.ROOT, "# laio-trace v1 profile=%s scale=%s seed=%d requests=%d sessions=%d%n",
                    t.profile().id(), t.scale(), w.seed(), w.requests().length, w.sessions()));
            out.write("# <session id> <URL path>, one line per request; a session's requests are consecutive\n");
            int[] req = w.requests();
            for (int s = 0; s < w.sessions(); s++) {
                String id = Integer.toString(s);
                for (int i = w.sessionStarts()[s]; i < w.sessionEnd(s); i++) {
                    out.write(id);
                    out.write(' ');
                    out.write(w.paths()[req[i]]);
                    out.write('\n');
                }
            }
        }
    }

    /**
     * Reads a trace.
     *
     * @throws IOException if the file cannot be read or a line is malformed, or a session's
     *                     lines are not consecutive (the message names the line)
     */
    public static Trace read(Path file) throws IOException {
        HashMap<String, Integer> index = new HashMap<>();
        String[] paths = new String[1024];
        int[] requests = new int[1024];
        int[] starts = new int[256];
        int n = 0;
        int sessions = 0;
        HashMap<String, Integer> seen = new HashMap<>();
        String current = null;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int sp = line.indexOf(' ');
                if (sp <= 0 || sp == line.length() - 1 || line.charAt(sp + 1) != '/' || line.indexOf(' ', sp + 1) >= 0) {
                    throw new IOException(file + ":" + lineNo + ": expected '<session> </path>', got: " + line);
                }
                String session = line.substring(0, sp);
                String path = line.substring(sp + 1);
                if (!session.equals(current)) {
                    if (seen.putIfAbsent(session, lineNo) != null) {
                        throw new IOException(file + ":" + lineNo + ": session " + session
                                + " resumes after other sessions (first seen on line " + seen.get(session) + ")");
                    }
                    current = session;
                    if (sessions == starts.length) {
                        starts = Arrays.copyOf(starts, sessions * 2);
                    }
                    starts[sessions++] = n;
                }
                Integer id = index.get(path);
                if (id == null) {
                    id = index.size();
                    index.put(path, id);
                    if (id == paths.length) {
                        paths = Arrays.copyOf(paths, id * 2);
                    }
                    paths[id] = path;
                }
                if (n == requests.length) {
                    requests = Arrays.copyOf(requests, n * 2);
                }
                requests[n++] = id;
            }
        }
        return new Trace(Arrays.copyOf(paths, index.size()), Arrays.copyOf(requests, n), Arrays.copyOf(starts, sessions));
    }
}
