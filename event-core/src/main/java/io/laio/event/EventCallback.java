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

/**
 * The code an {@link Event} runs when it becomes active. Always called on the loop thread of
 * the event's base.
 */
@FunctionalInterface
public interface EventCallback {
    /**
     * @param ev   the event that fired; for {@link Ev#LAIO} events {@link Event#result()} and
     *             {@link Event#error()} hold the completed call's outcome
     * @param what why it fired: the OR of the {@link Ev} flags that made it active
     * @param arg  the argument given to {@link Event#set}
     */
    void onEvent(Event ev, int what, Object arg);
}
