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

package io.laio.examples.http;

/**
 * One byte range (RFC 9110 §14.1.2) resolved against a file's size. Only single ranges are
 * served; a header with several, or one that does not parse, is ignored and the whole file
 * sent, as the RFC allows.
 */
final class ByteRange {
    /** Parse outcomes. */
    static final int NONE = 0;
    static final int SATISFIABLE = 1;
    static final int UNSATISFIABLE = 2;

    long first;
    long last;

    /**
     * Resolves {@code header} (null when absent) against {@code size}.
     *
     * @return {@link #NONE} (send all), {@link #SATISFIABLE} (send {@link #first}..{@link #last}
     *         inclusive with 206) or {@link #UNSATISFIABLE} (416)
     */
    int resolve(String header, long size) {
        if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
            return NONE;
        }
        String spec = header.substring(6).strip();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return NONE;
        }
        long a = number(spec, 0, dash);
        long b = number(spec, dash + 1, spec.length());
        if (dash == 0) { // suffix: the last b bytes
            if (b < 0) {
                return NONE;
            }
            if (b == 0 || size == 0) {
                return UNSATISFIABLE;
            }
            first = Math.max(0, size - b);
            last = size - 1;
            return SATISFIABLE;
        }
        if (a < 0 || (dash + 1 < spec.length() && b < 0) || (b >= 0 && b < a)) {
            return NONE;
        }
        if (a >= size) {
            return UNSATISFIABLE;
        }
        first = a;
        last = b < 0 ? size - 1 : Math.min(b, size - 1);
        return SATISFIABLE;
    }

    long length() {
        return last - first + 1;
    }

    private static long number(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
