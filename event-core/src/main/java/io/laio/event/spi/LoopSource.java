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

/**
 * Work that other threads hand to a loop and the loop drains, such as completed LAIO calls.
 * Attached to a base with {@link Loops#attach}.
 *
 * <p>Before the loop sleeps it calls {@link #beforeSleep()} of every attached source after
 * publishing that it is asleep, and each pass it calls {@link #drain}, so a producer that
 * enqueues and then calls the {@link Waker} is never left waiting. {@link #isEmpty()} is a pure
 * query the loop may ask at any time (for example to decide whether any work is left).
 */
public interface LoopSource {
    /**
     * Loop thread: handles up to {@code max} items (typically by
     * {@link Loops#deliver activating events}).
     *
     * @return how many items were handled
     */
    int drain(int max);

    /** Any thread: whether {@link #drain} would find nothing right now. Changes nothing. */
    boolean isEmpty();

    /**
     * Loop thread, right before the loop sleeps (after it published that it may sleep): the
     * source's last chance to get an item without a wake-up — it may spin briefly for one, and
     * publish whatever its producers read to decide whether to call the {@link Waker}. The loop
     * sleeps only if every source returns {@code true}; otherwise it polls without waiting and
     * drains.
     *
     * @return whether the loop may sleep: {@link #drain} would find nothing. The default is
     *         {@link #isEmpty()}.
     */
    default boolean beforeSleep() {
        return isEmpty();
    }
}
