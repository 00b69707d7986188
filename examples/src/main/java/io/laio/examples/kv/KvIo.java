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

package io.laio.examples.kv;

import java.util.Locale;

/** How the connections do their socket I/O. */
public enum KvIo {
    /** NIO channels and readiness events, with kv's own buffers ({@code ReplyBuffer}). */
    NIO,
    /**
     * A {@code BufferEvent} per connection over a raw socket on an {@code epoll} base: every
     * socket call a LAIO call, input and output in {@code EvBuffer}s.
     */
    BUFFERED,
    /**
     * As {@link #BUFFERED}, on a {@code uring} base: the socket calls that would wait, and the
     * log's writes and fsyncs, are entries on the loop's io_uring (LAIO's ring route) instead of
     * epoll waits and helper threads.
     */
    URING;

    /** Whether connections are {@code BufferEvent}s over raw sockets. @return that */
    public boolean buffered() {
        return this != NIO;
    }

    /** The loop backend it needs, or null for the default (NIO channels need the nio one). @return the name */
    public String backend() {
        return switch (this) {
            case NIO -> null;
            case BUFFERED -> "epoll";
            case URING -> "uring";
        };
    }

    /** As given to {@code kv --io}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
