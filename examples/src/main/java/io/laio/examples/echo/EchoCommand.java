package io.laio.examples.echo;

import io.laio.event.EventBase;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code echo}: an echo server on one event loop. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = "An echo server on one laio event loop (NIO sockets).")
public final class EchoCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "7007", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Override
    public Integer call() throws Exception {
        try (EventBase base = EventBase.create(); EchoServer server = new EchoServer(base, new InetSocketAddress(bind, port))) {
            System.out.println("listening on " + server.port());
            System.out.flush();
            base.dispatch();
        }
        return 0;
    }
}
