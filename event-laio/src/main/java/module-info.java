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
 * Lazy Asynchronous I/O: {@link io.laio.Laio#syscall(long)} runs any Linux system call, inline
 * when it can complete without blocking, otherwise in the background, reported once, complete,
 * through {@link io.laio.Laio#poll} or as an {@link io.laio.event.Ev#LAIO} event on an
 * {@link io.laio.event.EventBase}.
 *
 * <p>Needs native access: run with {@code --enable-native-access=io.laio} (module path) or
 * {@code --enable-native-access=ALL-UNNAMED} (class path), or {@code Enable-Native-Access:
 * ALL-UNNAMED} in a runnable jar's manifest.
 */
module io.laio {
    requires transitive io.laio.event;
    requires jdk.jfr;
    requires org.slf4j;
    requires org.jctools.core;

    exports io.laio;
    exports io.laio.abi;

    provides io.laio.event.spi.BackendProvider with io.laio.internal.epoll.EpollBackendProvider, io.laio.uring.UringBackendProvider;
}
