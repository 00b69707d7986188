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
 * A generated workload, in memory: the files of the document tree and the request trace.
 *
 * @param targets       the figures it was generated for
 * @param seed          the seed it was generated from
 * @param paths         each file's URL path ({@code /s/000/000000.html}); the file under the
 *                      document root has the same relative path
 * @param sizes         each file's size in bytes, by file index
 * @param requests      the trace: the file index of each request, in trace order
 * @param sessionStarts the index in {@code requests} where each session begins, ascending,
 *                      starting with 0; session {@code k} ends where session {@code k+1} begins
 */
public record Workload(Profile.Targets targets, long seed, String[] paths, long[] sizes, int[] requests, int[] sessionStarts) {
    /** Number of sessions. */
    public int sessions() {
        return sessionStarts.length;
    }

    /** Index in {@link #requests()} just after the last request of session {@code k}. */
    public int sessionEnd(int k) {
        return k + 1 < sessionStarts.length ? sessionStarts[k + 1] : requests.length;
    }
}
