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

package io.laio.internal.epoll;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The descriptor numbers whose epoll entries an {@link EpollBackend} keeps between waits: numbers
 * laio made on the loop thread (an accepted or new socket) for a {@code Laio} whose application
 * closes them only through laio. A close through laio takes the number out, on any thread, so
 * the loop learns of it before the number can name another file.
 *
 * <p>One bit per number, in chunks of {@value #CHUNK} numbers (8 KiB) made at the first
 * {@link #add} of a number they cover, and listed in a directory that grows to the highest such
 * chunk: memory follows the highest number kept, not the descriptor limit, and a base that keeps
 * none pays nothing. The bits are set on the loop thread and cleared on any: a clear is an atomic
 * and-not, and a set an atomic or, so neither loses the other's bit of the same word. Only the
 * loop thread makes chunks and grows the directory, and a chunk never moves: a grown directory
 * holds the same chunks as the one it replaces, so a thread that read the old one clears or
 * tests the very words the loop thread sets, and a chunk missing from the directory it read was
 * not there when it read it (no bit of that chunk was set yet).
 */
final class KeptNumbers {
    /** Numbers per chunk: 8 KiB of bits. */
    static final int CHUNK = 1 << 16;
    private static final int CHUNK_BITS = 16;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(long[][].class);
    private static final VarHandle DIRECTORY;

    static {
        try {
            DIRECTORY = MethodHandles.lookup().findVarHandle(KeptNumbers.class, "directory", long[][].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The chunks by number / {@value #CHUNK}, null where none was made; written by the loop thread only. */
    @SuppressWarnings("unused") // accessed through DIRECTORY
    private volatile long[][] directory = new long[0][];

    /** The chunk of bits for {@code fd}, or null if none was made. */
    private long[] chunk(int fd) {
        long[][] d = (long[][]) DIRECTORY.getAcquire(this);
        int k = fd >>> CHUNK_BITS;
        return k < d.length ? (long[]) CHUNKS.getAcquire(d, k) : null;
    }

    /** Loop thread: keeps {@code fd}; false (and nothing kept) when it is negative. */
    boolean add(int fd) {
        if (fd < 0) {
            return false;
        }
        long[] c = chunk(fd);
        if (c == null) {
            c = newChunk(fd >>> CHUNK_BITS);
        }
        WORDS.getAndBitwiseOr(c, (fd & (CHUNK - 1)) >>> 6, 1L << fd);
        return true;
    }

    /** Loop thread: makes chunk {@code k}, growing the directory (its references copied, the chunks left where they are) if it is too short. */
    private long[] newChunk(int k) {
        long[][] d = (long[][]) DIRECTORY.getAcquire(this);
        if (k >= d.length) {
            d = Arrays.copyOf(d, Math.max(k + 1, d.length * 2));
            DIRECTORY.setRelease(this, d);
        }
        long[] c = new long[CHUNK / 64];
        CHUNKS.setRelease(d, k, c);
        return c;
    }

    /** Any thread: whether {@code fd} is kept. */
    boolean contains(int fd) {
        long[] c = fd < 0 ? null : chunk(fd);
        return c != null && ((long) WORDS.getVolatile(c, (fd & (CHUNK - 1)) >>> 6) & (1L << fd)) != 0;
    }

    /** Any thread: stops keeping {@code fd}; whether it was kept. */
    boolean remove(int fd) {
        long[] c = fd < 0 ? null : chunk(fd);
        if (c == null) {
            return false;
        }
        long bit = 1L << fd;
        return ((long) WORDS.getAndBitwiseAnd(c, (fd & (CHUNK - 1)) >>> 6, ~bit) & bit) != 0;
    }

    /** Any thread: one past the highest number this table could keep now (a multiple of {@value #CHUNK}). */
    long bound() {
        return (long) ((long[][]) DIRECTORY.getAcquire(this)).length << CHUNK_BITS;
    }
}
