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

import java.io.IOException;

/**
 * Makes {@link Backend}s; found by {@link java.util.ServiceLoader} when
 * {@link io.laio.event.EventBase#create()} builds a base. The provider with the highest
 * {@link #priority()} wins; with none on the path the base uses a parking backend that runs
 * timers, tasks, signals and completions but watches no channels.
 */
public interface BackendProvider {
    /** A short name for logs, e.g. {@code "nio"}. */
    String name();

    /** Higher wins when several providers are present. */
    int priority();

    /** Opens a new backend for one base; called once per base, on the creating thread. */
    Backend open() throws IOException;
}
