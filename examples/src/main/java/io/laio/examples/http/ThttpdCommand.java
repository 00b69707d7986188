package io.laio.examples.http;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code thttpd}: the static file server, in the I/O mode chosen. */
@Command(name = "thttpd", mixinStandardHelpOptions = true,
        description = "A thttpd-style static web server on one event loop, in one of four I/O modes.")
public final class ThttpdCommand implements Callable<Integer> {
    @Option(names = "--mode", defaultValue = "laio-laio",
            description = "nb-b | laio-laio | nb-laio | nb-amted (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--port", defaultValue = "8080", description = "port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address to listen on (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--root", description = "document root (default: a small embedded site)")
    Path root;

    @Option(names = "--keepalive", defaultValue = "on", description = "on | off (default: ${DEFAULT-VALUE})")
    String keepAlive;

    @Option(names = "--idle-timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "close a connection idle or stalled this long, e.g. 500ms, 60s (default: ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--header-timeout", defaultValue = "20s", converter = DurationConverter.class,
            description = "a request head must arrive within this (default: ${DEFAULT-VALUE})")
    Duration headerTimeout;

    @Option(names = "--access-log", description = "log every response (slf4j logger io.laio.examples.http.access)")
    boolean accessLog;

    @Option(names = "--max-helpers", defaultValue = "64", description = "LAIO helper threads at most (default: ${DEFAULT-VALUE})")
    int maxHelpers;

    @Option(names = "--max-connections", defaultValue = "0",
            description = "connections at once; 0 derives it from the descriptor limit, -1 accepts until EMFILE (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Override
    public Integer call() throws Exception {
        if (!keepAlive.equals("on") && !keepAlive.equals("off")) {
            System.err.println("thttpd: --keepalive takes on or off, not '" + keepAlive + "'");
            return 2;
        }
        ServeMode m;
        try {
            m = ServeMode.of(mode);
        } catch (IllegalArgumentException e) {
            System.err.println("thttpd: " + e.getMessage());
            return 2;
        }
        ThttpdServer.Options o = new ThttpdServer.Options(m, InetAddress.getByName(bind), port, root,
                keepAlive.equals("on"), idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections);
        ThttpdServer server = new ThttpdServer(o);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            try {
                done.await(5, TimeUnit.SECONDS); // let it remove the extracted site
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "thttpd-shutdown"));
        System.out.println("listening on " + server.port());
        System.out.println("mode " + m + ", root " + server.root());
        System.out.flush();
        try {
            server.run();
        } finally {
            System.err.println("thttpd " + m + ": " + server.requests() + " requests, " + server.timeouts() + " timeouts, "
                    + server.buffersMade() + " request buffer sets; " + server.laioStats());
            done.countDown();
        }
        return 0;
    }

    /** "500ms", "20s", "2m", or a bare number of seconds. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String s) {
            String t = s.strip().toLowerCase(java.util.Locale.ROOT);
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            }
            if (t.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
        }
    }
}
