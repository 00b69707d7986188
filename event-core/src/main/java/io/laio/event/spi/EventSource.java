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

/**
 * A source object that is neither a channel, a signal name nor {@code null}: it is told when an
 * event on it is added or deleted, and makes it active with {@link Loops#deliver}. A LAIO
 * handle is one. Both methods run on the loop thread (or the owning thread before the loop runs).
 */
public interface EventSource {
    /** {@code ev} became pending on this source; if the outcome is already known, deliver it now. */
    void added(Event ev);

    /** {@code ev} is no longer pending on this source; later outcomes are not delivered to it. */
    void deleted(Event ev);
}
