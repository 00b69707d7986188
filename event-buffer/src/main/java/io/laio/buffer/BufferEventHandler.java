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

package io.laio.buffer;

/**
 * What a {@link BufferEvent} tells its user, on the loop thread: libevent's read, write and
 * event callbacks in one object (so a connection costs one reference, not three lambdas).
 * Each method may call anything on the connection, {@link BufferEvent#close()} included.
 */
public interface BufferEventHandler {
    /**
     * New bytes are in {@link BufferEvent#input()} and it holds at least the read low
     * watermark. Called after every read that leaves it so; drain what you use (what you leave
     * stays, and counts against the read high watermark).
     *
     * @param be the connection
     */
    default void onRead(BufferEvent be) {}

    /**
     * A write left {@link BufferEvent#output()} at or below the write low watermark (0 by
     * default: everything was sent): the moment to add more.
     *
     * @param be the connection
     */
    default void onWrite(BufferEvent be) {}

    /**
     * Something happened to the connection: {@code events} is {@link BufferEvent#CONNECTED};
     * or {@link BufferEvent#EOF}, {@link BufferEvent#ERROR} or {@link BufferEvent#TIMEOUT}
     * together with {@link BufferEvent#READING} or {@link BufferEvent#WRITING} saying which
     * direction met it. After EOF reading has stopped; after an ERROR or TIMEOUT the direction
     * named is disabled. The connection stays open until you {@link BufferEvent#close()} it.
     *
     * @param be     the connection
     * @param events the flags
     * @param errno  for ERROR the kernel's errno ({@link io.laio.Errno}); for TIMEOUT
     *               {@link io.laio.Errno#ETIMEDOUT}; 0 otherwise
     */
    default void onEvent(BufferEvent be, int events, int errno) {}
}
