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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseParserTest {
    private static final String OK = "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 10\r\n\r\n0123456789";

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aResponseSplitAtEveryByteIsFramedTheSame() {
        byte[] all = OK.getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 0; cut <= all.length; cut++) {
            ResponseParser p = new ResponseParser();
            ByteBuffer first = ByteBuffer.wrap(all, 0, cut);
            int r = p.feed(first);
            if (cut < all.length) {
                assertEquals(ResponseParser.MORE, r, "cut at " + cut);
                r = p.feed(ByteBuffer.wrap(all, cut, all.length - cut));
            }
            assertEquals(ResponseParser.DONE, r, "cut at " + cut);
            assertEquals(200, p.status());
            assertEquals(10, p.contentLength());
            assertEquals(10, p.bodyBytes());
            assertTrue(p.keepAlive());
        }
    }

    @Test
    void bytesAfterTheResponseAreLeftInTheBuffer() {
        ResponseParser p = new ResponseParser();
        ByteBuffer b = bytes(OK + "HTTP/1.1");
        assertEquals(ResponseParser.DONE, p.feed(b));
        assertEquals(8, b.remaining());
    }

    @Test
    void connectionCloseAndHttp10EndTheConnection() {
        ResponseParser p = new ResponseParser();
        assertEquals(ResponseParser.DONE, p.feed(bytes("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")));
        assertEquals(404, p.status());
        assertFalse(p.keepAlive());
        p.reset();
        assertEquals(ResponseParser.DONE, p.feed(bytes("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")));
        assertFalse(p.keepAlive());
        p.reset();
        assertEquals(ResponseParser.DONE, p.feed(bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx")));
        assertTrue(p.keepAlive());
    }

    @Test
    void withoutContentLengthTheBodyRunsToTheCloseAndHasNoLength() {
        ResponseParser p = new ResponseParser();
        assertEquals(ResponseParser.MORE, p.feed(bytes("HTTP/1.0 200 OK\r\n\r\nabc")));
        assertEquals(ResponseParser.MORE, p.feed(bytes("de")));
        assertEquals(ResponseParser.DONE, p.eof());
        assertEquals(-1, p.contentLength());
        assertEquals(5, p.bodyBytes());
        assertFalse(p.keepAlive());
    }

    @Test
    void truncatedBodiesChunkedBodiesAndGarbageFail() {
        ResponseParser p = new ResponseParser();
        assertEquals(ResponseParser.MORE, p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234")));
        assertEquals(ResponseParser.FAILED, p.eof());
        assertTrue(p.error().contains("closed after"), p.error());
        p.reset();
        assertEquals(ResponseParser.FAILED, p.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n")));
        p.reset();
        assertEquals(ResponseParser.FAILED, p.feed(bytes("SSH-2.0-OpenSSH\r\n\r\n")));
        p.reset();
        assertEquals(ResponseParser.FAILED, p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")));
        p.reset();
        assertEquals(ResponseParser.FAILED, p.feed(bytes("HTTP/1.1 2x0 OK\r\n\r\n")));
        p.reset();
        assertEquals(ResponseParser.FAILED, p.eof());
        assertTrue(p.error().contains("before any"), p.error());
        p.reset();
        ByteBuffer huge = bytes("HTTP/1.1 200 OK\r\nX: " + "y".repeat(ResponseParser.MAX_HEAD) + "\r\n\r\n");
        assertEquals(ResponseParser.FAILED, p.feed(huge));
    }
}
