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

package io.laio.examples.http;

/**
 * The listening socket: accepts connections and hands each to the server. When accept fails
 * for want of descriptors ({@code EMFILE}, {@code ENFILE}) it stops accepting for a moment and
 * keeps serving the connections it has; at the server's connection limit it stops accepting
 * until a connection closes, leaving newcomers in the kernel's backlog. Loop thread only.
 */
interface Listener extends AutoCloseable {
    /** The port it listens on. */
    int port();

    /** Starts accepting on the loop. */
    void start();

    /** Accepts again after the server paused it at its connection limit ({@link ThttpdServer#full()}). */
    void resume();

    @Override
    void close();
}
