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
 * The laio event loop: {@link io.laio.event.EventBase}, {@link io.laio.event.Event} and the
 * backend SPI that readiness backends ({@code io.laio.event.nio}) and completion sources
 * ({@code io.laio}) plug into.
 */
module io.laio.event {
    requires org.slf4j;
    requires org.jctools.core;
    requires jdk.unsupported;
    requires jdk.jfr;

    exports io.laio.event;
    exports io.laio.event.spi;

    uses io.laio.event.spi.BackendProvider;
}
