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

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;

/**
 * Closes descriptors through a {@link Laio} without waiting for the outcome, as every close of
 * a file or socket of thttpd's goes. On the ring ({@link ServeMode#LAIO_URING}) a close goes
 * with the pass's wait and posts nothing when it works ({@link Laio#closeUnawaited}: the Laio
 * logs a failure). Where the kernel cannot skip a success it completes as an event of its own,
 * which only logs a failure; its handle and event are reused, and the rare close made while
 * the last one is still pending gets a new event (a connection's socket closed in the pass its
 * file was). Loop thread only.
 */
final class DescriptorCloser {
    private static final EventCallback ON_CLOSED = (ev, what, arg) -> {
        if (ev.result() != 0) {
            ThttpdServer.LOG.debug("close: errno {}", ev.error());
        }
    };

    private final EventBase base;
    private final Laio laio;
    private LaioHandle handle;
    private Event event;

    DescriptorCloser(EventBase base, Laio laio) {
        this.base = base;
        this.laio = laio;
    }

    void close(int fd) {
        long r = laio.closeUnawaited(fd);
        if (r == 0) {
            return;
        }
        if (Laio.errno() != Errno.EINPROGRESS) {
            ThttpdServer.LOG.debug("close fd {}: errno {}", fd, Laio.errno());
            return;
        }
        if (event != null && event.pending(Ev.LAIO)) {
            Event.set(base, laio.gethandle(), Ev.LAIO, ON_CLOSED, null).add();
            return;
        }
        handle = laio.gethandle(handle);
        if (event == null) {
            event = Event.set(base, handle, Ev.LAIO, ON_CLOSED, null);
        } else if (event.source() != handle) {
            event.assign(handle, Ev.LAIO, ON_CLOSED, null);
        }
        event.add();
    }
}
