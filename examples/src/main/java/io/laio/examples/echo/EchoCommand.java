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

package io.laio.examples.echo;

import io.laio.event.EventLoopGroup;
import io.laio.examples.Check;
import io.laio.examples.LoopsOption;
import io.laio.examples.net.ServerTls;
import io.laio.examples.net.TlsOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code echo}: an echo server on N event loops, on buffered connections (optionally TLS) or the raw loop. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "An echo server on N laio event loops, a listener per loop or one handing off; each connection"
                + " a BufferEvent (raw sockets, LAIO calls, epoll), optionally TLS, or the hand-written raw loop on NIO.")
public final class EchoCommand implements Callable<Integer> {
    /** How connections are served. */
    public enum Io {
        /** A {@link io.laio.buffer.BufferEvent} per connection ({@link BufferedEchoServer}). */
        BUFFERED,
        /** The hand-written loop: a READ event on a NIO channel and one buffer ({@link EchoServer}). */
        RAW;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code --io}'s values. */
    public static final class IoConverter extends Check.EnumConverter<Io> {
        /** The converter picocli instantiates. */
        public IoConverter() {
            super(Io.class);
        }
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "7007", description = "TCP port, 0..65535; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", converter = Check.AddressConverter.class, description = "Address to listen on, IPv4 or IPv6 (default: ${DEFAULT-VALUE}).")
    InetAddress bind;

    @Mixin
    LoopsOption loops;

    @Option(names = "--io", defaultValue = "buffered", converter = IoConverter.class,
            description = "buffered (a BufferEvent per connection, raw sockets through LAIO on epoll) or raw (a READ"
                    + " event and one buffer per NIO channel, the hand-written loop) (default: ${DEFAULT-VALUE})")
    Io io;

    @Mixin
    TlsOption tlsOption;

    @Override
    public Integer call() throws Exception {
        Check check = Check.of(spec);
        check.listenPort("--port", port);
        int n = loops.loops(check);
        if (tlsOption.enabled() && io == Io.RAW) {
            throw check.fail("--tls needs --io buffered (the TLS filter is the buffered connection's)");
        }
        ServerTls tls = tlsOption.load(check);
        boolean handOff = loops.accept() == LoopsOption.Accept.HANDOFF;
        InetSocketAddress at = new InetSocketAddress(bind, port);
        EventLoopGroup group = EventLoopGroup.builder().loops(n).threadName("echo-loop")
                .backend(io == Io.BUFFERED ? "epoll" : null).build();
        Runnable closeAll;
        int listening;
        try {
            if (io == Io.BUFFERED) {
                List<BufferedEchoServer> servers = BufferedEchoServer.onLoops(group, at, handOff, tls);
                closeAll = () -> BufferedEchoServer.closeAll(group, servers);
                listening = servers.get(0).port();
            } else {
                List<EchoServer> servers = EchoServer.onLoops(group, at, handOff);
                closeAll = () -> EchoServer.closeAll(group, servers);
                listening = servers.get(0).port();
            }
        } catch (IOException e) {
            group.close();
            throw Check.listenFailure(e, bind, port);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeAll.run();
            group.shutdownGracefully(Duration.ZERO, Duration.ofSeconds(1)); // closeAll closed every connection: the loops end at once
        }, "echo-shutdown"));
        System.out.println("listening on " + listening);
        System.out.println("loops " + n + ", accept " + loops.accept() + ", io " + io + (tls != null ? ", tls" : ""));
        System.out.flush();
        group.awaitTermination(Duration.ofDays(365_000));
        return 0;
    }
}
