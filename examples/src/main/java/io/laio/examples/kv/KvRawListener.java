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

package io.laio.examples.kv;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.LaioHandle;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.abi.OpenFlags;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.examples.http.ListenSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The raw listener of {@code kv --io buffered}: {@code accept4} as a LAIO call, returning a
 * connection at once while one waits and otherwise completing as an EV_LAIO event; one accept
 * in flight at a time. Each accepted descriptor (non-blocking, {@code TCP_NODELAY}) goes to
 * {@code onAccept}. Out of descriptors, accepting rests a moment while connections are served.
 */
final class KvRawListener {
    private static final Logger LOG = LoggerFactory.getLogger(KvRawListener.class);
    static final int SOCKET_FLAGS = OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    /** Loaded now: when descriptors run out, no class file can be opened to load it then. */
    private static final String[] ERRNO_NAMES = {Errno.name(Errno.EMFILE), Errno.name(Errno.ENFILE)};

    private final EventBase base;
    private final Laio laio;
    private final int fd;
    private final IntConsumer onAccept;
    private final MemorySegment one;
    private final Event backoff;
    private final Duration rest;
    private boolean started;
    private boolean closed;
    private LaioHandle pending;

    /** Takes {@code fd}, a listening socket from {@link #open}; on {@code base}'s thread. */
    KvRawListener(EventBase base, Laio laio, int fd, Duration rest, IntConsumer onAccept) {
        this.base = base;
        this.laio = laio;
        this.fd = fd;
        this.rest = rest;
        this.onAccept = onAccept;
        this.one = Arena.ofAuto().allocate(4, 4);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        this.backoff = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> acceptAll(), null);
    }

    /** A non-blocking listening socket on {@code at} (IPv4); with {@code reusePort}, others may bind the port. */
    static ListenSocket open(InetSocketAddress at, boolean reusePort) throws IOException {
        try (Laio setup = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build()); Arena a = Arena.ofConfined()) {
            return ListenSocket.open(setup, a, at.getAddress(), at.getPort(), SOCKET_FLAGS, reusePort);
        }
    }

    /** Closes a descriptor not (or no longer) owned by a loop, inline. */
    static void closeFd(int fd) {
        try (Laio inline = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build())) {
            if (inline.close(fd) != 0) {
                LOG.debug("close({}): {}", fd, Errno.name(Laio.errno()));
            }
        }
    }

    void start() {
        if (!started) {
            started = true;
            acceptAll();
        }
    }

    private void acceptAll() {
        while (!closed && pending == null) {
            long r = laio.accept(fd, SOCKET_FLAGS);
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
            int c = (int) r;
            if (closed) {
                laio.close(c);
                return false;
            }
            if (laio.syscall(Sys.SYS_setsockopt, c, IPPROTO_TCP, TCP_NODELAY, one.address(), 4) != 0) {
                LOG.debug("TCP_NODELAY on fd {}: {}", c, Errno.name(Laio.errno()));
            }
            onAccept.accept(c);
            return true;
        }
        if (closed || errno == Errno.ECANCELED) {
            return false;
        }
        if (errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM) {
            // the connection stays in the backlog: accepting again at once would spin
            String name = errno == Errno.EMFILE ? ERRNO_NAMES[0] : errno == Errno.ENFILE ? ERRNO_NAMES[1] : "errno " + errno;
            LOG.warn("accept failed, pausing accepts for {} ms: {}", rest.toMillis(), name);
            backoff.add(rest);
            return false;
        }
        LOG.debug("accept: {}", Errno.name(errno)); // ECONNABORTED and the like: the next one
        return true;
    }

    /** Stops accepting and closes the socket; this loop's thread. Closing twice does nothing. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        backoff.del();
        if (pending != null) {
            laio.cancel(pending); // the accept waiting for a connection ends with ECANCELED
        }
        if (laio.close(fd) != 0) {
            LOG.warn("closing the listener: {}", Errno.name(Laio.errno()));
        }
    }
}
