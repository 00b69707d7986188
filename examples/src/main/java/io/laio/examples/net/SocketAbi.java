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

import io.laio.abi.OpenFlags;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * The socket vocabulary the examples' raw sockets use ({@code AF_INET*}, {@code SOCK_*},
 * {@code SO_*}, {@code TCP_NODELAY}, {@code TCP_CORK}, {@code SHUT_WR}) and the one place that lays out a
 * {@code sockaddr_in} or {@code sockaddr_in6}; laio's {@link io.laio.abi} covers files only.
 */
public final class SocketAbi {
    /** {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** {@code AF_INET6}. */
    public static final int AF_INET6 = 10;
    /** {@code SOCK_STREAM}. */
    public static final int SOCK_STREAM = 1;
    /** {@code SOCK_NONBLOCK} (the value of {@code O_NONBLOCK}). */
    public static final int SOCK_NONBLOCK = OpenFlags.O_NONBLOCK;
    /** {@code SOCK_CLOEXEC} (the value of {@code O_CLOEXEC}). */
    public static final int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    /** {@code SOL_SOCKET}. */
    public static final int SOL_SOCKET = 1;
    /** {@code SO_REUSEADDR}. */
    public static final int SO_REUSEADDR = 2;
    /** {@code SO_REUSEPORT} (x86_64 and aarch64 alike). */
    public static final int SO_REUSEPORT = 15;
    /** {@code IPPROTO_TCP}. */
    public static final int IPPROTO_TCP = 6;
    /** {@code TCP_NODELAY}. */
    public static final int TCP_NODELAY = 1;
    /** {@code TCP_CORK}: hold partial frames until uncorked (a response head and its {@code sendfile} body go together). */
    public static final int TCP_CORK = 3;
    /** {@code TCP_DEFER_ACCEPT}: a listener reports a connection once its first bytes are there (seconds to wait for them). */
    public static final int TCP_DEFER_ACCEPT = 9;
    /** {@code shutdown(2)}'s {@code SHUT_WR}: no more sends, the peer reads end-of-file. */
    public static final int SHUT_WR = 1;
    /** The room a {@code sockaddr_in6} (the larger of the two) takes. */
    public static final int SOCKADDR_MAX = 28;

    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAbi() {}

    /**
     * Lays out {@code address:port} in {@code sa} (at least {@link #SOCKADDR_MAX} bytes).
     *
     * @return the address's length: 16 for IPv4, 28 for IPv6
     */
    public static int sockaddr(MemorySegment sa, InetAddress address, int port) {
        sa.asSlice(0, SOCKADDR_MAX).fill((byte) 0);
        sa.set(SHORT_BE, 2, (short) port);
        if (address instanceof Inet4Address) {
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        MemorySegment.copy(address.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
        sa.set(ValueLayout.JAVA_INT, 24, ((Inet6Address) address).getScopeId());
        return 28;
    }

    /** The port of a {@code sockaddr_in} or {@code sockaddr_in6}. @return it */
    public static int port(MemorySegment sa) {
        return Short.toUnsignedInt(sa.get(SHORT_BE, 2));
    }
}
