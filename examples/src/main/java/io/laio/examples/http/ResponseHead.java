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

/** Writes a response head (status line and header fields) as ASCII into a buffer. */
final class ResponseHead {
    static final String SERVER = "laio-thttpd/0.1";

    private ResponseHead() {}

    static String reason(int code) {
        return switch (code) {
            case 200 -> "OK";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 414 -> "URI Too Long";
            case 416 -> "Range Not Satisfiable";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Unknown";
        };
    }

    static void status(ByteBuffer out, int code) {
        ascii(out, "HTTP/1.1 ");
        decimal(out, code);
        out.put((byte) ' ');
        ascii(out, reason(code));
        crlf(out);
    }

    /** The fields every response has: Server and Date. */
    static void common(ByteBuffer out, String date) {
        header(out, "Server", SERVER);
        header(out, "Date", date);
    }

    static void header(ByteBuffer out, String name, String value) {
        ascii(out, name);
        out.put((byte) ':').put((byte) ' ');
        ascii(out, value);
        crlf(out);
    }

    static void header(ByteBuffer out, String name, long value) {
        ascii(out, name);
        out.put((byte) ':').put((byte) ' ');
        decimal(out, value);
        crlf(out);
    }

    /**
     * The Connection field and the blank line. HTTP/1.1 connections are persistent unless
     * they say otherwise; an HTTP/1.0 client must be told that its connection stays open.
     */
    static void end(ByteBuffer out, boolean keepAlive, int version) {
        if (!keepAlive) {
            header(out, "Connection", "close");
        } else if (version == 10) {
            header(out, "Connection", "keep-alive");
        }
        crlf(out);
    }

    static void ascii(ByteBuffer out, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            out.put((byte) s.charAt(i));
        }
    }

    private static void decimal(ByteBuffer out, long v) {
        if (v >= 10) {
            decimal(out, v / 10);
        }
        out.put((byte) ('0' + v % 10));
    }

    private static void crlf(ByteBuffer out) {
        out.put((byte) '\r').put((byte) '\n');
    }
}
