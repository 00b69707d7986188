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

/** {@code echo}: an echo server on N event loops. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "An echo server on N laio event loops (NIO sockets), a listener per loop or one handing off.")
public final class EchoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "7007", description = "TCP port, 0..65535; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", converter = Check.AddressConverter.class, description = "Address to listen on, IPv4 or IPv6 (default: ${DEFAULT-VALUE}).")
    InetAddress bind;

    @Mixin
    LoopsOption loops;

    @Override
    public Integer call() throws Exception {
        Check check = Check.of(spec);
        check.listenPort("--port", port);
        int n = loops.loops(check);
        EventLoopGroup group = EventLoopGroup.builder().loops(n).threadName("echo-loop").build();
        List<EchoServer> servers;
        try {
            servers = EchoServer.onLoops(group, new InetSocketAddress(bind, port), loops.accept() == LoopsOption.Accept.HANDOFF);
        } catch (IOException e) {
            group.close();
            throw Check.listenFailure(e, bind, port);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            EchoServer.closeAll(group, servers);
            group.shutdownGracefully(Duration.ZERO, Duration.ofSeconds(1)); // open connections end with the process
        }, "echo-shutdown"));
        System.out.println("listening on " + servers.get(0).port());
        System.out.println("loops " + n + ", accept " + loops.accept());
        System.out.flush();
        group.awaitTermination(Duration.ofDays(365_000));
        return 0;
    }
}
