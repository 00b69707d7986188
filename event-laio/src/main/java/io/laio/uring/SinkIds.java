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

import java.util.HashMap;
import java.util.Map;

/**
 * The ids of close-failure sinks ({@link UringCalls#closeUnawaited}). Unlike a batch's id, a
 * sink's id can outlive its sink: a close that works posts nothing, so the ring never learns
 * that a sink's last close is done, and a close still in the kernel (an {@code IORING_OP_CLOSE}
 * whose file's flush went to an io-wq worker, say) can fail after its Laio released the sink.
 * An {@link IdTable} gives a freed id back at the next open, and such a late failure was then
 * counted on whichever Laio opened a sink next.
 *
 * <p>Guarantee: ids are given in turn around the field {@code [0, limit)}, skipping those still
 * open, so an id given at an {@link #open} is not given again before every other id of the field
 * has been given since. A failure whose close was queued for sink {@code s} therefore reaches
 * {@code s}, or — once {@code s} is released — nobody ({@link #get} is null, the ring logs it),
 * unless {@code limit} further sinks were opened on the ring while that close was in the kernel
 * ({@value UringCalls#MAX_CLOSE_SINKS} on a ring: Laios opened and closed on one loop while one
 * close hangs). At most {@code limit} sinks are open at once.
 *
 * <p>Opening and releasing happen once per Laio (its first unawaited close, its close) and a
 * lookup once per failed close, none on a hot path: a map of the open ones is enough. Loop thread only.
 *
 * @param <T> what an id names
 */
final class SinkIds<T> {
    private final String what;
    private final int limit;
    private final Map<Integer, T> open = new HashMap<>();
    /** The id the next {@link #open} tries first. */
    private int next;

    /** Ids below {@code limit} (the width of their field) for {@code what}s. */
    SinkIds(String what, int limit) {
        this.what = what;
        this.limit = limit;
    }

    /**
     * Gives {@code item} the next id in turn not open.
     *
     * @throws IllegalStateException if every id below the limit is open
     */
    int open(T item) {
        if (open.size() == limit) {
            throw new IllegalStateException("more than " + limit + " " + what + "s open on one ring");
        }
        int id = next;
        while (open.containsKey(id)) {
            id = id + 1 == limit ? 0 : id + 1;
        }
        next = id + 1 == limit ? 0 : id + 1;
        open.put(id, item);
        return id;
    }

    /** Closes {@code id}; it comes back only after every other id in the field (see the class comment). */
    void release(int id) {
        if (open.remove(id) == null) {
            throw new IllegalStateException(what + " " + id + " is not open");
        }
    }

    /** What {@code id} names, or null if it is not open (a failure that outlived its sink). */
    T get(int id) {
        return open.get(id);
    }
}
