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

package io.laio.event.internal;

import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.spi.Backend;
import io.laio.event.spi.LoopSource;
import io.laio.event.spi.Waker;

/**
 * The bridge from {@link io.laio.event.spi.Loops} to the package-private internals of
 * {@link EventBase}. Not exported: only this module installs or reads it.
 */
public interface LoopAccess {
    Waker attach(EventBase base, LoopSource source);

    void detach(EventBase base, LoopSource source);

    void deliver(Event ev, long result, int error);

    boolean canWatch(EventBase base, Object source);

    Backend backend(EventBase base);

    static LoopAccess get() {
        return Holder.access;
    }

    /** Called once, from {@code EventBase}'s static initialiser. */
    static void install(LoopAccess access) {
        Holder.access = access;
    }

    final class Holder {
        private static volatile LoopAccess access;

        private Holder() {}
    }
}
