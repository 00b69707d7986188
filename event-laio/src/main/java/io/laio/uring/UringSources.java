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

package io.laio.uring;

import io.laio.Descriptor;

/**
 * The raw-descriptor source this backend watches: the public {@link Descriptor}, the one the
 * epoll backend and LAIO's socket waits use, so a base on either backend takes the same sources.
 */
final class UringSources {
    private UringSources() {}

    static boolean accepts(Object source) {
        return source instanceof Descriptor;
    }

    /** A source for descriptor {@code fd}, equal to every other source of that number. */
    static Object source(int fd) {
        return new Descriptor(fd);
    }

    /** The descriptor number of an {@link #accepts accepted} source. */
    static int fd(Object source) {
        return ((Descriptor) source).fd();
    }
}
