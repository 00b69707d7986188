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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Parses an HTTP/1.0 or 1.1 request head (RFC 9112) from the bytes a connection has read so
 * far. It never throws on any input: every byte sequence is either incomplete, a request, or
 * one of the error statuses below, and it reads nothing beyond {@code limit}.
 *
 * <p>Strict where leniency has caused request smuggling (one space between request-line parts,
 * no whitespace before a header's colon, no obsolete line folding, no control bytes, one Host
 * and one Content-Length), lenient where the RFC allows it (bare LF line ends, empty lines
 * before the request line).
 */
final class RequestParser {
    /** The head is not complete yet: read more and call again with the same buffer. */
    static final int NEED_MORE = 0;
    /** Request lines (and so targets) longer than this are refused with 414. */
    static final int MAX_REQUEST_LINE = 8 * 1024;
    /** Heads longer than this are refused with 431. */
    static final int MAX_HEAD = 16 * 1024;

    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private RequestParser() {}

    /**
     * Parses the head at the start of {@code b} (absolute indexes 0 to {@code limit}).
     *
     * @return the head's length in bytes (&gt; 0) with {@code r} filled in; {@link #NEED_MORE};
     *         or the negated status to answer with before closing: -400 (malformed), -414
     *         (request line over {@link #MAX_REQUEST_LINE}), -431 (head over {@link #MAX_HEAD}),
     *         -505 (an HTTP major version other than 1)
     */
    static int parse(ByteBuffer b, int limit, HttpRequest r) {
        r.reset(); // first: a head refused before its line is read must not answer as the request before it
        int start = 0;
        while (start < limit && (b.get(start) == '\r' || b.get(start) == '\n')) {
            start++;
        }
        int end = headEnd(b, start, Math.min(limit, start + MAX_HEAD + 4));
        if (end < 0) {
            int lineEnd = indexOf(b, '\n', start, limit);
            if ((lineEnd < 0 ? limit - start : lineEnd - start) > MAX_REQUEST_LINE) {
                return -414;
            }
            return limit - start >= MAX_HEAD ? -431 : NEED_MORE;
        }
        int lineEnd = indexOf(b, '\n', start, end);
        if (lineEnd - start > MAX_REQUEST_LINE) {
            return -414;
        }
        if (end - start > MAX_HEAD) {
            return -431;
        }
        int status = requestLine(b, start, trimCr(b, start, lineEnd), r);
        if (status != 0) {
            return -status;
        }
        status = headers(b, lineEnd + 1, end, r);
        return status != 0 ? -status : end;
    }

