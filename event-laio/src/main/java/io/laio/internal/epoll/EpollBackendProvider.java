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

package io.laio.internal.epoll;

import io.laio.Laio;
import io.laio.event.spi.Backend;
import io.laio.event.spi.BackendProvider;
import java.io.IOException;

/**
 * The {@code "epoll"} backend ({@code EventBase.create("epoll")}): a loop that polls its own
 * epoll instance, on which a {@link Laio} attached to it waits for its sockets without a
 * thread. It watches no NIO channels, so it ranks below {@code "nio"} when
 * {@code EventBase.create()} chooses, and above the parking backend.
 */
public final class EpollBackendProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public EpollBackendProvider() {}

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public Backend open() throws IOException {
        return new EpollBackend();
    }
}
