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
import java.net.InetSocketAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept loop of a raw listening socket: {@code accept4} is a LAIO call, which returns a
 * connection at once while one is queued, and otherwise completes as an {@link Ev#LAIO} event
 * when one arrives (on an {@code epoll} base: the loop's own epoll, no thread). One accept is in
 * flight at a time. Each accepted socket is non-blocking, close-on-exec, with {@code TCP_NODELAY}
 * (a server answers or forwards what it has at once), and goes to the {@link Acceptor}.
 *
 * <p>Accepting pauses in two cases, while the connections already open go on being served:
 * <ul>
 *   <li>the acceptor says it is {@link Acceptor#full() full}: until it calls {@link #resume()};
 *   <li>{@code accept4} fails for want of descriptors or memory ({@code EMFILE}, {@code ENFILE},
 *       {@code ENOBUFS}, {@code ENOMEM}): for {@link #BACKOFF}, then by itself. The connection
 *       stays in the backlog, so accepting again at once would only spin.
 * </ul>
 *
 * <p>The socket is opened apart ({@link ListenSocket}), so it may be bound before the loop and
 * its {@code Laio} exist; {@link #open} does both at once.
 *
 * <p>Threading: made, started, resumed and closed on the loop thread of the {@link Laio}'s base;
 * the acceptor runs there.
 */
public final class RawListener implements AutoCloseable {
    /** Takes each accepted connection; asked whether to go on accepting. */
    public interface Acceptor {
        /**
         * A new connection, owned by the acceptor from now on.
         *
         * @param fd the connected socket
         */
        void accepted(int fd);

        /**
         * Whether the server holds as many connections as it may; asked before each accept. While
         * it answers yes, accepting stops until {@link RawListener#resume()}. The default: never full.
         *
         * @return whether to stop accepting
         */
        default boolean full() {
            return false;
        }

        /**
         * Accepting failed for want of descriptors or memory and pauses for {@link RawListener#BACKOFF}. The
         * default logs a warning each time (about ten a second at most).
         *
         * @param why the errno's name, e.g. {@code EMFILE}
         */
        default void paused(String why) {
            LOG.warn("accept failed, pausing accepts for {} ms: {}", BACKOFF.toMillis(), why);
        }
    }

    /** How long accepting pauses when descriptors or memory run out. */
    public static final Duration BACKOFF = Duration.ofMillis(100);
    /** {@code SOCK_NONBLOCK | SOCK_CLOEXEC}: how the listening socket and every accepted one are made. */
    public static final int SOCKET_FLAGS = SocketAbi.SOCK_NONBLOCK | SocketAbi.SOCK_CLOEXEC;
    /** The backlog {@link #open} listens with. */
    private static final int BACKLOG = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(RawListener.class);
    /** The errors that pause accepting, and their names loaded now: out of descriptors, no class file could be opened then. */
    private static final int[] PAUSING = {Errno.EMFILE, Errno.ENFILE, Errno.ENOBUFS, Errno.ENOMEM};
    private static final String[] PAUSING_NAMES = {Errno.name(Errno.EMFILE), Errno.name(Errno.ENFILE),
            Errno.name(Errno.ENOBUFS), Errno.name(Errno.ENOMEM)};

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
    /** Set by {@link #noDelayOnListener()}: accepted sockets inherit TCP_NODELAY, none is set per connection. */
    private boolean noDelayInherited;

    private RawListener(Laio laio, ListenSocket socket) {
        this.laio = laio;
        this.base = laio.base();
        this.fd = socket.fd();
        this.port = socket.port();
        this.one = Arena.ofAuto().allocate(4, 4);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        this.backoff = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> acceptAll(), null);
    }

    /**
     * The accept loop of {@code socket}, which it owns from now on (and closes with {@link #close}).
     *
     * @param laio   an attached Laio; its base is the loop the listener runs on
     * @param socket a listening socket opened with {@link #SOCKET_FLAGS}
     * @return the listener, not accepting until {@link #start}
     * @throws IllegalArgumentException if {@code laio} is not attached to an event base
     */
    public static RawListener on(Laio laio, ListenSocket socket) {
        return new RawListener(attached(laio), socket);
    }

    /**
     * Opens a listening socket through {@code laio} ({@link ListenSocket#open}, backlog 4096) and
     * makes its accept loop; on failure closes what it opened.
     *
     * @param laio      an attached Laio; its base is the loop the listener runs on
     * @param bind      the address and port (0: the kernel picks one)
     * @param reusePort whether to set {@code SO_REUSEPORT}, so every loop of a group can bind
     *                  the same port and the kernel spreads connections over them
     * @return the listener, not accepting until {@link #start}
     * @throws IOException naming the call that failed and its errno
     */
    public static RawListener open(Laio laio, InetSocketAddress bind, boolean reusePort) throws IOException {
        return new RawListener(attached(laio), ListenSocket.open(laio, bind, SOCKET_FLAGS, reusePort, BACKLOG));
    }

    private static Laio attached(Laio laio) {
        if (laio.base() == null) {
            throw new IllegalArgumentException("the Laio must be attached to an EventBase");
        }
        return laio;
    }

    /**
     * Sets {@code TCP_NODELAY} on the listening socket, which Linux copies to every socket it
     * accepts, so that no {@code setsockopt} is made per connection. Call it before {@link #start}.
     *
     * @return whether the option was set (if not, each accepted socket still gets it)
     */
    public boolean noDelayOnListener() {
        noDelayInherited = laio.syscall(Sys.SYS_setsockopt, fd, SocketAbi.IPPROTO_TCP, SocketAbi.TCP_NODELAY, one.address(), 4) == 0;
        return noDelayInherited;
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

    /**
     * Accepts again after the acceptor was {@link Acceptor#full() full} and has room now. Does
     * nothing before {@link #start}, after {@link #close}, or while an accept is in flight.
     */
    public void resume() {
        if (acceptor != null) {
            acceptAll();
        }
    }

    private void acceptAll() {
        while (!closed && pending == null) {
            if (acceptor.full()) {
                return; // the acceptor calls resume() when a connection closes
            }
            long r = laio.accept(fd, SOCKET_FLAGS);
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
            if (!noDelayInherited
                    && laio.syscall(Sys.SYS_setsockopt, c, SocketAbi.IPPROTO_TCP, SocketAbi.TCP_NODELAY, one.address(), 4) != 0) {
                LOG.debug("TCP_NODELAY on fd {}: {}", c, Errno.name(Laio.errno()));
            }
            acceptor.accepted(c);
            return true;
        }
        if (closed || errno == Errno.ECANCELED) {
            return false;
        }
        for (int i = 0; i < PAUSING.length; i++) {
            if (errno == PAUSING[i]) {
                backoff.add(BACKOFF);
                acceptor.paused(PAUSING_NAMES[i]);
                return false;
            }
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
        if (laio.close(fd) != 0 && Laio.errno() != Errno.EINPROGRESS) { // in progress: a deferred close on the ring
            LOG.warn("closing the listener: {}", Errno.name(Laio.errno()));
        }
    }
}
