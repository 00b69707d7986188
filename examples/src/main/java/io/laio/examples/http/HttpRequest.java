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
 * One parsed request head, reused by its connection for every request on it. Fields hold what
 * the server needs, not the whole header block: the method, the raw target, the version, and
 * the few headers it acts on.
 */
final class HttpRequest {
    static final int GET = 1;
    static final int HEAD = 2;
    static final int OTHER = 3;

    /** {@link #GET}, {@link #HEAD} or {@link #OTHER} (answered with 405). */
    int method;
    /** The method as sent, for the access log. */
    String methodName;
    /** The request target exactly as sent (percent-encoded, query included). */
    byte[] target;
    int targetLength;
    /** 10 for HTTP/1.0, 11 for HTTP/1.1. */
    int version;
    /** Whether the client wants the connection kept open after this response. */
    boolean keepAlive;
    /** Whether the request announced a body (Content-Length > 0 or Transfer-Encoding). */
    boolean hasBody;
    /** The If-Modified-Since header's value, or null. */
    String ifModifiedSince;
    /** The Range header's value, or null. */
    String range;

    void reset() {
        method = 0;
        methodName = null;
        targetLength = 0;
        version = 0;
        keepAlive = false;
        hasBody = false;
        ifModifiedSince = null;
        range = null;
    }

    /** The target as a string; "-" (as in a log) when the head was refused before its target was read. */
    String targetString() {
        return targetLength == 0 ? "-" : new String(target, 0, targetLength, StandardCharsets.ISO_8859_1);
    }
}