    /** The index just past the blank line ending the head, or -1. */
    private static int headEnd(ByteBuffer b, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b.get(i) == '\n') {
                if (i + 1 < limit && b.get(i + 1) == '\n') {
                    return i + 2;
                }
                if (i + 2 < limit && b.get(i + 1) == '\r' && b.get(i + 2) == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    private static int indexOf(ByteBuffer b, char c, int from, int limit) {
        for (int i = from; i < limit; i++) {
            if (b.get(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** The end of the line starting the search, without its CR. */
    private static int trimCr(ByteBuffer b, int start, int lf) {
        return lf > start && b.get(lf - 1) == '\r' ? lf - 1 : lf;
    }

    private static int requestLine(ByteBuffer b, int start, int end, HttpRequest r) {
        int i = start;
        while (i < end && isToken(b.get(i))) {
            i++;
        }
        if (i == start || i >= end || b.get(i) != ' ') {
            return 400;
        }
        r.method = method(b, start, i);
        r.methodName = r.method == HttpRequest.GET ? "GET" : r.method == HttpRequest.HEAD ? "HEAD" : ascii(b, start, i);
        int t = ++i;
        while (i < end && b.get(i) > 0x20 && b.get(i) < 0x7f) {
            i++;
        }
        if (i == t || i >= end || b.get(i) != ' ') {
            return 400;
        }
        if (r.target == null || r.target.length < i - t) {
            r.target = new byte[Math.max(256, i - t)];
        }
        b.get(t, r.target, 0, i - t);
        r.targetLength = i - t;
        i++;
        if (end - i != 8 || !startsWith(b, i, "HTTP/") || !isDigit(b.get(i + 5)) || b.get(i + 6) != '.'
                || !isDigit(b.get(i + 7))) {
            return 400;
        }
        int major = b.get(i + 5) - '0';
        int minor = b.get(i + 7) - '0';
        if (major != 1) {
            return 505;
        }
        r.version = minor == 0 ? 10 : 11;
        return 0;
    }

    private static int headers(ByteBuffer b, int from, int end, HttpRequest r) {
        int hosts = 0;
        long contentLength = -1;
        boolean close = false;
        boolean keepAlive = false;
        int i = from;
        while (true) {
            int lf = indexOf(b, '\n', i, end);
            int lineEnd = trimCr(b, i, lf);
            if (lineEnd == i) {
                break; // the blank line
            }
            int n = i;
            while (n < lineEnd && isToken(b.get(n))) {
                n++;
            }
            if (n == i || n >= lineEnd || b.get(n) != ':') {
                return 400; // no name, obsolete folding, or whitespace before the colon
            }
            int v = n + 1;
            while (v < lineEnd && isSpace(b.get(v))) {
                v++;
            }
            int ve = lineEnd;
            while (ve > v && isSpace(b.get(ve - 1))) {
                ve--;
            }
            for (int k = v; k < ve; k++) {
                byte c = b.get(k);
                if ((c >= 0 && c < 0x20 && c != '\t') || c == 0x7f) {
                    return 400;
                }
            }
            if (nameIs(b, i, n, "host")) {
                hosts++;
            } else if (nameIs(b, i, n, "connection")) {
                for (int t = v; t < ve; ) { // comma-separated tokens, read in place: no allocation per request
                    int te = t;
                    while (te < ve && b.get(te) != ',') {
                        te++;
                    }
                    int ts = t;
                    int tz = te;
                    while (ts < tz && isSpace(b.get(ts))) {
                        ts++;
                    }
                    while (tz > ts && isSpace(b.get(tz - 1))) {
                        tz--;
                    }
                    close |= nameIs(b, ts, tz, "close");
                    keepAlive |= nameIs(b, ts, tz, "keep-alive");
                    t = te + 1;
                }
            } else if (nameIs(b, i, n, "if-modified-since")) {
                r.ifModifiedSince = ascii(b, v, ve);
            } else if (nameIs(b, i, n, "range")) {
                r.range = r.range == null ? ascii(b, v, ve) : "";
            } else if (nameIs(b, i, n, "content-length")) {
                long len = digits(b, v, ve);
                if (len < 0 || (contentLength >= 0 && len != contentLength)) {
                    return 400;
                }
                contentLength = len;
            } else if (nameIs(b, i, n, "transfer-encoding")) {
                r.hasBody = true;
            }
            i = lf + 1;
        }
        if (r.version == 11 && hosts != 1 || hosts > 1) {
            return 400;
        }
        r.hasBody |= contentLength > 0;
        r.keepAlive = r.version == 11 ? !close : keepAlive && !close;
        return 0;
    }

    private static int method(ByteBuffer b, int from, int to) {
        if (to - from == 3 && startsWith(b, from, "GET")) {
            return HttpRequest.GET;
        }
        if (to - from == 4 && startsWith(b, from, "HEAD")) {
            return HttpRequest.HEAD;
        }
        return HttpRequest.OTHER;
    }

    /** The non-negative decimal in [from, to), or -1 if it is empty, not all digits, or too long. */
    private static long digits(ByteBuffer b, int from, int to) {
        if (from == to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            byte c = b.get(i);
            if (!isDigit(c)) {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean nameIs(ByteBuffer b, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            if ((b.get(from + i) | 0x20) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(ByteBuffer b, int from, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b.get(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(ByteBuffer b, int from, int to) {
        byte[] bytes = new byte[to - from];
        b.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static boolean isToken(byte c) {
        return c > 0 && TOKEN[c];
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t';
    }
}
