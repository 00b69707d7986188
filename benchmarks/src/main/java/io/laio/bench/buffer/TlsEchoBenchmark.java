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

import io.laio.Laio;
import io.laio.bench.AverageNanos;
import io.laio.bench.core.LoopThread;
import io.laio.buffer.BufferEvent;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;
import io.laio.event.EventBase;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * TLS echo throughput, messages per second, over loopback, the server on one loop thread each
 * (issue 20's goal: laio at least 0.9x Netty with the JDK provider, in the same run):
 * <ul>
 *   <li>{@code laio}: a {@link BufferEvent} on an {@code epoll} base with the TLS filter
 *       ({@link BufferEvent#startTls}, the JDK's {@code SSLEngine}), moving the plaintext input
 *       to the output, as {@code echo --tls} serves;</li>
 *   <li>{@code netty}: Netty's {@code SslHandler} with {@link SslProvider#JDK} on its epoll
 *       transport, then a handler that writes back what it reads.</li>
 * </ul>
 * Both use the same key (EC P-256, made by {@code keytool} at set-up) and the JDK's defaults
 * (TLS 1.3). The benchmark thread is the client, a JDK {@link SSLSocket}: write one message,
 * read it back.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TlsEchoBenchmark extends AverageNanos {
    private static final char[] PASSWORD = "changeit".toCharArray();

    /** The server under test. */
    @Param({"laio", "netty"})
    public String server;

    /** Message size in bytes: 1 KiB and 64 KiB. */
    @Param({"1024", "65536"})
    public int size;

    private Path dir;
    private byte[] message;
    private byte[] reply;
    private SSLSocket client;
    private OutputStream out;
    private InputStream in;
    // laio
    private LoopThread loop;
    private Laio laio;
    private RawLoopback listener;
    private BufferEvent be;
    // netty
    private EventLoopGroup group;
    private Channel nettyServer;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("laio-tls-bench");
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "laio", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool: " + log);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream f = Files.newInputStream(ks)) {
            keys.load(f, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("laio", keys.getCertificate("laio"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
        message = new byte[size];
        reply = new byte[size];
        Socket plain = switch (server) {
            case "laio" -> setUpLaio(kmf);
            case "netty" -> setUpNetty(kmf);
            default -> throw new IllegalArgumentException(server);
        };
        client = (SSLSocket) clientContext.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true);
        client.startHandshake();
        out = client.getOutputStream();
        in = client.getInputStream();
    }

    private Socket setUpLaio(KeyManagerFactory kmf) throws Exception {
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        EventBase base = EventBase.create("epoll");
        laio = Laio.attach(base);
        loop = new LoopThread(base, "laio-tls-echo");
        listener = RawLoopback.listen(laio);
        Socket plain = listener.connect();
        int fd = listener.accept();
        base.execute(() -> {
            be = BufferEvent.socket(laio, fd, SegmentPool.create(), new BufferedEchoBenchmark.Echo());
            var engine = serverContext.createSSLEngine();
            engine.setUseClientMode(false);
            be.startTls(engine);
            be.enable(Ev.READ);
        });
        return plain;
    }

    /** Netty's echo: writes back what it reads (after the SslHandler, plaintext). */
    @ChannelHandler.Sharable
    static final class NettyEcho extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private Socket setUpNetty(KeyManagerFactory kmf) throws Exception {
        Epoll.ensureAvailability();
        SslContext ssl = SslContextBuilder.forServer(kmf).sslProvider(SslProvider.JDK).build();
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        NettyEcho echo = new NettyEcho();
        nettyServer = new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), echo);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect((InetSocketAddress) nettyServer.localAddress());
        return plain;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        if (loop != null) {
            loop.base.execute(be::close);
            loop.halt();
            listener.close();
            laio.close();
            loop.base.close();
        }
        if (group != null) {
            nettyServer.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** One message out and back. */
    @Benchmark
    public int roundTrip() throws Exception {
        out.write(message);
        return in.readNBytes(reply, 0, size);
    }
}
