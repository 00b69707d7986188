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

package io.laio.bench.peers;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.transport.Transport;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.FileSystemAccess;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A static-file HTTP/1.1 server on Vert.x, as Vert.x-Web's documentation shows it: a
 * {@link Router} whose one route is a {@link StaticHandler} on the document root. Caching is
 * off ({@code setCachingEnabled(false)}, {@code setFilesReadOnly(false)}, Vert.x's file and
 * class-path caches off), so each request does the file work, as thttpd does. With Vert.x 5.0.7's
 * defaults the file's props are read blocking on the event loop ({@code propsBlocking}) until the
 * handler's serve-time tuning finds the average over 1 ms and moves them to the worker pool for
 * good; {@code --always-async-fs} puts them there from the start. {@code sendFile} then opens the
 * file (RandomAccessFile) on the loop and sends it as a FileRegion. A missing file falls through
 * the router: 404. Listens on 127.0.0.1 only; one event loop by default (thttpd's single loop).
 */
@Command(name = "vertx-static", mixinStandardHelpOptions = true,
        description = "Vert.x StaticHandler server (caching off) for the peers benchmark")
public final class VertxStaticServer extends StaticServerOptions implements Callable<Integer> {
    @Option(names = "--always-async-fs", description = "StaticHandler.setAlwaysAsyncFS(true): file props always on the worker pool "
            + "(by default they are read blocking on the loop until its serve-time tuning finds them slow)")
    boolean alwaysAsyncFs;

    @Option(names = "--worker-threads", defaultValue = "20", description = "Vert.x worker pool, where blocking file calls run (default ${DEFAULT-VALUE})")
    int workers;

    public static void main(String[] args) {
        System.exit(new CommandLine(new VertxStaticServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!rootIsDirectory()) {
            return 2;
        }
        Transport t = switch (transport) {
            case "epoll" -> Transport.EPOLL;
            case "io_uring" -> Transport.IO_URING;
            case "nio" -> Transport.NIO;
            default -> null;
        };
        if (t == null) {
            System.err.println("error: --transport must be epoll, io_uring or nio, not '" + transport + "'");
            return 2;
        }
        if (!t.available()) {
            System.err.println("error: transport " + transport + " is not available: " + t.unavailabilityCause());
            return 2;
        }
        VertxOptions options = new VertxOptions()
                .setEventLoopPoolSize(loops)
                .setWorkerPoolSize(workers)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false));
        Vertx vertx = Vertx.builder().with(options).withTransport(t).build();
        Router router = Router.router(vertx);
        router.route().handler(StaticHandler.create(FileSystemAccess.ROOT, root.getCanonicalPath())
                .setCachingEnabled(false)
                .setFilesReadOnly(false)
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setAlwaysAsyncFS(alwaysAsyncFs));
        HttpServer server = vertx.createHttpServer(new HttpServerOptions()
                        .setHost("127.0.0.1").setPort(port).setAcceptBacklog(4096).setTcpNoDelay(true))
                .requestHandler(router)
                .listen()
                .toCompletionStage().toCompletableFuture().get();
        System.err.println("vert.x transport " + transport + ", native: " + vertx.isNativeTransportEnabled());
        System.out.println("listening on " + server.actualPort());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get();
            } catch (Exception ignored) {
                // exiting anyway
            }
        }));
        Thread.currentThread().join(); // until killed
        return 0;
    }
}
