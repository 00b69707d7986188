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

package io.laio.bench.peers;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/** What the Netty peer needs beside Netty: the request path made safe, a Content-Type, HTTP dates. */
final class StaticFiles {
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("txt", "text/plain"),
            Map.entry("css", "text/css"), Map.entry("js", "text/javascript"), Map.entry("gif", "image/gif"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("png", "image/png"),
            Map.entry("pdf", "application/pdf"), Map.entry("ps", "application/postscript"));

    private StaticFiles() {
    }

    /**
     * The decoded request path, relative to the root (no leading slash, a trailing one kept), or
     * null if it would leave the root or names a hidden file (as Netty's example refuses).
     */
    static String sanitize(String decoded) {
        if (decoded.isEmpty() || decoded.charAt(0) != '/' || decoded.indexOf('\0') >= 0
                || decoded.contains("/.") || decoded.contains("\\")) {
            return null;
        }
        return decoded.substring(1);
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type != null ? type : "application/octet-stream";
    }

    static String httpDate(long epochMillis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(epochMillis));
    }
}
