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


package io.laio.bench.core;

import io.laio.event.Ev;
import io.laio.event.EventBase;

/**
 * An {@link EventBase} looping with {@code LOOP_NO_EXIT_ON_EMPTY} on a platform thread of its own
 * until {@link #halt()}: the loop a benchmark thread hands work to. Made in a benchmark's
 * {@code @Setup}, stopped in its {@code @TearDown}.
 */
public final class LoopThread {
    /** The loop; any thread may {@code execute} on it. */
    public final EventBase base;
    private final Thread thread;

    /** Starts {@code base}'s loop on a thread named {@code name}; set up what must precede the loop before. */
    public LoopThread(EventBase base, String name) {
        this.base = base;
        thread = Thread.ofPlatform().name(name).start(() -> base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY));
    }

    /** Breaks the loop and waits for its thread; the base stays open. */
    public void halt() throws InterruptedException {
        base.execute(base::loopBreak);
        thread.join();
    }

    /** {@link #halt()}, then closes the base. */
    public void stop() throws InterruptedException {
        halt();
        base.close();
    }
}
