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

package io.laio.internal.lanes;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gate between many submitters and the one who shuts a queue's consumer down: after
 * {@link #close()} returns, every submitter that got in has left (its hand-over is complete and
 * visible) and every later one is refused. What close then drains is all there will ever be, and
 * a resource the submitters touch (an eventfd they signal) may be released.
 *
 * <p>Threading: {@link #enter}/{@link #leave} from any thread, in pairs; {@link #close} from any
 * thread, any number of times. One word: the count of threads inside, with the sign bit set once
 * closed. A submitter increments, then reads the sign; close sets the sign, then waits for the
 * count to drain. Both are read-modify-writes of the same word, so they are ordered: either the
 * increment came first (close sees the count and waits for the matching leave) or the sign did
 * (the submitter sees it and backs out). Costs two uncontended atomic adds per submit.
 */
public final class SubmitGate {
    private static final int CLOSED = Integer.MIN_VALUE;
    private final AtomicInteger word = new AtomicInteger();

    /** Any thread: {@code true} if in (call {@link #leave()} after, in a finally); {@code false} once closed. */
    public boolean enter() {
        if (word.incrementAndGet() < 0) {
            word.decrementAndGet();
            return false;
        }
        return true;
    }

    public void leave() {
        word.decrementAndGet();
    }

    /**
     * Refuses every later {@link #enter} and waits until every thread inside has left (they
     * only hand a record over: microseconds). Must not be called from inside the gate.
     */
    public void close() {
        int w = word.get();
        while (w >= 0 && !word.compareAndSet(w, w | CLOSED)) {
            w = word.get();
        }
        while (word.get() != CLOSED) {
            Thread.onSpinWait();
        }
    }

    public boolean closed() {
        return word.get() < 0;
    }
}
