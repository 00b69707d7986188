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
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import org.slf4j.LoggerFactory;

/**
 * A raw listening TCP socket (IPv4 or IPv6) made with plain calls through a {@link Laio}
 * ({@code socket}, {@code SO_REUSEADDR}, {@code bind}, {@code listen}, {@code getsockname}: none
 * of them waits). Opening is apart from accepting ({@link RawListener}), so a server may bind
 * before its loops exist (kv binds, replays its log, then starts its loops) and give each
 * socket to its loop's listener later.
 *
 * @param fd   the listening descriptor
 * @param port the port it is bound to (the one the kernel picked for port 0)
 */
public record ListenSocket(int fd, int port) {
    /**
     * Opens, binds and listens; on failure closes what it opened.
     *
     * @param laio        the calls go through it (none waits)
     * @param bind        the address and port (0: the kernel picks one)
     * @param socketFlags {@code SOCK_NONBLOCK} and {@code SOCK_CLOEXEC} as wanted
     * @param reusePort   whether to set {@code SO_REUSEPORT}: every loop of a group then binds
     *                    its own socket to the port, and the kernel spreads connections over them
     * @param backlog     the length of the queue of connections not yet accepted
     * @return the listening socket
     * @throws IOException naming the call that failed and its errno
     */
    public static ListenSocket open(Laio laio, InetSocketAddress bind, int socketFlags, boolean reusePort, int backlog)
            throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(SocketAbi.SOCKADDR_MAX, 8);
            MemorySegment len = arena.allocate(4, 4);
            MemorySegment one = arena.allocate(4, 4);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            int family = bind.getAddress() instanceof Inet6Address ? SocketAbi.AF_INET6 : SocketAbi.AF_INET;
            int s = (int) check(laio.syscall(Sys.SYS_socket, family, SocketAbi.SOCK_STREAM | socketFlags, 0), "socket");
            try {
                check(laio.syscall(Sys.SYS_setsockopt, s, SocketAbi.SOL_SOCKET, SocketAbi.SO_REUSEADDR, one.address(), 4),
                        "setsockopt(SO_REUSEADDR)");
                if (reusePort) {
                    check(laio.syscall(Sys.SYS_setsockopt, s, SocketAbi.SOL_SOCKET, SocketAbi.SO_REUSEPORT, one.address(), 4),
                            "setsockopt(SO_REUSEPORT)");
                }
                int n = SocketAbi.sockaddr(sa, bind.getAddress(), bind.getPort());
                check(laio.syscall(Sys.SYS_bind, s, sa.address(), n), "bind to " + bind);
                check(laio.syscall(Sys.SYS_listen, s, backlog), "listen");
                len.set(ValueLayout.JAVA_INT, 0, SocketAbi.SOCKADDR_MAX);
                check(laio.syscall(Sys.SYS_getsockname, s, sa.address(), len.address()), "getsockname");
            } catch (IOException e) {
                laio.close(s);
                throw e;
            }
            return new ListenSocket(s, SocketAbi.port(sa));
        }
    }

    /**
     * {@link #open(Laio, InetSocketAddress, int, boolean, int) Opens} a non-blocking, close-on-exec
     * socket, as a {@link RawListener} takes it, through an inline {@code Laio} of its own: for a
     * server that binds before its loops (and their {@code Laio}s) exist.
     *
     * @param bind      the address and port (0: the kernel picks one)
     * @param reusePort whether to set {@code SO_REUSEPORT}
     * @param backlog   the length of the queue of connections not yet accepted
     * @return the listening socket
     * @throws IOException naming the call that failed and its errno
     */
    public static ListenSocket open(InetSocketAddress bind, boolean reusePort, int backlog) throws IOException {
        try (Laio setup = inline()) {
            return open(setup, bind, RawListener.SOCKET_FLAGS, reusePort, backlog);
        }
    }

    /**
     * Closes the socket inline, for one no {@link RawListener} has taken (a listener closes its
     * own). Failure is logged, not thrown: the descriptor is gone either way.
     */
    public void close() {
        try (Laio setup = inline()) {
            if (setup.close(fd) != 0) {
                LoggerFactory.getLogger(ListenSocket.class).debug("close({}): {}", fd, Errno.name(Laio.errno()));
            }
        }
    }

    private static Laio inline() {
        return Laio.create(LaioConfig.builder().policy(Policy.INLINE).build());
    }

    private static long check(long r, String what) throws IOException {
        if (r == -1) {
            throw new IOException(what + " failed: " + Errno.name(Laio.errno()));
        }
        return r;
    }
}
