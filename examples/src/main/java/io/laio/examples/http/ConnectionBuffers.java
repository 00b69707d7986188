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

import io.laio.abi.OpenHowLayout;
import io.laio.abi.StatxLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * What a connection works in while it serves a request: the request-head buffer, the
 * response-head buffer, the structs its system calls fill, (for NIO sockets) the chunk a file
 * is read into before it is sent, and the parsed request. A connection takes a set from the
 * server's pool when the first bytes of a request arrive and gives it back when the response
 * has gone and nothing pipelined is left, as nginx frees its request pool between keep-alive
 * requests: an idle connection holds only its {@link WaitBuffers wait buffer}. LAIO calls write
 * some of a set in the background, so a set goes back only when no call on it is in flight.
 */
final class ConnectionBuffers {
    final ByteBuffer in;
    final ByteBuffer out;
    /** Where {@link #in} and {@link #out} start in native memory, for raw socket calls at their positions. */
    final long inAddress;
    final long outAddress;
    final MemorySegment pathSegment;
    final MemorySegment how;
    final MemorySegment statx;
    final MemorySegment offset;
    final MemorySegment emptyPath;
    final MemorySegment flag;
    final ByteBuffer chunk;
    final MemorySegment chunkSegment;
    /** Where {@link #chunk} starts in native memory (0 without one). */
    final long chunkAddress;
    final HttpRequest req = new HttpRequest();
    final RequestPath path = new RequestPath();
    final ByteRange range = new ByteRange();

    /**
     * Raw sockets: a body up to this size is read into {@link #out} behind the head and goes out
     * in the same send, two calls where cork, send, sendfile and uncork would be five; most
     * requests of a web trace are for files this small (rice: 90%).
     */
    static final int SMALL_BODY = 16 * 1024;

    /**
     * {@code smallBodies}: a raw socket's set, whose {@link #out} has room for a small body;
     * {@code chunkSize} 0: no chunk (bodies go by sendfile, or behind the head).
     */
    ConnectionBuffers(Arena arena, int chunkSize, boolean smallBodies) {
        MemorySegment inSegment = arena.allocate(RequestParser.MAX_HEAD + 4096, 64);
        MemorySegment outSegment = arena.allocate(RequestParser.MAX_REQUEST_LINE + 4096 + (smallBodies ? SMALL_BODY : 0), 64);
        in = inSegment.asByteBuffer();
        out = outSegment.asByteBuffer();
        inAddress = inSegment.address();
        outAddress = outSegment.address();
        pathSegment = arena.allocate(RequestParser.MAX_REQUEST_LINE + 64);
        how = arena.allocate(OpenHowLayout.LAYOUT);
        statx = arena.allocate(StatxLayout.LAYOUT);
        offset = arena.allocate(8, 8);
        emptyPath = arena.allocate(1);
        flag = arena.allocate(4, 4);
        chunkSegment = chunkSize > 0 ? arena.allocate(chunkSize, 4096) : MemorySegment.NULL;
        chunk = chunkSize > 0 ? chunkSegment.asByteBuffer() : null;
        chunkAddress = chunkSegment.address();
    }

    /** Ready for a new request. */
    ConnectionBuffers reset() {
        in.clear();
        out.clear();
        return this;
    }
}
