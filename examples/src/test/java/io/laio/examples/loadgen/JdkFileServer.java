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

package io.laio.examples.loadgen;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDK's own static file server ({@link SimpleFileServer}'s handler on an
 * {@link HttpServer}) over a document root, on a loopback port, counting requests and the
 * client port of each (one port per connection). Faults can be planted per path.
 */
final class JdkFileServer implements AutoCloseable {
    static {
        // the JDK server writes a response's head and body apart; with Nagle on, the body waits
        // for the client's delayed ACK (40 ms) at one client. Read once, when the first server starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** What to do instead of serving a path. */
    interface Fault {
        void answer(HttpExchange ex) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final AtomicLong requests = new AtomicLong();
    private final List<Integer> clientPorts = Collections.synchronizedList(new ArrayList<>());

    JdkFileServer(Path root, Map<String, Fault> faults) throws IOException {
        HttpHandler files = SimpleFileServer.createFileHandler(root.toAbsolutePath());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            clientPorts.add(ex.getRemoteAddress().getPort());
            Fault f = faults.get(ex.getRequestURI().getPath());
            if (f != null) {
                f.answer(ex);
            } else {
                files.handle(ex);
            }
        });
        server.setExecutor(pool);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    long requests() {
        return requests.get();
    }

    /**
     * Connections that carried requests {@code from} to {@code to} (in arrival order), when one
     * client sent them one after the other: a new connection shows as a new client port.
     */
    int sequentialConnections(int from, int to) {
        List<Integer> ports = List.copyOf(clientPorts).subList(from, to);
        int n = 1;
        for (int i = 1; i < ports.size(); i++) {
            n += ports.get(i).equals(ports.get(i - 1)) ? 0 : 1;
        }
        return n;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
