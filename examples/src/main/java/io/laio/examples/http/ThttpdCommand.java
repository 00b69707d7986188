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

import io.laio.examples.Check;
import io.laio.examples.CpuPinning;
import io.laio.examples.LaioTuningOption;
import io.laio.examples.LoopsOption;
import io.laio.examples.net.TlsOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code thttpd}: the static file server, in the I/O mode chosen. */
@Command(name = "thttpd", mixinStandardHelpOptions = true,
        description = "A thttpd-style static web server on N event loops, in one of four I/O modes.")
public final class ThttpdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--mode", defaultValue = "laio-laio", converter = ModeConverter.class,
            description = "I/O mode: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    ServeMode mode;

    @Option(names = "--port", defaultValue = "8080", description = "port, 0..65535; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", converter = Check.AddressConverter.class,
            description = "address to listen on; IPv4 only in laio-laio mode (default: ${DEFAULT-VALUE})")
    InetAddress bind;

    @Option(names = "--root", description = "document root, an existing directory (default: a small embedded site)")
    Path root;

    @Option(names = "--keepalive", defaultValue = "on", converter = KeepAliveConverter.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    KeepAlive keepAlive;

    @Option(names = "--idle-timeout", defaultValue = "60s", converter = Check.DurationConverter.class,
            description = "close a connection idle or stalled this long, e.g. 500ms, 60s; more than 0, at most 1d "
                    + "(default: ${DEFAULT-VALUE})")
    Duration idleTimeout;

    @Option(names = "--header-timeout", defaultValue = "20s", converter = Check.DurationConverter.class,
            description = "a request head must arrive within this; more than 0, at most 1d (default: ${DEFAULT-VALUE})")
    Duration headerTimeout;

    @Option(names = "--access-log", description = "log every response (slf4j logger io.laio.examples.http.access)")
    boolean accessLog;

    @Option(names = "--max-helpers", defaultValue = "64",
            description = "LAIO helper threads at most, 1..4096, for the whole process: each of N loops gets 1/N of it"
                    + " (at least 1), so it must be at least --loops (default: ${DEFAULT-VALUE})")
    int maxHelpers;

    @Option(names = "--max-request-buffers", defaultValue = "1024",
            description = "requests in progress at once, 1..1024, for the whole process (each of N loops gets its share, so it must be at least --loops): "
                    + "each holds a buffer set of ~60 KB of native memory (~170 KB with NIO sockets) and a request beyond "
                    + "them waits for one; fewer on a memory-limited host (default: ${DEFAULT-VALUE})")
    int maxRequestBuffers;

    @Option(names = "--max-connections", defaultValue = "0",
            description = "connections at once; 0 derives it from the descriptor limit, -1 accepts until EMFILE (default: ${DEFAULT-VALUE})")
    int maxConnections;

    @Option(names = "--defer-accept", description = "laio-laio only: take a connection once its first request bytes are there "
            + "(TCP_DEFER_ACCEPT): the accept and the first request in one loop wake-up; a silent client is taken after ~1 s")
    boolean deferAccept;

    @Option(names = "--file-cache", defaultValue = "" + ThttpdServer.FILE_CACHE,
            description = "open files kept between requests on each loop, 0..65536: a request for one costs a statx of its path "
                    + "instead of openat2, statx and close; at most half the descriptors kept for files; 0 turns it off "
                    + "(default: ${DEFAULT-VALUE})")
    int fileCache;

    @Mixin
    LoopsOption loops;

    /** {@code --helper-spin}, {@code --loop-spin}, {@code --spin-before-sleep}. */
    @Mixin
    LaioTuningOption spins;

    @Option(names = "--pin", description = "pin loop i's thread to the (i mod N)-th of the N CPUs the process may use (sched_setaffinity; taskset and cpusets are kept)")
    boolean pin;

    /** {@code --tls KEYSTORE.p12} and its password, as echo and proxy take them; {@code --mode laio-laio} and {@code laio-uring} only. */
    @Mixin
    TlsOption tlsOption;

    /** {@code --keepalive}'s values. */
    public enum KeepAlive {
        ON, OFF;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final class ModeConverter extends Check.EnumConverter<ServeMode> {
        public ModeConverter() {
            super(ServeMode.class);
        }
    }

    public static final class KeepAliveConverter extends Check.EnumConverter<KeepAlive> {
        public KeepAliveConverter() {
            super(KeepAlive.class);
        }
    }

    private static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    /** {@code --tls}: refused outside laio-laio, then the key store loaded with its password. */
    private SSLContext tlsContext(Check check) {
        if (!mode.laioSockets()) {
            throw check.fail("--tls works with --mode laio-laio or laio-uring only, not " + mode + ": " + ThttpdServer.TLS_MODES);
        }
        return tlsOption.load(check).context();
    }

    @Override
    public Integer call() throws Exception {
        Check check = Check.of(spec);
        check.listenPort("--port", port);
        if (mode.laioSockets()) {
            check.ipv4("--bind", bind, "--mode " + mode + " listens on a raw IPv4 socket; give an IPv4 address, or an nb-* mode for IPv6");
        }
        check.directory("--root", root);
        check.positive("--idle-timeout", idleTimeout, MAX_TIMEOUT);
        check.positive("--header-timeout", headerTimeout, MAX_TIMEOUT);
        check.range("--max-helpers", maxHelpers, 1, 4096);
        check.range("--max-request-buffers", maxRequestBuffers, 1, ThttpdServer.MAX_SETS);
        check.atLeast("--max-connections", maxConnections, -1);
        check.range("--file-cache", fileCache, 0, ThttpdServer.MAX_FILE_CACHE);
        if (deferAccept && mode != ServeMode.LAIO_LAIO) {
            throw check.fail("--defer-accept works with --mode laio-laio only, not " + mode);
        }
        spins.check(check);
        SSLContext tlsContext = tlsOption.enabled() ? tlsContext(check) : null;
        int n = loops.explicit() ? loops.loops(check) : Math.min(loops.loops(check), Math.min(maxHelpers, maxRequestBuffers));
        if (n > maxHelpers) {
            throw check.fail("--loops " + n + " is more than --max-helpers " + maxHelpers
                    + ": each loop needs a helper of its own to keep the process within --max-helpers");
        }
        if (maxRequestBuffers < n) {
            throw check.fail("--max-request-buffers: " + ThttpdGroup.tooFewPerLoop(maxHelpers, maxRequestBuffers, n));
        }
        if (loops.accept() != LoopsOption.Accept.HANDOFF && n > 1 && maxConnections > 0 && maxConnections < n) {
            throw check.fail("--max-connections: " + ThttpdGroup.tooFewConnections(maxConnections, n));
        }
        ServeMode m = mode;
        ThttpdServer.Options o = new ThttpdServer.Options(m, bind, port, root,
                keepAlive == KeepAlive.ON, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, tlsContext,
                spins.helperSpin(), spins.loopSpin(), spins.spinBeforeSleep(), maxRequestBuffers, deferAccept, fileCache);
        ThttpdGroup server;
        try {
            server = new ThttpdGroup(o, n, loops.accept() == LoopsOption.Accept.HANDOFF, pin ? CpuPinning.roundRobin() : null);
        } catch (IOException e) {
            throw Check.listenFailure(e, bind, port);
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            try {
                done.await(15, TimeUnit.SECONDS); // let it remove the extracted site
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "thttpd-shutdown"));
        System.out.println("listening on " + server.port());
        System.out.println("mode " + m + (tlsContext != null ? ", https" : "") + (deferAccept ? ", deferred accepts" : "") + ", root " + server.root() + ", loops " + n
                + (n > 1 ? ", accept " + loops.accept() : "") + spins.describe());
        System.out.flush();
        try {
            server.run();
        } finally {
            System.err.println("thttpd " + m + ": " + server.requests() + " requests, " + server.timeouts() + " timeouts, "
                    + server.buffersMade() + " request buffer sets, file cache " + server.fileCacheHits() + " hits "
                    + server.fileCacheMisses() + " misses" + (n > 1 ? ", connections per loop "
                    + Arrays.toString(server.acceptedPerLoop()) : "") + "; " + server.laioStats());
            done.countDown();
        }
        return 0;
    }
}
