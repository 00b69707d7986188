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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The process-wide side of signal events. A JVM has one handler per signal, so this installs
 * one for a name while any base has a signal event on it, forwards each delivery to those
 * bases (which run the callbacks on their loop threads), and restores the previous handler
 * when the last one goes.
 */
final class SignalHub {
    private static final Map<String, Entry> ENTRIES = new HashMap<>();

    private static final class Entry implements SignalHandler {
        final List<EventBase> bases = new ArrayList<>();
        SignalHandler previous;

        @Override
        public void handle(Signal sig) {
            EventBase[] targets;
            synchronized (SignalHub.class) {
                targets = bases.toArray(new EventBase[0]);
            }
            for (EventBase b : targets) {
                b.signalArrived(sig.getName());
            }
        }
    }

    private SignalHub() {}

    /**
     * Registers {@code base} for {@code name} (counted: once per signal event).
     *
     * @throws IllegalArgumentException if the JVM does not let applications handle the signal
     */
    static synchronized void register(String name, EventBase base) {
        Entry e = ENTRIES.get(name);
        if (e == null) {
            Entry fresh = new Entry();
            Signal sig;
            try {
                sig = new Signal(name);
                fresh.previous = Signal.handle(sig, fresh);
            } catch (IllegalArgumentException refused) {
                throw new IllegalArgumentException("signal " + name + " cannot be handled here (" + refused.getMessage()
                        + "); the JVM reserves some signals, e.g. QUIT, and SEGV/BUS/FPE/ILL", refused);
            }
            ENTRIES.put(name, fresh);
            e = fresh;
        }
        e.bases.add(base);
    }

    /** Undoes one {@link #register}; the last one restores the handler that was there before. */
    static synchronized void unregister(String name, EventBase base) {
        Entry e = ENTRIES.get(name);
        if (e == null || !e.bases.remove(base)) {
            return;
        }
        if (e.bases.isEmpty()) {
            ENTRIES.remove(name);
            Signal.handle(new Signal(name), e.previous != null ? e.previous : SignalHandler.SIG_DFL);
        }
    }
}
