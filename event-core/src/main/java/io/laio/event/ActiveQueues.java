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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One intrusive FIFO list of active events per priority (lower number first). Events link
 * through their own {@code activeNext}/{@code activePrev} fields, so activation and removal
 * allocate nothing and removal (a {@code del()} from another callback) is O(1). Loop thread only.
 */
final class ActiveQueues {
    private static final VarHandle TOTAL;

    static {
        try {
            TOTAL = MethodHandles.lookup().findVarHandle(ActiveQueues.class, "total", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Event[] heads;
    private Event[] tails;
    private int[] sizes;
    private int total;

    ActiveQueues(int priorities) {
        heads = new Event[priorities];
        tails = new Event[priorities];
        sizes = new int[priorities];
    }

    int priorities() {
        return heads.length;
    }

    void resize(int priorities) {
        heads = new Event[priorities];
        tails = new Event[priorities];
        sizes = new int[priorities];
    }

    int total() {
        return total;
    }

    /**
     * Any thread, for {@link LoopStats}: the loop thread writes {@code total} plainly, so this
     * is a racy read of a recent value; an opaque read is never torn nor hoisted out of a
     * caller's loop.
     */
    int totalRacy() {
        return (int) TOTAL.getOpaque(this);
    }

    void append(Event ev) {
        int p = ev.priority;
        ev.activeNext = null;
        ev.activePrev = tails[p];
        if (tails[p] == null) {
            heads[p] = ev;
        } else {
            tails[p].activeNext = ev;
        }
        tails[p] = ev;
        sizes[p]++;
        total++;
    }

    void remove(Event ev) {
        int p = ev.priority;
        if (ev.activePrev == null) {
            heads[p] = ev.activeNext;
        } else {
            ev.activePrev.activeNext = ev.activeNext;
        }
        if (ev.activeNext == null) {
            tails[p] = ev.activePrev;
        } else {
            ev.activeNext.activePrev = ev.activePrev;
        }
        ev.activeNext = null;
        ev.activePrev = null;
        sizes[p]--;
        total--;
    }

    /** The most urgent priority with active events, or -1. */
    int firstNonEmpty() {
        if (total == 0) {
            return -1;
        }
        for (int p = 0; p < sizes.length; p++) {
            if (sizes[p] != 0) {
                return p;
            }
        }
        return -1;
    }

    int size(int priority) {
        return sizes[priority];
    }

    Event head(int priority) {
        return heads[priority];
    }
}
