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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The small buffers connections wait in between requests: each connection holds one from
 * accept to close and reads the first bytes of its next request into it (a LAIO receive in
 * flight writes there, so it cannot be lent out while the connection is idle). When bytes
 * arrive the connection takes a {@link ConnectionBuffers} set and moves them there. Carved from
 * slabs, so an idle connection costs {@link #SIZE} bytes of native memory and no allocation
 * of its own; pooled, the slabs stay at the most connections open at once. Loop thread only.
 */
final class WaitBuffers {
    /** Most request heads fit (nginx's client_header_buffer_size is 1k); a larger one is read on in the set. */
    static final int SIZE = 1024;
    private static final int PER_SLAB = 64;

    /** One connection's wait buffer: a view and its native address, for raw socket calls. */
    static final class Buffer {
        final ByteBuffer bytes;
        final long address;

        private Buffer(MemorySegment s) {
            bytes = s.asByteBuffer();
            address = s.address();
        }
    }

    private final Arena arena;
    private final ArrayDeque<Buffer> free = new ArrayDeque<>();

    WaitBuffers(Arena arena) {
        this.arena = arena;
    }

    /** A cleared buffer, from a new slab when none is free. */
    Buffer take() {
        Buffer b = free.pollFirst();
        if (b == null) {
            MemorySegment slab = arena.allocate((long) SIZE * PER_SLAB, 4096);
            for (int i = PER_SLAB - 1; i > 0; i--) {
                free.addFirst(new Buffer(slab.asSlice((long) i * SIZE, SIZE)));
            }
            b = new Buffer(slab.asSlice(0, SIZE));
        }
        b.bytes.clear();
        return b;
    }

    /** Back to the pool; nothing may write it any more. */
    void give(Buffer b) {
        free.addFirst(b);
    }
}
