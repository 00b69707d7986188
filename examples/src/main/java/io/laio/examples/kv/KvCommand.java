package io.laio.examples.kv;

import io.laio.Laio;
import io.laio.event.EventBase;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kv}: a memcached-compatible key-value server, NIO sockets + LAIO disk, on one event loop. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = {"A memcached-compatible (text protocol) key-value server on one laio event loop: "
                + "NIO sockets, and an append-only mutation log written and fsynced through LAIO.",
            "Every mutation is in the log before it is acknowledged; the log is replayed at start.",
            "Replies follow memcached 1.6 (ASCII protocol only, like memcached -B ascii)."})
public final class KvCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "11211", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(names = "--dir", defaultValue = "kv-data", description = "Directory of the mutation log (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--memory", defaultValue = "64", description = "Memory for items, in MiB; least recently used items are evicted past it (default: ${DEFAULT-VALUE}).")
    long memoryMiB;

    @Option(names = "--max-item", defaultValue = "1048576", description = "Largest value, in bytes (default: ${DEFAULT-VALUE}).")
    int maxItem;

    @Option(names = "--sync", defaultValue = "interval", description = "When the log is fsynced: never, interval (about every second) or always (before each reply, group commit) (default: ${DEFAULT-VALUE}).")
    String sync;

    @Option(names = "--compact", description = "Rewrite the log with only the live items at start.")
    boolean compact;

    @Override
    public Integer call() throws Exception {
        SyncMode mode;
        try {
            mode = SyncMode.valueOf(sync.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("kv: --sync must be never, interval or always, not " + sync);
            return 2;
        }
        if (memoryMiB <= 0 || maxItem <= 0) {
            System.err.println("kv: --memory and --max-item must be positive");
            return 2;
        }
        Files.createDirectories(dir);
        KvServer.Config config = new KvServer.Config(new InetSocketAddress(bind, port), dir.toAbsolutePath().toString(),
                memoryMiB << 20, maxItem, mode, compact);
        CountDownLatch ended = new CountDownLatch(1);
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base); KvServer server = new KvServer(base, laio, config)) {
            // SIGTERM / Ctrl-C: stop accepting, let the log write what it holds, then exit
            Thread hook = Thread.ofPlatform().name("kv-shutdown").unstarted(() -> {
                server.shutdown();
                try {
                    ended.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("listening on " + server.port());
            System.out.flush();
            try {
                base.dispatch();
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is what ended the loop
                }
            }
        } finally {
            ended.countDown();
        }
        return 0;
    }
}
