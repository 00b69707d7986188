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

package io.laio.examples.net;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A raw listening TCP socket (IPv4 or IPv6) whose {@code accept4} is a LAIO call: it returns a
 * connection at once while one is queued, and otherwise completes as an {@link Ev#LAIO} event
 * when one arrives (on an {@code epoll} base: the loop's own epoll, no thread). One accept is in
 * flight at a time. Each accepted socket is non-blocking, close-on-exec, with {@code TCP_NODELAY}
 * (an echo or a proxy forwards what it has at once), and goes to the {@link Acceptor}.
 *
 * <p>Threading: made, started and closed on the loop thread of the {@link Laio}'s base; the
 * acceptor runs there.
 */
public final class RawListener implements AutoCloseable {
    /** Takes each accepted connection. */
    public interface Acceptor {
        /**
         * A new connection, owned by the acceptor from now on.
         *
         * @param fd the connected socket
         */
        void accepted(int fd);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RawListener.class);
    /** How long accepting pauses when descriptors run out: the connections we have go on being served. */
    private static final Duration BACKOFF = Duration.ofMillis(100);
    private static final int FLAGS = SocketAbi.SOCK_NONBLOCK | SocketAbi.SOCK_CLOEXEC;

    private final Laio laio;
    private final EventBase base;
    private final int fd;
    private final int port;
    private final MemorySegment one;
    private final Event backoff;
    private final EventCallback onAccepted = (ev, what, arg) -> accepted(ev.result(), ev.error());
    private Acceptor acceptor;
    private LaioHandle pending;
    private boolean closed;

    private RawListener(Laio laio, int fd, int port, MemorySegment one) {
        this.laio = laio;
        this.base = laio.base();
        this.fd = fd;
        this.port = port;
        this.one = one;
        this.backoff = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> acceptAll(), null);
    }

    /**
     * Opens, binds and listens (with {@code SO_REUSEADDR}, and {@code SO_REUSEPORT} if asked);
     * on failure closes what it opened.
     *
     * @param laio      an attached Laio; its base is the loop the listener runs on
     * @param bind      the address and port (0: the kernel picks one)
     * @param reusePort whether to set {@code SO_REUSEPORT}, so every loop of a group can bind
     *                  the same port and the kernel spreads connections over them
     * @return the listener, not accepting until {@link #start}
     * @throws IOException naming the call that failed and its errno
     */
    public static RawListener open(Laio laio, InetSocketAddress bind, boolean reusePort) throws IOException {
        if (laio.base() == null) {
            throw new IllegalArgumentException("the Laio must be attached to an EventBase");
        }
        MemorySegment mem = Arena.ofAuto().allocate(SocketAbi.SOCKADDR_MAX + 8L, 8);
        MemorySegment sa = mem.asSlice(0, SocketAbi.SOCKADDR_MAX);
        MemorySegment len = mem.asSlice(SocketAbi.SOCKADDR_MAX, 4);
        MemorySegment one = mem.asSlice(SocketAbi.SOCKADDR_MAX + 4L, 4);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        int family = bind.getAddress() instanceof Inet6Address ? SocketAbi.AF_INET6 : SocketAbi.AF_INET;
        int s = (int) check(laio.syscall(Sys.SYS_socket, family, SocketAbi.SOCK_STREAM | FLAGS, 0), "socket");
        try {
            check(laio.syscall(Sys.SYS_setsockopt, s, SocketAbi.SOL_SOCKET, SocketAbi.SO_REUSEADDR, one.address(), 4),
                    "setsockopt(SO_REUSEADDR)");
            if (reusePort) {
                check(laio.syscall(Sys.SYS_setsockopt, s, SocketAbi.SOL_SOCKET, SocketAbi.SO_REUSEPORT, one.address(), 4),
                        "setsockopt(SO_REUSEPORT)");
            }
            int n = SocketAbi.sockaddr(sa, bind.getAddress(), bind.getPort());
            check(laio.syscall(Sys.SYS_bind, s, sa.address(), n), "bind");
            check(laio.syscall(Sys.SYS_listen, s, 4096), "listen");
            len.set(ValueLayout.JAVA_INT, 0, SocketAbi.SOCKADDR_MAX);
            check(laio.syscall(Sys.SYS_getsockname, s, sa.address(), len.address()), "getsockname");
        } catch (IOException e) {
            laio.close(s);
            throw e;
        }
        return new RawListener(laio, s, SocketAbi.port(sa), one);
    }

    private static long check(long r, String what) throws IOException {
        if (r == -1) {
            throw new IOException(what + " failed: " + Errno.name(Laio.errno()));
        }
        return r;
    }

    /** The port it listens on (the one the kernel picked for port 0). @return the port */
    public int port() {
        return port;
    }

    /**
     * Starts accepting; every connection goes to {@code to}.
     *
     * @param to the acceptor
     * @throws IllegalStateException if started already
     */
    public void start(Acceptor to) {
        if (acceptor != null) {
            throw new IllegalStateException("started already");
        }
        acceptor = to;
        acceptAll();
    }

    private void acceptAll() {
        while (!closed && pending == null) {
            long r = laio.accept(fd, FLAGS);
            if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
                pending = laio.gethandle();
                Event.set(base, pending, Ev.LAIO, onAccepted, null).add();
                return;
            }
            if (!handle(r, r == -1 ? Laio.errno() : 0)) {
                return;
            }
        }
    }

    private void accepted(long r, int errno) {
        pending = null;
        if (handle(r, errno)) {
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
            if (laio.syscall(Sys.SYS_setsockopt, c, SocketAbi.IPPROTO_TCP, SocketAbi.TCP_NODELAY, one.address(), 4) != 0) {
                LOG.debug("TCP_NODELAY on fd {}: {}", c, Errno.name(Laio.errno()));
            }
            acceptor.accepted(c);
            return true;
        }
        if (closed || errno == Errno.ECANCELED) {
            return false;
        }
        if (errno == Errno.EMFILE || errno == Errno.ENFILE || errno == Errno.ENOBUFS || errno == Errno.ENOMEM) {
            LOG.warn("accept: {}; pausing {} ms", Errno.name(errno), BACKOFF.toMillis());
            backoff.add(BACKOFF);
            return false;
        }
        LOG.debug("accept: {}", Errno.name(errno)); // ECONNABORTED and the like: take the next one
        return true;
    }

    /** Stops accepting and closes the socket; connections handed out stay open. Closing twice does nothing. */
    @Override
    public void close() {
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
