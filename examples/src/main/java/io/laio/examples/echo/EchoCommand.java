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

import io.laio.event.EventBase;
import io.laio.examples.Check;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code echo}: an echo server on one event loop. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "An echo server on one laio event loop (NIO sockets).")
public final class EchoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "7007", description = "TCP port, 0..65535; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", converter = Check.AddressConverter.class, description = "Address to listen on, IPv4 or IPv6 (default: ${DEFAULT-VALUE}).")
    InetAddress bind;

    @Override
    public Integer call() throws Exception {
        Check.of(spec).listenPort("--port", port);
        try (EventBase base = EventBase.create(); EchoServer server = listen(base)) {
            System.out.println("listening on " + server.port());
            System.out.flush();
            base.dispatch();
        }
        return 0;
    }

    private EchoServer listen(EventBase base) throws IOException {
        try {
            return new EchoServer(base, new InetSocketAddress(bind, port));
        } catch (IOException e) {
            throw Check.listenFailure(e, bind, port);
        }
    }
}
