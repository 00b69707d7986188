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
