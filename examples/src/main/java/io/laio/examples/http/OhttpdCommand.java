package io.laio.examples.http;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ohttpd}: the thesis's tiny server, each operation sync or laio. */
@Command(name = "ohttpd", mixinStandardHelpOptions = true,
        description = "The thesis's tiny web server: accept, read, open, stat, write and sendfile each made as a plain "
                + "call or through lazy LAIO.")
public final class OhttpdCommand implements Callable<Integer> {
    @Option(names = "--laio", defaultValue = "all",
            description = "operations made through LAIO: all, none, or a list of accept,read,open,stat,write,sendfile "
                    + "(accept,read,write,sendfile is the thesis's networkonly); the rest are plain calls (default: ${DEFAULT-VALUE})")
    String laio;

    @Option(names = "--port", defaultValue = "8080", description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "IPv4 address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--root", description = "document root (default: a small embedded site)")
    Path root;

    @Override
    public Integer call() throws Exception {
        Set<OhttpdServer.Op> ops;
        try {
            ops = OhttpdServer.Op.parse(laio);
        } catch (IllegalArgumentException e) {
            System.err.println("ohttpd: unknown operation in --laio " + laio + " (accept, read, open, stat, write, sendfile)");
            return 2;
        }
        OhttpdServer server = new OhttpdServer(InetAddress.getByName(bind), port, root, ops);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "ohttpd-shutdown"));
        System.out.println("listening on " + server.port());
        System.out.println("laio for " + (ops.isEmpty() ? "nothing" : ops) + ", plain calls for the rest");
        System.out.flush();
        server.run();
        return 0;
    }
}
