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

package io.laio;

/**
 * A file descriptor as an event source: pass it to {@link io.laio.event.Event#set Event.set}
 * with {@link io.laio.event.Ev#READ}, {@link io.laio.event.Ev#WRITE} or
 * {@link io.laio.event.Ev#CLOSED} to watch a socket, pipe or other pollable descriptor that is no
 * NIO channel (one from {@code socket}, {@code accept4}, {@code pipe2} through {@link Laio#syscall}).
 *
 * <p>Only bases whose backend watches descriptors by number take it: {@code "epoll"} and
 * {@code "uring"} ({@link io.laio.event.EventBase#create(String)}); on any other
 * {@code Event.set} throws {@link IllegalArgumentException}. The readiness is level-triggered,
 * as with channels.
 *
 * <p>Equal by number, as the kernel sees a descriptor: several {@code Descriptor} objects for one
 * number are one source of the base, each of their events fires on its own conditions, and LAIO's
 * own waits on that socket (a {@code recvfrom} that would block) share it too. The base does not
 * own the descriptor: closing it stays the caller's job, after deleting its events; a number
 * closed while watched stops reporting (the kernel drops its entry), and one reused for a new
 * file is watched afresh at its next {@code add()}.
 *
 * <p>A number that is not open when its event is added: on {@code "epoll"}, {@code add()} throws
 * {@link java.io.UncheckedIOException} whose cause names {@code EBADF}; on {@code "uring"}, whose
 * ring learns of it only when the entry is submitted, the event is deleted in the next loop pass.
 * Either way the base serves its other events on.
 *
 * @param fd the descriptor number, 0 or more
 */
public record Descriptor(int fd) {

    /**
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public Descriptor {
        if (fd < 0) {
            throw new IllegalArgumentException("a descriptor number is 0 or more: " + fd);
        }
    }
}
