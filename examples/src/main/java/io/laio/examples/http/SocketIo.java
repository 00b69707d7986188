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

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A connection's socket, seen the same way whether it is an NIO channel or a raw descriptor
 * driven through LAIO. Each operation either finishes at once, returning its result, or
 * returns {@link #PENDING} and later hands the result to {@link Connection#resume(long)} on the
 * loop thread. Results are counts (&gt;= 0) or negated errno values. At most one operation is
 * pending at a time. Loop thread only.
 */
abstract class SocketIo {
    /** The operation is under way; its result arrives through {@link Connection#resume(long)}. */
    static final long PENDING = Long.MIN_VALUE;

    Connection owner;

    /**
     * Reads into {@code in} from its position to its limit; the caller advances the position
     * by the result. {@code inAddress} is where {@code in} starts in native memory (raw sockets
     * read there; it must stay valid until the result is handed over).
     *
     * @return bytes read (&gt; 0), 0 at end of stream, a negated errno, or {@link #PENDING}
     */
    abstract long recv(ByteBuffer in, long inAddress);

    /**
     * Sends everything remaining in {@code first} (native memory at {@code firstAddress}), then
     * in {@code second} (may be null; NIO sockets only).
     *
     * @return the bytes sent (all of them), a negated errno, or {@link #PENDING}
     */
    abstract long send(ByteBuffer first, long firstAddress, ByteBuffer second);

    /** Whether {@link #sendFile} is available; if not, the body is read and then sent. */
    abstract boolean sendsFiles();

    /**
     * Whether a body is read into the out buffer behind its head and goes out in the same send:
     * a small one whole; without {@link #sendFile}, as much of a larger one as fits, its rest
     * read and sent in chunks after it. Raw sockets only (a TLS one encrypts what it sends).
     */
    boolean sendsBodyBehindHead() {
        return sendsFiles();
    }

    /**
     * Sends {@code count} bytes of {@code fileFd} from {@code offset} ({@code sendfile}),
     * {@code offsetCell} being 8 bytes of the connection's set for the kernel's offset.
     *
     * @return {@code count}, a short count at end of file, a negated errno, or {@link #PENDING}
     */
    long sendFile(int fileFd, long offset, long count, MemorySegment offsetCell) {
        throw new UnsupportedOperationException("sendfile needs a raw socket");
    }

    /** Holds back partial segments ({@code TCP_CORK}) while a head and its body are sent; {@code flagCell}: 4 bytes for the option. */
    void cork(boolean on, MemorySegment flagCell) {}

    /** Stops waiting for readiness; a pending LAIO call is the connection's to cancel. */
    abstract void stopWaiting();

    /** Closes the socket. Called once, with nothing pending. */
    abstract void close();

    /** The peer, for the access log. */
    abstract String peer();
}
