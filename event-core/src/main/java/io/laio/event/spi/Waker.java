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
 * Wakes a loop after another thread has handed it work. Call it <em>after</em> publishing the
 * work (enqueue first, then wake): the loop's wake-up protocol then guarantees the work is seen,
 * and only a loop that is asleep or about to sleep is actually woken, so calling it per item
 * is cheap. Any thread.
 */
@FunctionalInterface
public interface Waker {
    /**
     * Wakes the loop when it is asleep or about to sleep, so that it sees the work published
     * before this call; when it is awake, does nothing. Any thread.
     */
    void wakeup();
}
