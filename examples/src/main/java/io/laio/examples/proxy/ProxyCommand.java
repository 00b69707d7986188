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

package io.laio.examples.proxy;

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
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code proxy}: a TCP forwarder on N event loops, with back-pressure both ways and optional TLS termination. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = "Forwards every TCP connection accepted on --listen to --to HOST:PORT, on N laio event loops:"
                + " buffered connections with back-pressure both ways and half-close, the target's name resolved on a"
                + " LAIO helper; with --tls, TLS is terminated here and the target sees plain TCP; with --io splice,"
                + " bytes move socket to pipe to socket with splice(2).")
public final class ProxyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", required = true, paramLabel = "PORT",
            description = "TCP port to accept clients on, 0..65535; 0 picks a free one.")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", converter = Check.AddressConverter.class,
            description = "Address to listen on, IPv4 or IPv6 (default: ${DEFAULT-VALUE}).")
    InetAddress bind;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", converter = HostPortConverter.class,
            description = "Where to forward: a host name (resolved for each connection) or address, and a port;"
                    + " an IPv6 address in brackets, [::1]:7007.")
    HostPort to;

    @Option(names = "--connect-timeout", defaultValue = "10s", converter = Check.DurationConverter.class,
            description = "How long reaching the target may take, resolving included; the client is closed after"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--io", defaultValue = "buffered", converter = IoConverter.class,
            description = "buffered (two BufferEvents per client, bytes through pooled off-heap buffers) or splice"
                    + " (splice(2) through a 64 KiB pipe per direction, no user-space copy; plain TCP only)"
                    + " (default: ${DEFAULT-VALUE})")
    ProxyServer.Io io;

    @Mixin
    LoopsOption loops;

    @Mixin
    TlsOption tlsOption;

    /**
     * {@code --to}'s value.
     *
     * @param host the host name or address
     * @param port the port, 1..65535
     */
    public record HostPort(String host, int port) {
    }

    /** {@code HOST:PORT} or {@code [IPV6]:PORT}. */
    public static final class HostPortConverter implements ITypeConverter<HostPort> {
        @Override
        public HostPort convert(String s) {
            String t = s.strip();
            int colon = t.lastIndexOf(':');
            String host = colon > 0 ? t.substring(0, colon) : "";
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            } else if (host.contains(":")) {
                host = ""; // a bare IPv6 address: ambiguous without brackets
            }
            int port = -1;
            try {
                port = Integer.parseInt(t.substring(colon + 1));
            } catch (NumberFormatException | IndexOutOfBoundsException e) {
                // reported below
            }
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new TypeConversionException("'" + s + "' is not HOST:PORT (a port 1..65535; IPv6 as [::1]:7007)");
            }
            return new HostPort(host, port);
        }
    }

    /** {@code --io}'s values. */
    public static final class IoConverter extends Check.EnumConverter<ProxyServer.Io> {
        /** The converter picocli instantiates. */
        public IoConverter() {
            super(ProxyServer.Io.class);
        }
    }

    @Override
    public Integer call() throws Exception {
        Check check = Check.of(spec);
        check.listenPort("--listen", port);
        check.positive("--connect-timeout", connectTimeout, Duration.ofHours(1));
        int n = loops.loops(check);
        if (tlsOption.enabled() && io == ProxyServer.Io.SPLICE) {
            throw check.fail("--tls needs --io buffered (spliced bytes never pass through the TLS engine)");
        }
        ServerTls tls = tlsOption.load(check);
        ProxyServer.Target target = new ProxyServer.Target(to.host(), to.port(), tls, connectTimeout, io);
        EventLoopGroup group = EventLoopGroup.builder().loops(n).threadName("proxy-loop").backend("epoll").build();
        List<ProxyServer> servers;
        try {
            servers = ProxyServer.onLoops(group, new InetSocketAddress(bind, port), loops.accept() == LoopsOption.Accept.HANDOFF,
                    target);
        } catch (IOException e) {
            group.close();
            throw Check.listenFailure(e, bind, port);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ProxyServer.closeAll(group, servers);
            group.shutdownGracefully(Duration.ZERO, Duration.ofSeconds(1));
        }, "proxy-shutdown"));
        System.out.println("listening on " + servers.get(0).port());
        System.out.println("forwarding to " + to.host() + ":" + to.port() + ", loops " + n + ", accept " + loops.accept() + ", io " + io
                + (tls != null ? ", tls" : ""));
        System.out.flush();
        group.awaitTermination(Duration.ofDays(365_000));
        return 0;
    }
}
