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

package io.laio.event.nio;

import io.laio.event.spi.Backend;
import io.laio.event.spi.BackendProvider;
import java.io.IOException;

/** Registers {@link NioBackend} with {@link java.util.ServiceLoader}. */
public final class NioBackendProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public NioBackendProvider() {}

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Backend open() throws IOException {
        return new NioBackend();
    }
}
