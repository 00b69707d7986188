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

package io.laio.bench.buffer;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import io.laio.abi.OpenFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;

/**
 * A loopback TCP connection whose server end is a raw non-blocking descriptor (for a
 * {@link io.laio.buffer.BufferEvent} or a LAIO loop) and whose client end is the benchmark
 * thread's blocking {@link Socket}, Nagle off on both; made with plain calls before the loop
 * serves it (the connection is queued, so the accept returns at once).
 */
final class RawLoopback implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    /** The listening socket; the caller closes it with {@link #close()}. */
    final int listenFd;
    /** The port it listens on. */
    final int port;
    private final Laio laio;

    private RawLoopback(Laio laio, int listenFd, int port) {
        this.laio = laio;
        this.listenFd = listenFd;
        this.port = port;
    }

    /** A listening socket on 127.0.0.1, any port, made through {@code laio}'s plain calls. */
    static RawLoopback listen(Laio laio) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocate(16, 4);
            MemorySegment len = arena.allocate(4, 4);
            int fd = (int) check(laio.syscall(Sys.SYS_socket, AF_INET, SOCK_STREAM | OpenFlags.O_CLOEXEC, 0), "socket");
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            sa.setAtIndex(ValueLayout.JAVA_BYTE, 4, (byte) 127);
            sa.setAtIndex(ValueLayout.JAVA_BYTE, 7, (byte) 1);
            check(laio.syscall(Sys.SYS_bind, fd, sa.address(), 16), "bind");
            check(laio.syscall(Sys.SYS_listen, fd, 64), "listen");
            len.set(ValueLayout.JAVA_INT, 0, 16);
            check(laio.syscall(Sys.SYS_getsockname, fd, sa.address(), len.address()), "getsockname");
            return new RawLoopback(laio, fd, Short.toUnsignedInt(sa.get(SHORT_BE, 2)));
        }
    }

    /** A blocking client socket connected to this listener, Nagle off. */
    Socket connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    /** A blocking client channel connected to this listener, Nagle off (direct buffers: no allocation per call). */
    SocketChannel connectChannel() throws IOException {
        SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        c.socket().setTcpNoDelay(true);
        return c;
    }

    /** Accepts the queued connection: non-blocking, close-on-exec, Nagle off. */
    int accept() throws IOException {
        int fd = (int) check(laio.syscall(Sys.SYS_accept4, listenFd, 0, 0, OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC),
                "accept4");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(4, 4);
            one.set(ValueLayout.JAVA_INT, 0, 1);
            check(laio.syscall(Sys.SYS_setsockopt, fd, IPPROTO_TCP, TCP_NODELAY, one.address(), 4), "setsockopt");
        }
        return fd;
    }

    static long check(long r, String what) throws IOException {
        if (r == -1) {
            throw new IOException(what + " failed: " + Errno.name(Laio.errno()));
        }
        return r;
    }

    @Override
    public void close() {
        laio.close(listenFd);
    }
}
