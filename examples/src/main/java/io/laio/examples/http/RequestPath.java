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

import java.nio.charset.StandardCharsets;

/**
 * The file a request target names, as a path relative to the document root: percent-decoded,
 * query and fragment dropped, empty and {@code .} segments removed. A {@code ..} segment (in
 * any encoding) is refused outright rather than resolved, and a NUL byte is malformed; what
 * is left can still name a symlink, which the kernel keeps beneath the root when the file is
 * opened ({@code RESOLVE_BENEATH}).
 *
 * <p>Holds its bytes NUL-terminated, ready for {@code openat2}; reused per connection.
 */
final class RequestPath {
    private static final byte[] INDEX = "/index.html".getBytes(StandardCharsets.US_ASCII);

    byte[] bytes = new byte[256];
    /** Length without the terminating NUL. */
    int length;
    /** Whether the target ended with a slash (a directory named as one). */
    boolean directoryForm;

    /**
     * Parses a request target.
     *
     * @return 0, or the status to answer with: 400 (not origin- or absolute-form, a bad
     *         percent escape, a NUL byte) or 403 (a {@code ..} segment)
     */
    int parse(byte[] target, int len) {
        int i = 0;
        if (startsWithIgnoreCase(target, len, "http://") || startsWithIgnoreCase(target, len, "https://")) {
            i = indexOf(target, (byte) '/', target[4] == ':' ? 7 : 8, len);
            if (i < 0) {
                i = len; // "http://host" names the root
            }
        } else if (len == 0 || target[0] != '/') {
            return 400;
        }
        int end = i;
        while (end < len && target[end] != '?' && target[end] != '#') {
            end++;
        }
        if (bytes.length < end - i + INDEX.length + 2) {
            bytes = new byte[end - i + INDEX.length + 2];
        }
        byte[] decoded = bytes;
        int n = 0;
        for (int k = i; k < end; k++) {
            byte c = target[k];
            if (c == '%') {
                int hi = k + 2 < end ? hex(target[k + 1]) : -1;
                int lo = hi >= 0 ? hex(target[k + 2]) : -1;
                if (lo < 0) {
                    return 400;
                }
                c = (byte) (hi << 4 | lo);
                if (c == 0) {
                    return 400;
                }
                k += 2;
            }
            decoded[n++] = c;
        }
        directoryForm = n == 0 || decoded[n - 1] == '/';
        return normalize(decoded, n);
    }

    /** Drops empty and "." segments in place; refuses "..". */
    private int normalize(byte[] b, int n) {
        int out = 0;
        int seg = 0;
        while (seg < n) {
            int segEnd = seg;
            while (segEnd < n && b[segEnd] != '/') {
                segEnd++;
            }
            int segLen = segEnd - seg;
            if (segLen == 2 && b[seg] == '.' && b[seg + 1] == '.') {
                return 403;
            }
            if (segLen > 0 && !(segLen == 1 && b[seg] == '.')) {
                if (out > 0) {
                    b[out++] = '/';
                }
                System.arraycopy(b, seg, b, out, segLen);
                out += segLen;
            }
            seg = segEnd + 1;
        }
        if (out == 0) {
            b[out++] = '.';
        }
        b[out] = 0;
        length = out;
        return 0;
    }

    /** Appends "/index.html" (the file served for a directory). */
    void appendIndex() {
        System.arraycopy(INDEX, 0, bytes, length, INDEX.length);
        length += INDEX.length;
        bytes[length] = 0;
    }

    /** The path as text, for logs and tests. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    private static int indexOf(byte[] b, byte c, int from, int len) {
        for (int i = from; i < len; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWithIgnoreCase(byte[] b, int len, String prefix) {
        if (len < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if ((b[i] | 0x20) != prefix.charAt(i) && b[i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
