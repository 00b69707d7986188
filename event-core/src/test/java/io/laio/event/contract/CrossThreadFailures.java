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

package io.laio.event.contract;

import io.laio.event.Event;
import io.laio.event.EventBase;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * Carries what goes wrong off the test thread back to it. An {@link AssertionError} thrown on a
 * producer thread is only printed by the thread's default handler, and one thrown in a loop
 * callback or task is only logged by the base's uncaught handler; either way the test thread
 * passes. Code on other threads runs through {@link #start} or {@link #guard}, callbacks report
 * through {@link #uncaughtHandler()}, and the test thread calls {@link #assertNone()}.
 *
 * <p>Threading: every method from any thread.
 */
public final class CrossThreadFailures {
    /** A body that may throw anything (assertions, checked exceptions). */
    @FunctionalInterface
    public interface Body {
        void run() throws Throwable;
    }

    private final ConcurrentLinkedQueue<Throwable> seen = new ConcurrentLinkedQueue<>();

    /** Records {@code t} for {@link #assertNone()}. */
    public void record(Throwable t) {
        seen.add(t);
    }

    /** {@code body} as a {@link Runnable} that records what it throws instead of letting it go. */
    public Runnable guard(Body body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                record(t);
            }
        };
    }

    /** Starts a platform thread running {@code body}, guarded. */
    public Thread start(String name, Body body) {
        return Thread.ofPlatform().name(name).start(guard(body));
    }

    /** For {@link EventBase#setUncaughtHandler}: a callback or task that throws fails the test. */
    public BiConsumer<Event, Throwable> uncaughtHandler() {
        return (ev, t) -> record(t);
    }

    /** Test thread: throws the first failure recorded (the others suppressed in it), if any. */
    public void assertNone() {
        Throwable first = seen.poll();
        if (first == null) {
            return;
        }
        AssertionError e = new AssertionError("failed off the test thread: " + first, first);
        for (Throwable t; (t = seen.poll()) != null; ) {
            e.addSuppressed(t);
        }
        throw e;
    }
}
