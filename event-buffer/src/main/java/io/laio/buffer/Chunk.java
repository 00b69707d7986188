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

package io.laio.buffer;

import java.lang.foreign.MemorySegment;

/**
 * One element of an {@link EvBuffer}'s chain: a pooled off-heap segment whose readable bytes
 * are {@code [off, end)}, or a file range ({@code fd}, {@code fileOffset}, {@code fileLength})
 * that is sent by {@code sendfile} and never read into memory.
 *
 * <pre>
 *  memory:  0 ........ off ====readable==== end ........ capacity
 *                      ^ drain moves it      ^ append / commit move it
 * </pre>
 */
final class Chunk {
    /** The pool that takes a memory chunk back; {@code null} for a file range. */
    final SegmentPool pool;
    /** The segment; {@code null} for a file range. */
    final MemorySegment memory;
    final long address;
    final int capacity;
    int off;
    int end;
    Chunk next;

    int fd = -1;
    long fileOffset;
    long fileLength;
    /** Runs once the range has been drained or dropped; may be {@code null}. */
    Runnable release;

    Chunk(SegmentPool pool, MemorySegment memory) {
        this.pool = pool;
        this.memory = memory;
        this.address = memory.address();
        this.capacity = (int) memory.byteSize();
    }

    /** A file range. */
    Chunk(int fd, long offset, long length, Runnable release) {
        this.pool = null;
        this.memory = null;
        this.address = 0;
        this.capacity = 0;
        this.fd = fd;
        this.fileOffset = offset;
        this.fileLength = length;
        this.release = release;
    }

    boolean isFile() {
        return memory == null;
    }

    long readable() {
        return memory == null ? fileLength : end - off;
    }

    int room() {
        return capacity - end;
    }

    /** Gives a memory chunk back to its pool, or runs a file range's release. */
    void free() {
        next = null;
        if (memory == null) {
            Runnable r = release;
            release = null;
            if (r != null) {
                r.run();
            }
        } else {
            pool.give(this);
        }
    }
}
