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
import io.laio.Sys;
import io.laio.examples.net.ListenSocket;
import io.laio.examples.net.RawListener;
import io.laio.examples.net.SocketAbi;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;

/**
 * thttpd's listener for its LAIO socket modes: a {@link RawListener} ({@code accept4} as a LAIO
 * call) that stops at the server's connection limit ({@link ThttpdServer#full()}) and tells the
 * server of each pause for want of descriptors, which it logs at most once in a hundred.
 *
 * <p>With {@code --defer-accept} (laio-laio only) the listener defers each connection until its
 * first bytes are there ({@code TCP_DEFER_ACCEPT}, as nginx's {@code listen ... deferred}): an
 * HTTP client speaks first, so the accept and the first request come in one loop wake-up and the
 * first receive completes inline, where it otherwise waited on the loop's epoll (one wait and one
 * wake-up fewer per connection, ~0.2 per request on the rice trace; on two loops, each at half
 * the load and asleep more often, each of those wake-ups can cost a sleep: docs/BENCHMARKS.md). A
 * client that connects and says nothing is accepted after about {@value #DEFER_SECONDS} s (the
 * kernel's next SYN-ACK), and then the timeouts run as before. It is off by default because it
 * reorders the backlog: a connection enters the accept queue when it speaks (or is forced in by
 * that SYN-ACK), not when it connected, so a silent client loses its place in the queue.
 */
final class LaioListener implements Listener, RawListener.Acceptor {
    /** As {@link NioListener}'s. */
    private static final int BACKLOG = 1024;
    /** How long the kernel holds a connection that has sent nothing before it is accepted anyway. */
    static final int DEFER_SECONDS = 1;

    private final ThttpdServer server;
    private final RawListener raw;

    LaioListener(ThttpdServer server, Laio laio, InetSocketAddress bind, boolean reusePort) throws IOException {
        this.server = server;
        ListenSocket socket = ListenSocket.open(laio, bind, RawListener.SOCKET_FLAGS, reusePort, BACKLOG);
        if (server.deferAccept()) {
            deferAccept(laio, socket.fd());
        }
        this.raw = RawListener.on(laio, socket);
        if (server.ringIo()) {
            raw.noDelayOnListener(); // one setsockopt for all: on the ring every other call of a connection is an entry
        }
    }

    /** {@code TCP_DEFER_ACCEPT} on the listening socket; a refusal is logged and the listener accepts at once as before. */
    private static void deferAccept(Laio laio, int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment seconds = a.allocate(ValueLayout.JAVA_INT);
            seconds.set(ValueLayout.JAVA_INT, 0, DEFER_SECONDS);
            if (laio.syscall(Sys.SYS_setsockopt, fd, SocketAbi.IPPROTO_TCP, SocketAbi.TCP_DEFER_ACCEPT, seconds.address(), 4) != 0) {
                ThttpdServer.LOG.warn("TCP_DEFER_ACCEPT refused ({}): connections are accepted before their first bytes",
                        Errno.name(Laio.errno()));
            }
        }
    }

    @Override
    public int port() {
        return raw.port();
    }

    @Override
    public void start() {
        raw.start(this);
    }

    @Override
    public void resume() {
        raw.resume();
    }

    @Override
    public void close() {
        raw.close();
    }

    @Override
    public void accepted(int fd) {
        server.acceptedFd(fd);
    }

    @Override
    public boolean full() {
        return server.full();
    }

    @Override
    public void paused(String why) {
        server.acceptFailed(why);
    }
}
