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

/**
 * The {@link java.nio.channels.Selector} backend of the laio event loop: {@code Ev.READ} and
 * {@code Ev.WRITE} events on any {@link java.nio.channels.SelectableChannel}. On the module or
 * class path, {@link io.laio.event.EventBase#create()} picks it up by itself.
 */
module io.laio.event.nio {
    requires transitive io.laio.event;
    requires org.slf4j;

    exports io.laio.event.nio;

    provides io.laio.event.spi.BackendProvider with io.laio.event.nio.NioBackendProvider;
}
