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

package io.laio.event;

import java.util.Arrays;

/**
 * The base's readiness sources, each with its {@link SourceRecord}, keyed by {@link Object#equals}:
 * two source objects that name one descriptor (an epoll base's {@code Descriptor(7)}, made once by
 * the application and once by LAIO's socket waits) are one source, with one backend entry
 * watching the union of their events' interests — as libevent keeps one list per descriptor. An
 * identity map gave each object an entry of its own, and the backend, which knows descriptors
 * only, kept the later one, so the earlier object's events never fired again.
 *
 * <p>Open addressing with linear probing and backward-shift deletion, load at most one half:
 * adding and deleting a source allocate nothing (a {@code HashMap} node each time would be an
 * allocation per socket wait, which re-adds its event), only growing does. Loop thread only.
 */
final class SourceTable {

    private Object[] keys = new Object[64];
    private SourceRecord[] values = new SourceRecord[64];
    private int size;

    int size() {
        return size;
    }

    /** The record of the source equal to {@code source}, or null. */
    SourceRecord get(Object source) {
        Object[] ks = keys;
        int mask = ks.length - 1;
        for (int i = slot(source, mask); ; i = (i + 1) & mask) {
            Object k = ks[i];
            if (k == null) {
                return null;
            }
            if (k == source || k.equals(source)) {
                return values[i];
            }
        }
    }

    /** Adds {@code rec} under {@code source}, which must not be in the table. */
    void put(Object source, SourceRecord rec) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        insert(source, rec);
        size++;
    }

    /** Removes the source equal to {@code source}; nothing if there is none. */
    void remove(Object source) {
        Object[] ks = keys;
        int mask = ks.length - 1;
        int i = slot(source, mask);
        while (true) {
            Object k = ks[i];
            if (k == null) {
                return;
            }
            if (k == source || k.equals(source)) {
                break;
            }
            i = (i + 1) & mask;
        }
        // backward shift: move each later entry of the run into the hole when its home slot
        // does not lie cyclically between the hole and it, so no probe ever stops short
        int hole = i;
        for (int j = (hole + 1) & mask; ks[j] != null; j = (j + 1) & mask) {
            int home = slot(ks[j], mask);
            boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays) {
                ks[hole] = ks[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        ks[hole] = null;
        values[hole] = null;
        size--;
    }

    /** A copy of the records, for a caller that changes the table while it walks them. */
    SourceRecord[] snapshot() {
        SourceRecord[] out = new SourceRecord[size];
        int n = 0;
        for (SourceRecord r : values) {
            if (r != null) {
                out[n++] = r;
            }
        }
        return out;
    }

    private void insert(Object source, SourceRecord rec) {
        Object[] ks = keys;
        int mask = ks.length - 1;
        int i = slot(source, mask);
        while (ks[i] != null) {
            i = (i + 1) & mask;
        }
        ks[i] = source;
        values[i] = rec;
    }

    private void grow() {
        Object[] oldKeys = keys;
        SourceRecord[] oldValues = values;
        keys = new Object[oldKeys.length * 2];
        values = new SourceRecord[oldKeys.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    /** Home slot: the hash spread (Fibonacci hashing), as descriptor numbers are small and dense. */
    private static int slot(Object source, int mask) {
        int h = source.hashCode() * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    @Override
    public String toString() {
        return "SourceTable" + Arrays.toString(snapshot());
    }
}
