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

package io.laio.bench.peers;

import static io.laio.abi.MsgFlags.MSG_NOSIGNAL;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.abi.OpenFlags;
import io.laio.bench.AverageNanos;
import io.laio.bench.core.LoopThread;
import io.laio.bench.nio.LoopbackEcho;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventCallback;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A 64-byte echo round trip over loopback TCP beside Netty's, one server loop thread each; the
 * benchmark thread is the client (a blocking SocketChannel, TCP_NODELAY on both ends).
 * <ul>
 *   <li>{@code laio-nio}: a persistent READ {@link Event} on the NIO channel (event-nio's
 *       selector), read and write with the channel, as io.laio.bench.nio.EchoBenchmark;</li>
 *   <li>{@code laio-epoll}: a raw socket on the epoll backend driven by LAIO: {@code recvfrom}
 *       and {@code sendto} through {@link Laio#syscall}; a call that would block waits on the
 *       loop's own epoll and completes as an {@link Ev#LAIO} event (the thttpd laio-laio path);</li>
 *   <li>{@code netty-epoll}, {@code netty-io_uring}: Netty's echo server (a handler that writes
 *       back what it reads, pooled buffers).</li>
 * </ul>
 */
@State(Scope.Benchmark)
public class EchoPeersBenchmark extends AverageNanos {
    private static final int AF_INET = 2;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = OpenFlags.O_NONBLOCK;
    private static final int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_NODELAY = 1;

    @Param({"laio-nio", "laio-epoll", "netty-epoll", "netty-io_uring"})
    public String server;

    private SocketChannel client;
    private final ByteBuffer request = ByteBuffer.allocateDirect(64);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(64);
    // laio
    private LoopThread loop;
    private LoopbackEcho pair;
    private Laio laio;
    private Arena arena;
    private int listenFd = -1;
    private int connFd = -1;
    private MemorySegment buf;
    // netty
    private EventLoopGroup group;
    private Channel nettyServer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        switch (server) {
            case "laio-nio" -> setUpLaioNio();
            case "laio-epoll" -> setUpLaioEpoll();
            case "netty-epoll", "netty-io_uring" -> setUpNetty(server.substring(6));
            default -> throw new IllegalArgumentException(server);
        }
    }

    private void setUpLaioNio() throws IOException {
        pair = LoopbackEcho.open();
        client = pair.client;
        SocketChannel conn = pair.server;
        ByteBuffer b = ByteBuffer.allocateDirect(4096);
        loop = Loops.laio("nio", base -> { });
        loop.base.execute(() -> Event.set(loop.base, conn, Ev.READ | Ev.PERSIST,
                (ev, what, arg) -> LoopbackEcho.echo(conn, b), null).add());
    }

    private void setUpLaioEpoll() throws IOException {
        arena = Arena.ofShared();
        buf = arena.allocate(4096, 64);
        MemorySegment sa = arena.allocate(16, 4);
        MemorySegment len = arena.allocate(4, 4);
        MemorySegment one = arena.allocate(4, 4);
        one.set(ValueLayout.JAVA_INT, 0, 1);
        loop = Loops.laio("epoll", b -> laio = Laio.attach(b));
        listenFd = (int) check(laio.syscall(Sys.SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        sa.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) 0);
        sa.setAtIndex(ValueLayout.JAVA_BYTE, 4, (byte) 127);
        sa.setAtIndex(ValueLayout.JAVA_BYTE, 7, (byte) 1);
        check(laio.syscall(Sys.SYS_bind, listenFd, sa.address(), 16), "bind");
        check(laio.syscall(Sys.SYS_listen, listenFd, 16), "listen");
        len.set(ValueLayout.JAVA_INT, 0, 16);
        check(laio.syscall(Sys.SYS_getsockname, listenFd, sa.address(), len.address()), "getsockname");
        int port = Short.toUnsignedInt(sa.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2));
        client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        client.socket().setTcpNoDelay(true);
        // the connection is queued already: a blocking accept4 returns at once
        connFd = (int) check(laio.syscall(Sys.SYS_accept4, listenFd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC), "accept4");
        check(laio.syscall(Sys.SYS_setsockopt, connFd, IPPROTO_TCP, TCP_NODELAY, one.address(), 4), "setsockopt");
        loop.base.execute(this::receive);
    }

    private static long check(long r, String what) throws IOException {
        if (r == -1) {
            throw new IOException(what + " failed: " + Errno.name(Laio.errno()));
        }
        return r;
    }

    private final EventCallback onReceived = (ev, what, arg) -> received(ev.result());
    private final EventCallback onSent = (ev, what, arg) -> receive();
    /** The connection's one handle and one event, re-pointed at each wait: a wait allocates nothing. */
    private LaioHandle handle;
    private Event waiting;

    /** On the loop thread: a LAZY recvfrom; if it would block, its completion is an EV_LAIO event. */
    private void receive() {
        long r = laio.syscall(Sys.SYS_recvfrom, connFd, buf.address(), 4096, 0, 0, 0);
        if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
            await(onReceived);
        } else {
            received(r);
        }
    }

    private void received(long n) {
        if (n <= 0) {
            return; // closed (or failed): the trial is over
        }
        long w = laio.syscall(Sys.SYS_sendto, connFd, buf.address(), n, MSG_NOSIGNAL, 0, 0);
        if (w == -1 && Laio.errno() == Errno.EINPROGRESS) {
            await(onSent);
        } else {
            receive();
        }
    }

    /** Waits for the call that just went to the background with the connection's handle and event. */
    private void await(EventCallback cb) {
        handle = laio.gethandle(handle);
        if (waiting == null) {
            waiting = Event.set(loop.base, handle, Ev.LAIO, cb, null);
        } else {
            waiting.assign(handle, Ev.LAIO, cb, null);
        }
        waiting.add();
    }

    /** Netty's echo server handler: writes back what it reads. */
    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private void setUpNetty(String transport) throws Exception {
        group = Loops.nettyGroup(transport);
        EchoHandler handler = new EchoHandler();
        nettyServer = new ServerBootstrap()
                .group(group)
                .channel(Loops.nettyServerChannel(transport))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(handler);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        client = SocketChannel.open((InetSocketAddress) nettyServer.localAddress());
        client.socket().setTcpNoDelay(true);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        if (laio != null) {
            loop.halt();
            laio.close(connFd);
            laio.close(listenFd);
            laio.close();
            loop.base.close();
            arena.close();
        } else if (loop != null) {
            loop.stop();
        }
        if (pair != null) {
            pair.close();
        }
        if (group != null) {
            nettyServer.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Benchmark
    public int roundTrip() throws IOException {
        return LoopbackEcho.exchange(client, request, reply);
    }
}
