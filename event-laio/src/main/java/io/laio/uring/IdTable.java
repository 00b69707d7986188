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

package io.laio.uring;

import java.util.Arrays;

/**
 * Small integer ids for the objects whose completions the ring routes by a field of
 * {@code user_data} (batches): an id is taken when its object is opened and given back when it
 * is released; freed ids are reused before new ones, so they stay within the field. Only for
 * objects released after their last completion arrived: a close-failure sink, whose closes may
 * still fail after it is released, takes its ids from {@link SinkIds}. Loop thread only.
 *
 * @param <T> what an id names
 */
final class IdTable<T> {
    private final String what;
    private final int limit;
    private Object[] items = new Object[4];
    private int[] free = new int[4];
    private int freeCount;
    private int used;

    /** A table of {@code what}s whose ids must stay below {@code limit} (the width of their field). */
    IdTable(String what, int limit) {
        this.what = what;
        this.limit = limit;
    }

    /**
     * Gives {@code item} an id.
     *
     * @throws IllegalStateException if every id below the limit is taken
     */
    int open(T item) {
        int id;
        if (freeCount > 0) {
            id = free[--freeCount];
        } else {
            if (used == limit) {
                throw new IllegalStateException("more than " + limit + " " + what + "s open on one ring");
            }
            if (used == items.length) {
                items = Arrays.copyOf(items, used * 2);
                free = Arrays.copyOf(free, used * 2);
            }
            id = used++;
        }
        items[id] = item;
        return id;
    }

    /** Frees {@code id} for the next {@link #open}; an id not open is a bug in the caller. */
    void release(int id) {
        if (id < 0 || id >= used || items[id] == null) {
            throw new IllegalStateException(what + " " + id + " is not open");
        }
        items[id] = null;
        free[freeCount++] = id; // never full: one place per id ever given
    }

    /** What {@code id} names, or null if it is not open (a completion that outlived its owner). */
    @SuppressWarnings("unchecked")
    T get(int id) {
        return id >= 0 && id < used ? (T) items[id] : null;
    }

    /** One past the highest id ever given: {@link #get} of every id below it is the open set. */
    int bound() {
        return used;
    }
}
