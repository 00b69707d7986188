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
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * A raw listening TCP socket made with plain calls through a {@link Laio} ({@code socket},
 * {@code SO_REUSEADDR}, {@code bind}, {@code listen}, {@code getsockname}: none of them waits).
 *
 * @param fd   the listening descriptor
 * @param port the port it is bound to (the one the kernel picked for port 0)
 */
public record ListenSocket(int fd, int port) {
    /** {@code SO_REUSEPORT} on Linux (x86_64 and aarch64 alike). */
    private static final int SO_REUSEPORT = 15;

    /** {@link #open(Laio, Arena, InetAddress, int, int, boolean)} without {@code SO_REUSEPORT}. */
    static ListenSocket open(Laio laio, Arena arena, InetAddress bind, int port, int socketFlags) throws IOException {
        return open(laio, arena, bind, port, socketFlags, false);
    }

    /**
     * Opens, binds and listens; on failure closes what it opened.
     *
     * @param socketFlags {@code SOCK_NONBLOCK} and {@code SOCK_CLOEXEC} as wanted
     * @param reusePort   whether to set {@code SO_REUSEPORT}: every loop of a group then binds
     *                    its own socket to the port, and the kernel spreads connections over them
     * @param laio        the calls go through it (none waits)
     * @param arena       for the socket address while opening
     * @param bind        an IPv4 address
     * @param port        the port, 0 for any free one
     * @throws IOException naming the call that failed and its errno
     * @return the listening socket
     */
    public static ListenSocket open(Laio laio, Arena arena, InetAddress bind, int port, int socketFlags, boolean reusePort)
            throws IOException {
        if (!(bind instanceof Inet4Address v4)) {
            throw new IOException("raw listeners take IPv4 addresses only, not " + bind);
        }
        MemorySegment sa = arena.allocate(LinuxAbi.SOCKADDR_IN_SIZE, 4);
        MemorySegment len = arena.allocate(4, 4);
        MemorySegment one = arena.allocate(4, 4);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        int s = (int) check(laio.syscall(Sys.SYS_socket, LinuxAbi.AF_INET, LinuxAbi.SOCK_STREAM | socketFlags, 0), "socket");
        try {
            check(laio.syscall(Sys.SYS_setsockopt, s, LinuxAbi.SOL_SOCKET, LinuxAbi.SO_REUSEADDR, one.address(), 4),
                    "setsockopt(SO_REUSEADDR)");
            if (reusePort) {
                check(laio.syscall(Sys.SYS_setsockopt, s, LinuxAbi.SOL_SOCKET, SO_REUSEPORT, one.address(), 4),
                        "setsockopt(SO_REUSEPORT)");
            }
            LinuxAbi.sockaddrIn(sa, v4.getAddress(), port);
            check(laio.syscall(Sys.SYS_bind, s, sa.address(), LinuxAbi.SOCKADDR_IN_SIZE), "bind to " + bind + ":" + port);
            check(laio.syscall(Sys.SYS_listen, s, 1024), "listen");
            len.set(ValueLayout.JAVA_INT, 0, (int) LinuxAbi.SOCKADDR_IN_SIZE);
            check(laio.syscall(Sys.SYS_getsockname, s, sa.address(), len.address()), "getsockname");
        } catch (IOException e) {
            laio.close(s);
            throw e;
        }
        return new ListenSocket(s, LinuxAbi.sockaddrInPort(sa));
    }

    private static long check(long r, String what) throws IOException {
        if (r == -1) {
            throw new IOException(what + " failed: " + Errno.name(Laio.errno()));
        }
        return r;
    }
}
