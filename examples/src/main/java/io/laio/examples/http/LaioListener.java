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
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * A raw listening socket whose {@code accept4} is a LAIO call: it returns a connection at once
 * while one is waiting, and otherwise completes as an EV_LAIO event when one arrives. One
 * accept is in flight at a time.
 */
final class LaioListener implements Listener {
    /** Loaded now: when descriptors run out, no class file can be opened to load it then. */
    private static final String[] ERRNO_NAMES = {Errno.name(Errno.EMFILE), Errno.name(Errno.ENFILE)};

    private final ThttpdServer server;
    private final EventBase base;
    private final Laio laio;
    private final int fd;
    private final int port;
    private final MemorySegment one;
    private final Event backoff;
    private boolean closed;
    private LaioHandle pending;

    LaioListener(ThttpdServer server, EventBase base, Laio laio, Arena arena, InetSocketAddress bind, boolean reusePort)
            throws IOException {
        this.server = server;
        this.base = base;
        this.laio = laio;
        this.one = arena.allocate(4, 4);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        ListenSocket l = ListenSocket.open(laio, arena, bind.getAddress(), bind.getPort(),
                LinuxAbi.SOCK_NONBLOCK | LinuxAbi.SOCK_CLOEXEC, reusePort);
        this.fd = l.fd();
        this.port = l.port();
        this.backoff = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> acceptAll(), null);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void start() {
        acceptAll();
    }

    @Override
    public void resume() {
        acceptAll();
    }

    private void acceptAll() {
        while (!closed && pending == null) {
            if (server.full()) {
                return; // the server calls resume() when a connection closes
            }
            long r = laio.accept(fd, LinuxAbi.SOCK_NONBLOCK | LinuxAbi.SOCK_CLOEXEC);
            if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
                pending = laio.gethandle();
                Event.set(base, pending, Ev.LAIO, (ev, what, arg) -> accepted(ev), null).add();
                return;
            }
            if (!handle(r, Laio.errno())) {
                return;
            }
        }
    }

    private void accepted(Event ev) {
        pending = null;
        if (handle(ev.result(), ev.error())) {
            acceptAll();
        }
    }

    /** One accept's outcome; false when accepting pauses. */
    private boolean handle(long r, int errno) {
        if (r >= 0) {
            if (closed) {
                laio.close((int) r);
                return false;
            }
            int c = (int) r;
            if (laio.syscall(Sys.SYS_setsockopt, c, LinuxAbi.IPPROTO_TCP, LinuxAbi.TCP_NODELAY, one.address(), 4) != 0) {
                ThttpdServer.LOG.debug("TCP_NODELAY on fd {}: {}", c, Errno.name(Laio.errno()));
            }
            server.acceptedFd(c);
            return true;
        }
        if (closed || errno == Errno.ECANCELED) {
            return false;
        }
        if (errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM) {
            backoff.add(server.acceptBackoff()); // out of descriptors: pause accepting, keep serving
            server.acceptFailed(errno == Errno.EMFILE ? ERRNO_NAMES[0] : errno == Errno.ENFILE ? ERRNO_NAMES[1] : "errno " + errno);
            return false;
        }
        ThttpdServer.LOG.debug("accept: {}", Errno.name(errno)); // ECONNABORTED and the like: the next one
        return true;
    }

    @Override
    public void close() {
        closed = true;
        backoff.del();
        if (pending != null) {
            laio.cancel(pending); // the accept waiting for a connection ends with ECANCELED
        }
        if (laio.close(fd) != 0) {
            ThttpdServer.LOG.warn("closing the listener: {}", Errno.name(Laio.errno()));
        }
    }
}
