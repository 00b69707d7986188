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

package io.laio.examples.kv;

import io.laio.Laio;
import io.laio.event.EventBase;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link KvServer} in this JVM, on its own loop thread, on a free loopback port. */
final class KvTestServer implements AutoCloseable {
    private final Thread thread;
    private final CompletableFuture<KvServer> started = new CompletableFuture<>();
    private final KvServer server;
    private volatile Throwable failure;

    KvTestServer(Path dir, SyncMode sync) throws Exception {
        this(dir, sync, 64L << 20, 1 << 20, false);
    }

    KvTestServer(Path dir, SyncMode sync, long memory, int maxItem, boolean compact) throws Exception {
        this(dir, sync, memory, maxItem, compact, KvIo.NIO);
    }

    KvTestServer(Path dir, SyncMode sync, KvIo io) throws Exception {
        this(dir, sync, 64L << 20, 1 << 20, false, io);
    }

    /** With {@link KvIo#BUFFERED} on an {@code epoll} base, as {@code kv --io buffered} runs. */
    KvTestServer(Path dir, SyncMode sync, long memory, int maxItem, boolean compact, KvIo io) throws Exception {
        Files.createDirectories(dir);
        KvServer.Config config = new KvServer.Config(new InetSocketAddress("127.0.0.1", 0), dir.toString(), memory, maxItem,
                sync, compact, io);
        thread = Thread.ofPlatform().name("kv-test-loop").start(() -> {
            try (EventBase base = io.backend() != null ? EventBase.create(io.backend()) : EventBase.create(); Laio laio = Laio.attach(base); KvServer s = new KvServer(base, laio, config)) {
                started.complete(s);
                base.dispatch();
            } catch (Throwable t) {
                failure = t;
                started.completeExceptionally(t);
            }
        });
        server = started.get(30, TimeUnit.SECONDS);
    }

    int port() {
        return server.port();
    }

    KvServer server() {
        return server;
    }

    KvClient client() throws Exception {
        return new KvClient(port());
    }

    /** Shuts the server down and waits for its loop to end. */
    @Override
    public void close() throws Exception {
        server.shutdown();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            throw new AssertionError("the server's loop did not end");
        }
        if (failure != null) {
            throw new AssertionError("the server failed", failure);
        }
    }
}
