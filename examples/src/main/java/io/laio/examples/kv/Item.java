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

import java.nio.charset.StandardCharsets;

/**
 * One cached item: what {@code set} stored under a key. Times are wall-clock milliseconds
 * ({@code System.currentTimeMillis()}), so they mean the same after a restart and replay.
 * Immutable but for {@link #lsn}, which is set under its key's stripe lock before any other
 * loop can look the item up, and the store's links ({@link #chain}, {@link #older},
 * {@link #newer}, {@link #active}), which only its stripe's lock holder touches.
 *
 * <p>A key is the bytes the client sent (memcached's keys are binary but for space, line ends
 * and NUL), kept with its {@link ItemStore#hash} so a lookup compares the hash before the bytes.
 */
final class Item {
    /** Bookkeeping charged per item on top of key and value, roughly what the JVM spends on it. */
    static final int OVERHEAD = 64;

    final byte[] key;
    /** {@link ItemStore#hash} of {@link #key}. */
    final int hash;
    final byte[] value;
    final int flags;
    /** When it expires (ms), or 0 for never. */
    final long expiresAt;
    final long cas;
    /** When it was stored (ms): a delayed {@code flush_all} invalidates items stored before its deadline. */
    final long storedAt;
    /** The log sequence number of the mutation that made it (0: replayed, already in the log). */
    long lsn;

    /** The next item in its stripe's hash bucket. */
    Item chain;
    /** Its neighbours in its stripe's LRU list: toward the oldest, toward the newest. */
    Item older;
    Item newer;
    /** Looked up since it last reached the old end of the LRU: it is spared once from eviction. */
    boolean active;

    Item(byte[] key, int hash, byte[] value, int flags, long expiresAt, long cas, long storedAt) {
        this.key = key;
        this.hash = hash;
        this.value = value;
        this.flags = flags;
        this.expiresAt = expiresAt;
        this.cas = cas;
        this.storedAt = storedAt;
    }

    Item(byte[] key, byte[] value, int flags, long expiresAt, long cas, long storedAt) {
        this(key, ItemStore.hash(key, 0, key.length), value, flags, expiresAt, cas, storedAt);
    }

    /** An item whose key is the Latin-1 bytes of {@code key} (one byte per char): tests and tools. */
    Item(String key, byte[] value, int flags, long expiresAt, long cas, long storedAt) {
        this(key.getBytes(StandardCharsets.ISO_8859_1), value, flags, expiresAt, cas, storedAt);
    }

    /** The key as Latin-1 text, one char per byte. */
    String keyString() {
        return new String(key, StandardCharsets.ISO_8859_1);
    }

    long size() {
        return size(key.length, value.length);
    }

    static long size(int keyLength, int valueLength) {
        return (long) OVERHEAD + keyLength + valueLength;
    }

    Item withExpiry(long expiresAt, long cas) {
        return new Item(key, hash, value, flags, expiresAt, cas, storedAt);
    }
}
