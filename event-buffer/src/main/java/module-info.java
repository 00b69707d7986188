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
 * Buffers and buffered connections on the laio loop, libevent's {@code evbuffer} and
 * {@code bufferevent}: {@link io.laio.buffer.EvBuffer} is a chain of pooled off-heap segments
 * ({@link io.laio.buffer.SegmentPool}) with file ranges sent by {@code sendfile};
 * {@link io.laio.buffer.BufferEvent} is a connection over a raw socket descriptor whose every
 * socket call goes through {@link io.laio.Laio}, with read and write callbacks, watermarks and
 * timeouts.
 *
 * <p>Needs native access like {@code io.laio}: {@code --enable-native-access=io.laio} (module
 * path) or {@code ALL-UNNAMED} (class path).
 */
module io.laio.buffer {
    requires transitive io.laio;
    requires transitive io.laio.event;
    requires org.slf4j;

    exports io.laio.buffer;
}
