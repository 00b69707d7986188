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

package io.laio.event.spi;

import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.internal.LoopAccess;

/** How a completion source (the LAIO engine) plugs into an {@link EventBase}. */
public final class Loops {
    private Loops() {}

    /**
     * Attaches a source of cross-thread work to {@code base}: the loop drains it every pass and
     * re-checks it before sleeping. Call on the owning thread (before the loop runs) or the loop
     * thread.
     *
     * @return the waker producers call after enqueuing into {@code source}
     */
    public static Waker attach(EventBase base, LoopSource source) {
        return LoopAccess.get().attach(base, source);
    }

    /** Detaches a source attached with {@link #attach}; loop or owning thread. */
    public static void detach(EventBase base, LoopSource source) {
        LoopAccess.get().detach(base, source);
    }

    /**
     * Whether the backend of {@code base} can watch {@code source} for readiness (its
     * {@link Backend#accepts}): an event on such a source can be added to {@code base}. A
     * capability the backend reports, for a source that has more than one way to wait — LAIO's
     * socket waits use the loop's own poller when it can watch a raw descriptor, else a thread
     * of their own. Any thread.
     *
     * @param base   the base whose backend is asked
     * @param source the kind of source to watch
     * @return whether events on {@code source} can be added to {@code base}
     */
    public static boolean canWatch(EventBase base, Object source) {
        return LoopAccess.get().canWatch(base, source);
    }

    /**
     * The backend of {@code base} if it is a {@code type}, else {@code null}: for a module that
     * provides a backend and also a user of that backend's own facilities (event-laio's uring
     * backend and LAIO's calls submitted on the loop's ring). Any thread; what the backend then
     * allows, and on which thread, is its own contract.
     *
     * @param base the base whose backend is asked for
     * @param type the backend class the caller knows how to use
     * @param <T>  that class
     * @return the backend, or {@code null} when {@code base} runs on another kind
     */
    public static <T extends Backend> T backend(EventBase base, Class<T> type) {
        Backend b = LoopAccess.get().backend(base);
        return type.isInstance(b) ? type.cast(b) : null;
    }

    /**
     * Loop thread: records {@code result} and {@code error} on {@code ev} (read back through
     * {@link Event#result()} / {@link Event#error()}) and makes it active with {@link io.laio.event.Ev#LAIO}.
     * Does nothing if {@code ev} is not pending.
     */
    public static void deliver(Event ev, long result, int error) {
        LoopAccess.get().deliver(ev, result, error);
    }
}
