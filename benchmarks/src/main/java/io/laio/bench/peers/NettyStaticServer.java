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

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A static-file HTTP/1.1 server on Netty, written the way Netty's own HttpStaticFileServer
 * example is: {@code HttpServerCodec}, {@code HttpObjectAggregator}, {@code ChunkedWriteHandler}
 * and a handler that opens the file with {@code RandomAccessFile}, writes the head, then the
 * body as a zero-copy {@link DefaultFileRegion} ({@code sendfile}) and the last content.
 * Keep-alive, Content-Length, 404 for a missing file, 301 to the slash form of a directory,
 * its index.html, as the thttpd example answers the trace.
 *
 * <p>By default the file work (open, length, Last-Modified) runs on the event loop; with
 * {@code --blocking-executor} it runs on a {@link DefaultEventExecutorGroup} and the reply is
 * written from the loop, as Netty tells its users to offload blocking work. The body is written
 * from the channel's loop either way: {@code sendfile} on epoll, {@code splice} through the ring
 * on io_uring.
 *
 * <p>Listens on 127.0.0.1 only; one event loop by default (thttpd's single loop).
 */
@Command(name = "netty-static", mixinStandardHelpOptions = true,
        description = "Netty static-file server (epoll, io_uring or nio transport) for the peers benchmark")
public final class NettyStaticServer extends StaticServerOptions implements Callable<Integer> {
    @Option(names = "--blocking-executor", description = "run the handler (file open, stat, region) on a DefaultEventExecutorGroup")
    boolean blockingExecutor;

    @Option(names = "--blocking-threads", defaultValue = "16", description = "threads of that group (default ${DEFAULT-VALUE})")
    int blockingThreads;

    public static void main(String[] args) {
        System.exit(new CommandLine(new NettyStaticServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!rootIsDirectory()) {
            return 2;
        }
        IoHandlerFactory io;
        Class<? extends ServerChannel> channel;
        switch (transport) {
            case "epoll" -> {
                Epoll.ensureAvailability();
                io = EpollIoHandler.newFactory();
                channel = EpollServerSocketChannel.class;
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                io = IoUringIoHandler.newFactory();
                channel = IoUringServerSocketChannel.class;
            }
            case "nio" -> {
                io = NioIoHandler.newFactory();
                channel = NioServerSocketChannel.class;
            }
            default -> {
                System.err.println("error: --transport must be epoll, io_uring or nio, not '" + transport + "'");
                return 2;
            }
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, io);
        EventExecutorGroup blocking = blockingExecutor ? new DefaultEventExecutorGroup(blockingThreads) : null;
        FileHandler handler = new FileHandler(root.getCanonicalFile(), blocking);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(channel)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec());
                            ch.pipeline().addLast(new HttpObjectAggregator(65536));
                            ch.pipeline().addLast(new ChunkedWriteHandler());
                            ch.pipeline().addLast("files", handler);
                        }
                    });
            Channel server = b.bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            System.out.println("listening on " + ((InetSocketAddress) server.localAddress()).getPort());
            System.out.flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close().awaitUninterruptibly()));
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
            if (blocking != null) {
                blocking.shutdownGracefully();
            }
        }
        return 0;
    }

    /**
     * Serves GET and HEAD from the root; stateless, so one instance serves every channel. The file
     * work ({@link #prepare}) runs on the loop, or, given an offload group, on the group's executor
     * for this channel (one per channel, so a connection's responses keep their order), which hands
     * the reply back to the channel's loop to be written: Netty 4.2 deprecated handlers on other
     * executors ({@code pipeline.addLast(group, ...)}) and tells its users to offload blocking work
     * themselves, like this.
     */
    @ChannelHandler.Sharable
    static final class FileHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final AttributeKey<EventExecutor> OFFLOAD = AttributeKey.valueOf("laio.peers.offload");
        private final File root;
        private final EventExecutorGroup offload;

        FileHandler(File root, EventExecutorGroup offload) {
            this.root = root;
            this.offload = offload;
        }

        /** What the file work found: an error status, a redirect, or an open file to send. */
        private record Reply(HttpResponseStatus status, String location, RandomAccessFile file, long length,
                             String name, long lastModified, boolean head, boolean keepAlive, HttpVersion version) {
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (offload == null) {
                send(ctx, prepare(request));
                return;
            }
            EventExecutor ex = ctx.channel().attr(OFFLOAD).get();
            if (ex == null) {
                ex = offload.next();
                ctx.channel().attr(OFFLOAD).set(ex);
            }
            request.retain();
            ex.execute(() -> {
                Reply reply;
                try {
                    reply = prepare(request);
                } finally {
                    request.release();
                }
                ctx.executor().execute(() -> send(ctx, reply));
            });
        }

        /** The file work: path, open, length, Last-Modified. Blocking calls. */
        private Reply prepare(FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpVersion v = request.protocolVersion();
            if (!request.decoderResult().isSuccess()) {
                return new Reply(HttpResponseStatus.BAD_REQUEST, null, null, 0, null, 0, false, false, v);
            }
            HttpMethod method = request.method();
            if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
                return new Reply(HttpResponseStatus.METHOD_NOT_ALLOWED, null, null, 0, null, 0, false, keepAlive, v);
            }
            String path = StaticFiles.sanitize(new QueryStringDecoder(request.uri()).path());
            if (path == null) {
                return new Reply(HttpResponseStatus.FORBIDDEN, null, null, 0, null, 0, false, keepAlive, v);
            }
            File file = new File(root, path);
            RandomAccessFile raf;
            try {
                try {
                    raf = new RandomAccessFile(file, "r");
                } catch (FileNotFoundException e) {
                    if (!file.isDirectory()) {
                        return new Reply(HttpResponseStatus.NOT_FOUND, null, null, 0, null, 0, false, keepAlive, v);
                    }
                    if (!path.endsWith("/")) {
                        return new Reply(HttpResponseStatus.MOVED_PERMANENTLY, "/" + path + "/", null, 0, null, 0, false, keepAlive, v);
                    }
                    file = new File(file, "index.html");
                    try {
                        raf = new RandomAccessFile(file, "r");
                    } catch (FileNotFoundException e2) {
                        return new Reply(HttpResponseStatus.FORBIDDEN, null, null, 0, null, 0, false, keepAlive, v); // no listings
                    }
                }
                long length = raf.length();
                return new Reply(HttpResponseStatus.OK, null, raf, length, file.getName(), file.lastModified(),
                        method == HttpMethod.HEAD, keepAlive, v);
            } catch (IOException e) {
                return new Reply(HttpResponseStatus.INTERNAL_SERVER_ERROR, null, null, 0, null, 0, false, false, v);
            }
        }

        /** On the channel's loop: the head, then the body as a zero-copy DefaultFileRegion. */
        private static void send(ChannelHandlerContext ctx, Reply r) {
            if (r.file() == null) {
                if (r.location() != null) {
                    redirect(ctx, r.location(), r.keepAlive());
                } else {
                    sendError(ctx, r.status(), r.keepAlive());
                }
                return;
            }
            HttpResponse response = new DefaultHttpResponse(r.version(), HttpResponseStatus.OK);
            HttpUtil.setContentLength(response, r.length());
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, StaticFiles.contentType(r.name()));
            response.headers().set(HttpHeaderNames.DATE, StaticFiles.httpDate(System.currentTimeMillis()));
            response.headers().set(HttpHeaderNames.LAST_MODIFIED, StaticFiles.httpDate(r.lastModified()));
            if (!r.keepAlive()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else if (!r.version().isKeepAliveDefault()) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.write(response);
            if (r.head() || r.length() == 0) {
                try {
                    r.file().close();
                } catch (IOException ignored) {
                    // read-only: nothing to lose
                }
            } else {
                ctx.write(new DefaultFileRegion(r.file().getChannel(), 0, r.length())); // released (and closed) once sent
            }
            ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!r.keepAlive()) {
                last.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel().isActive()) {
                ctx.close();
            }
        }

        private static void redirect(ChannelHandlerContext ctx, String location, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.MOVED_PERMANENTLY, Unpooled.EMPTY_BUFFER);
            response.headers().set(HttpHeaderNames.LOCATION, location);
            send(ctx, response, keepAlive);
        }

        private static void sendError(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    status, Unpooled.copiedBuffer(status + "\r\n", StandardCharsets.US_ASCII));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=US-ASCII");
            send(ctx, response, keepAlive);
        }

        private static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            HttpUtil.setContentLength(response, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.DATE, StaticFiles.httpDate(System.currentTimeMillis()));
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ChannelFuture f = ctx.writeAndFlush(response);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
