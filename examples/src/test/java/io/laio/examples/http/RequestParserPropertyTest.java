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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The request parser and the path check over random input: nothing throws, nothing beyond
 * the bytes given is read, every outcome is one the server knows how to answer, and no
 * accepted path can leave the root.
 */
class RequestParserPropertyTest {
    private static final Set<Integer> STATUSES = Set.of(400, 414, 431, 505);

    @Property(tries = 100_000)
    void anyInputParsesToARequestAnErrorOrNeedMoreAndNoPathLeavesTheRoot(@ForAll("requests") byte[] input) {
        HttpRequest r = new HttpRequest();
        int n = RequestParser.parse(ByteBuffer.wrap(input), input.length, r);
        assertTrue(n == RequestParser.NEED_MORE || (n < 0 && STATUSES.contains(-n)) || (n > 0 && n <= input.length),
                "outcome " + n);
        ByteBuffer padded = ByteBuffer.allocate(input.length + 8).put(input).put("\r\n\r\nGET ".getBytes(StandardCharsets.US_ASCII));
        assertEquals(n, RequestParser.parse(padded, input.length, new HttpRequest()), "read beyond the limit");
        if (n > 0) {
            RequestPath p = new RequestPath();
            int s = p.parse(r.target, r.targetLength);
            if (s == 0) {
                assertBeneathTheRoot(p);
            } else {
                assertTrue(s == 400 || s == 403, "path status " + s);
            }
        }
    }

    @Property(tries = 100_000)
    void anyTargetIsRefusedOrNamesAPathBeneathTheRoot(@ForAll("targets") String target) {
        byte[] t = target.getBytes(StandardCharsets.ISO_8859_1);
        RequestPath p = new RequestPath();
        int s = p.parse(t, t.length);
        if (s == 0) {
            assertBeneathTheRoot(p);
        } else {
            assertTrue(s == 400 || s == 403);
        }
    }

    private static void assertBeneathTheRoot(RequestPath p) {
        assertTrue(p.length > 0);
        assertEquals(0, p.bytes[p.length], "NUL-terminated");
        String path = new String(p.bytes, 0, p.length, StandardCharsets.ISO_8859_1);
        assertFalse(path.startsWith("/"), path);
        assertFalse(path.indexOf(0) >= 0, "no NUL inside");
        for (String seg : path.split("/")) {
            assertFalse(seg.equals(".."), path);
        }
    }

    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> piece = Arbitraries.of("/", "..", ".", "%2e", "%2E", "%2f", "%2F", "%00", "%", "%z", "%5c", "a",
                "dir", "//", "?", "#", "\\", "http://h", "https://h/", "\u00ff", "%c0%ae", ".%2e", "%2e.", "index.html");
        return piece.list().ofMaxSize(12).map(l -> String.join("", l));
    }

    @Provide
    Arbitrary<byte[]> requests() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<String> method = Arbitraries.of("GET", "HEAD", "POST", "G ET", "", "get", "OPTIONS");
        Arbitrary<String> version = Arbitraries.of("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1x", "", "HTTP/1", "http/1.1");
        Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", "\r", "");
        Arbitrary<String> header = Arbitraries.of("Host: x", "Connection: close", "Connection: keep-alive, x", "Range: bytes=0-1",
                "If-Modified-Since: Fri, 01 Mar 2024 12:00:00 GMT", "Content-Length: 5", "Content-Length: -1",
                "Content-Length: 99999999999999999999", " folded", "Bad Name: x", "X:\u0001", "Transfer-Encoding: chunked",
                ":", "Host:", "X: \u00e9");
        Arbitrary<String> structured = Combinators.combine(method, targets(), version, header.list().ofMaxSize(6), eol)
                .as((m, t, v, hs, e) -> m + " " + t + " " + v + e + String.join(e, hs) + (hs.isEmpty() ? "" : e) + e);
        return Arbitraries.oneOf(List.of(random, structured.map(s -> s.getBytes(StandardCharsets.ISO_8859_1)),
                structured.map(s -> s.getBytes(StandardCharsets.UTF_8))));
    }
}
