package io.laio.examples.http;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/** A {@link ThttpdServer} serving on its own thread for the length of a test. */
final class RunningServer implements AutoCloseable {
    final ThttpdServer server;
    private final Thread thread;
    private volatile Throwable failure;

    RunningServer(ThttpdServer.Options options) throws IOException {
        server = new ThttpdServer(options);
        thread = Thread.ofPlatform().name("thttpd-" + options.mode()).start(() -> {
            try {
                server.run();
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    static RunningServer start(ServeMode mode, Path root) throws IOException {
        return new RunningServer(ThttpdServer.Options.of(mode).withRoot(root));
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() throws InterruptedException {
        server.stop();
        thread.join(Duration.ofSeconds(20));
        if (thread.isAlive()) {
            throw new AssertionError("the server did not stop within 20 s");
        }
        if (failure != null) {
            throw new AssertionError("the server's loop failed", failure);
        }
    }
}
