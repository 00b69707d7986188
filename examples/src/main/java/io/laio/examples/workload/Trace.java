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

/**
 * A request trace as the load generator replays it: sessions of requests, each request a URL
 * path.
 *
 * @param paths         the distinct URL paths, indexed
 * @param requests      the path index of each request, in trace order
 * @param sessionStarts where each session begins in {@code requests}, ascending, from 0
 */
public record Trace(String[] paths, int[] requests, int[] sessionStarts) {
    /** Number of sessions. */
    public int sessions() {
        return sessionStarts.length;
    }

    /** Index in {@link #requests()} just after the last request of session {@code k}. */
    public int sessionEnd(int k) {
        return k + 1 < sessionStarts.length ? sessionStarts[k + 1] : requests.length;
    }

    /** The trace of a generated workload. */
    public static Trace of(Workload w) {
        return new Trace(w.paths(), w.requests(), w.sessionStarts());
    }
}
