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
import java.util.Arrays;

/**
 * One parsed command line: what {@link CommandParser} fills and the server executes. Its keys
 * are copies of the line's bytes in {@link #keyBytes} (a storage command's key must outlive the
 * line, which the input buffer reuses before the data block arrives), made without any object
 * per key; {@link #keyOff} and {@link #keyLen} say where each is.
 */
final class Request {
    enum Kind {
        GET, GETS, SET, ADD, REPLACE, APPEND, PREPEND, CAS, DELETE, INCR, DECR, TOUCH, FLUSH_ALL,
        VERSION, VERBOSITY, STATS, STATS_RESET, QUIT,
        /** The line was refused: {@link #error} is the reply. */
        INVALID
    }

    Kind kind;
    /** The keys' bytes, one after another; {@link #keyCount} keys. */
    byte[] keyBytes = new byte[KEY_ROOM];
    int[] keyOff = new int[KEY_SLOTS];
    int[] keyLen = new int[KEY_SLOTS];
    int keyCount;
    int flags;
    /** The exptime argument as sent (memcached's rules turn it into a deadline). */
    long exptime;
    /** Bytes of data that follow a storage command (without the trailing CRLF). */
    int length;
    long cas;
    long delta;
    boolean noreply;
    String error;

    private static final int KEY_ROOM = 1024;
    private static final int KEY_SLOTS = 16;

    /** Appends the key {@code b[off..off+len)}. */
    void addKey(byte[] b, int off, int len) {
        int at = keyCount == 0 ? 0 : keyOff[keyCount - 1] + keyLen[keyCount - 1];
        if (at + len > keyBytes.length) {
            keyBytes = Arrays.copyOf(keyBytes, Math.max(keyBytes.length * 2, at + len));
        }
        if (keyCount == keyOff.length) {
            keyOff = Arrays.copyOf(keyOff, keyCount * 2);
            keyLen = Arrays.copyOf(keyLen, keyCount * 2);
        }
        System.arraycopy(b, off, keyBytes, at, len);
        keyOff[keyCount] = at;
        keyLen[keyCount++] = len;
    }

    /** The first key as Latin-1 text (one char per byte): tests and messages. */
    String key() {
        return key(0);
    }

    /** Key {@code i} as Latin-1 text. */
    String key(int i) {
        return new String(keyBytes, keyOff[i], keyLen[i], StandardCharsets.ISO_8859_1);
    }

    /** A copy of the first key's bytes: an item's own key. */
    byte[] keyCopy() {
        return Arrays.copyOfRange(keyBytes, keyOff[0], keyOff[0] + keyLen[0]);
    }

    /** {@link ItemStore#hash} of key {@code i}. */
    int keyHash(int i) {
        return ItemStore.hash(keyBytes, keyOff[i], keyLen[i]);
    }

    boolean isStorage() {
        return kind == Kind.SET || kind == Kind.ADD || kind == Kind.REPLACE || kind == Kind.APPEND
                || kind == Kind.PREPEND || kind == Kind.CAS;
    }

    void reset() {
        kind = null;
        if (keyOff.length > KEY_SLOTS || keyBytes.length > KEY_ROOM) {
            keyBytes = new byte[KEY_ROOM]; // after a long multi-get line
            keyOff = new int[KEY_SLOTS];
            keyLen = new int[KEY_SLOTS];
        }
        keyCount = 0;
        flags = 0;
        exptime = 0;
        length = 0;
        cas = 0;
        delta = 0;
        noreply = false;
        error = null;
    }
}
