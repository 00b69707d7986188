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
import java.util.Map;

/** Content-Type by file name extension; unknown extensions are served as octet streams. */
final class MimeTypes {
    private static final String DEFAULT = "application/octet-stream";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"));

    private MimeTypes() {}

    private static final byte[][] EXTENSIONS = BY_EXTENSION.keySet().stream()
            .map(e -> e.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    private static final String[] TYPES = BY_EXTENSION.keySet().stream().map(BY_EXTENSION::get).toArray(String[]::new);

    /** The type for a path's last segment (bytes [0, length) of {@code path}); allocates nothing. */
    static String of(byte[] path, int length) {
        int dot = -1;
        for (int i = length - 1; i >= 0 && path[i] != '/'; i--) {
            if (path[i] == '.') {
                dot = i;
                break;
            }
        }
        if (dot < 0) {
            return DEFAULT;
        }
        int n = length - dot - 1;
        for (int t = 0; t < EXTENSIONS.length; t++) {
            byte[] ext = EXTENSIONS[t];
            if (ext.length == n && sameIgnoringCase(path, dot + 1, ext)) {
                return TYPES[t];
            }
        }
        return DEFAULT;
    }

    private static boolean sameIgnoringCase(byte[] path, int from, byte[] lowerExt) {
        for (int i = 0; i < lowerExt.length; i++) {
            byte c = path[from + i];
            if ((c >= 'A' && c <= 'Z' ? c | 0x20 : c) != lowerExt[i]) {
                return false;
            }
        }
        return true;
    }
}
