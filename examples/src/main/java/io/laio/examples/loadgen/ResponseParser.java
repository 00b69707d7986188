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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads one HTTP/1.x response at a time from whatever bytes arrive, without copying the body:
 * the head (status line and headers) is gathered, then the body is skipped and counted by
 * {@code Content-Length} (or, without one, until the connection closes). Chunked bodies are
 * not decoded: a static file server answers with a length, and a response without one is an
 * error for the load generator anyway.
 *
 * <p>Threading: one connection's, on the loop thread.
 */
final class ResponseParser {
    /** {@link #feed} result: the response is not complete yet. */
    static final int MORE = 0;
    /** {@link #feed} result: the response is complete; read its fields. */
    static final int DONE = 1;
    /** {@link #feed} result: the bytes are not a response we can frame; see {@link #error()}. */
    static final int FAILED = 2;

    static final int MAX_HEAD = 16 * 1024;

    private byte[] head = new byte[512];
    private int headLen;
    private boolean inBody;
    private long remaining;
    private int status;
    private long contentLength;
    private boolean keepAlive;
    private boolean untilClose;
    private long bodyBytes;
    private long received;
    private String error;

    ResponseParser() {
        reset();
    }

    /** Ready for the next response. */
    void reset() {
        headLen = 0;
        inBody = false;
        remaining = 0;
        status = 0;
        contentLength = -1;
        keepAlive = false;
        untilClose = false;
        bodyBytes = 0;
        received = 0;
        error = null;
    }

    /** Bytes of this response received so far (head and body). */
    long received() {
        return received;
    }

    int status() {
        return status;
    }

    /** The {@code Content-Length}, or -1 if the response has none. */
    long contentLength() {
        return contentLength;
    }

    /** Whether the connection may carry another request after this response. */
    boolean keepAlive() {
        return keepAlive;
    }

    long bodyBytes() {
        return bodyBytes;
    }

    String error() {
        return error;
    }

    /**
     * Consumes bytes of this response from {@code buf}, leaving any bytes after its end.
     *
     * @return {@link #MORE}, {@link #DONE} or {@link #FAILED}
     */
    int feed(ByteBuffer buf) {
        if (!inBody) {
            int r = feedHead(buf);
            if (r != MORE || !inBody) {
                return r;
            }
        }
        if (untilClose) {
            int n = buf.remaining();
            buf.position(buf.limit());
            bodyBytes += n;
            received += n;
            return MORE;
        }
        int n = (int) Math.min(remaining, buf.remaining());
        buf.position(buf.position() + n);
        remaining -= n;
        bodyBytes += n;
        received += n;
        return remaining == 0 ? DONE : MORE;
    }

    /**
     * The connection closed: a body read until close is complete now, anything else is cut
     * short.
     */
    int eof() {
        if (inBody && untilClose) {
            return DONE;
        }
        error = received == 0 ? "connection closed before any response byte"
                : "connection closed after " + received + " bytes of the response";
        return FAILED;
    }

    private int feedHead(ByteBuffer buf) {
        while (buf.hasRemaining()) {
            if (headLen == head.length) {
                if (head.length >= MAX_HEAD) {
                    error = "response head longer than " + MAX_HEAD + " bytes";
                    return FAILED;
                }
                head = Arrays.copyOf(head, head.length * 2);
            }
            byte b = buf.get();
            head[headLen++] = b;
            received++;
            if (b == '\n' && headLen >= 4 && head[headLen - 2] == '\r' && head[headLen - 3] == '\n' && head[headLen - 4] == '\r') {
                return parseHead();
            }
        }
        return MORE;
    }

    private int parseHead() {
        String text = new String(head, 0, headLen - 4, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String statusLine = lines[0];
        boolean http11;
        if (statusLine.startsWith("HTTP/1.1 ")) {
            http11 = true;
        } else if (statusLine.startsWith("HTTP/1.0 ")) {
            http11 = false;
        } else {
            return fail("not an HTTP/1.x status line: " + printable(statusLine));
        }
        if (statusLine.length() < 12 || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
            return fail("malformed status line: " + printable(statusLine));
        }
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            return fail("malformed status code: " + printable(statusLine));
        }
        keepAlive = http11;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                return fail("malformed header line: " + printable(line));
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> {
                    long v;
                    try {
                        v = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        return fail("malformed Content-Length: " + printable(value));
                    }
                    if (v < 0 || (contentLength >= 0 && contentLength != v)) {
                        return fail("bad or conflicting Content-Length: " + printable(value));
                    }
                    contentLength = v;
                }
                case "connection" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    if (v.contains("close")) {
                        keepAlive = false;
                    } else if (v.contains("keep-alive")) {
                        keepAlive = true;
                    }
                }
                case "transfer-encoding" -> chunked |= value.toLowerCase(Locale.ROOT).contains("chunked");
                default -> { }
            }
        }
        if (chunked) {
            return fail("chunked response (no Content-Length); the load generator does not decode chunks");
        }
        inBody = true;
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            contentLength = Math.max(contentLength, 0);
            remaining = 0;
            return DONE;
        }
        if (contentLength < 0) {
            untilClose = true;
            keepAlive = false;
            return MORE;
        }
        remaining = contentLength;
        return remaining == 0 ? DONE : MORE;
    }

    private int fail(String why) {
        error = why;
        return FAILED;
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
