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

/** Receives what a {@link Backend#poll} found; called on the loop thread, inside {@code poll}. */
public interface ReadySink {
    /**
     * The source registered with {@code attachment} is ready for {@code events} (an OR of
     * {@link io.laio.event.Ev#READ}, {@link io.laio.event.Ev#WRITE}, {@link io.laio.event.Ev#CLOSED}).
     */
    void ready(Object attachment, int events);

    /**
     * The source registered with {@code attachment} can no longer be watched (its channel was
     * closed); the base makes its events non-pending and they never fire.
     */
    void invalid(Object attachment);
}
