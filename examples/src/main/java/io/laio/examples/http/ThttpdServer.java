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

import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.LaioStats;
import io.laio.Policy;
import io.laio.buffer.BufferEvent;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thttpd-style static file server on one event loop, single-threaded, in one of the four
 * {@link ServeMode}s. Serves GET and HEAD for the files beneath its root; see the package's
 * README section in the project README for the HTTP features and limits.
 *
 * <p>Threading: construct on any thread, then {@link #run()} on the thread that is to be the
 * loop; {@link #stop()} from any thread ends it, and {@code run()} then closes everything it
 * opened. Counters may be read from any thread (they are approximate while it runs).
 *
 * <p>On N loops ({@link ThttpdGroup}) there is one of these per loop, made on that loop's
 * thread with its own {@link Laio}, document root descriptor, buffers and connections: nothing
 * of it is shared, so nothing of it is locked. Its share of the bounds is {@code 1/N} of the
 * configured ones ({@link Options#maxHelpers}, the LAIO queue, the connection limit), so the
 * process as a whole keeps them (docs/design/loops.md).
 */
public final class ThttpdServer {
    static final Logger LOG = LoggerFactory.getLogger(ThttpdServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.laio.examples.http.access");

    /**
     * What the server is started with.
     *
     * @param mode          how it does its I/O
     * @param bind          the address to listen on
     * @param port          the port; 0 picks a free one
     * @param root          the document root; null serves the embedded default site
     * @param keepAlive     whether connections may stay open between requests
     * @param idleTimeout   how long a connection may wait for its next request, or stall a send
     * @param headerTimeout how long a request head may take to arrive once it has started
     * @param accessLog     whether each response is logged (slf4j logger {@code io.laio.examples.http.access})
     * @param maxHelpers    the LAIO helper-thread bound (nb-amted and background calls)
     * @param maxConnections connections served at once, beyond which newcomers wait in the
     *                      backlog; 0 derives it from the descriptor limit (a descriptor per
     *                      connection, a quarter kept for files; see {@link DescriptorBudget}); -1: no limit (accept until EMFILE)
     * @param tls           null for plain HTTP; else HTTPS, every connection a TLS server
     *                      engine of this context (see {@link io.laio.examples.net.ServerTls}); {@link ServeMode#LAIO_LAIO} only
     * @param helperSpin    each loop's {@link LaioConfig.Builder#helperSpin}, or null for its default
     * @param loopSpin      each loop's {@link LaioConfig.Builder#loopSpin}, or null for its default
     * @param spinBeforeSleep each loop's {@link EventBase#spinBeforeSleep(Duration)}, or null for its default
     * @param maxRequestBuffers request buffer sets at most, for the whole process (each of N loops
     *                      gets 1/N, at least 1), 1..1024 (the default): the most requests in
     *                      progress at once, beyond which a request waits, its first bytes in its
     *                      connection's 1 KB wait buffer, until a set comes back; a set is about
     *                      60 KB of native memory with raw sockets, 170 KB with NIO ones
     * @param deferAccept   {@link ServeMode#LAIO_LAIO} only: each listener takes a connection once its
     *                      first bytes are there ({@code TCP_DEFER_ACCEPT}, see {@link LaioListener}); off by default
     * @param fileCache     open files kept between requests on each loop ({@link FileCache}, {@code --file-cache}),
     *                      0..65536, default {@value #FILE_CACHE}; at most half of the descriptors
     *                      {@link DescriptorBudget} keeps for files (its share on N loops); 0: every request opens and closes its file
     */
    public record Options(ServeMode mode, InetAddress bind, int port, Path root, boolean keepAlive,
            Duration idleTimeout, Duration headerTimeout, boolean accessLog, int maxHelpers, int maxConnections,
            SSLContext tls, Duration helperSpin, Duration loopSpin, Duration spinBeforeSleep, int maxRequestBuffers,
            boolean deferAccept, int fileCache) {
        /** Checks {@code maxRequestBuffers} and {@code fileCache}, and that only laio-laio defers its accepts. */
        public Options {
            if (fileCache < 0 || fileCache > MAX_FILE_CACHE) {
                throw new IllegalArgumentException("fileCache must be 0.." + MAX_FILE_CACHE + ", was " + fileCache);
            }
            if (maxRequestBuffers < 1 || maxRequestBuffers > MAX_SETS) {
                throw new IllegalArgumentException("maxRequestBuffers must be 1.." + MAX_SETS + ", was " + maxRequestBuffers);
            }
            if (deferAccept && mode != ServeMode.LAIO_LAIO) {
                throw new IllegalArgumentException("deferAccept is for --mode laio-laio only, not " + mode);
            }
        }

        /** With the default file cache ({@value #FILE_CACHE} per loop). */
        public Options(ServeMode mode, InetAddress bind, int port, Path root, boolean keepAlive,
                Duration idleTimeout, Duration headerTimeout, boolean accessLog, int maxHelpers, int maxConnections,
                SSLContext tls, Duration helperSpin, Duration loopSpin, Duration spinBeforeSleep, int maxRequestBuffers,
                boolean deferAccept) {
            this(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, tls,
                    helperSpin, loopSpin, spinBeforeSleep, maxRequestBuffers, deferAccept, FILE_CACHE);
        }

        /** Without deferred accepts. */
        public Options(ServeMode mode, InetAddress bind, int port, Path root, boolean keepAlive,
                Duration idleTimeout, Duration headerTimeout, boolean accessLog, int maxHelpers, int maxConnections,
                SSLContext tls, Duration helperSpin, Duration loopSpin, Duration spinBeforeSleep, int maxRequestBuffers) {
            this(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, tls,
                    helperSpin, loopSpin, spinBeforeSleep, maxRequestBuffers, false);
        }

        /** With the most request buffer sets, 1024. */
        public Options(ServeMode mode, InetAddress bind, int port, Path root, boolean keepAlive,
                Duration idleTimeout, Duration headerTimeout, boolean accessLog, int maxHelpers, int maxConnections,
                SSLContext tls, Duration helperSpin, Duration loopSpin, Duration spinBeforeSleep) {
            this(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, tls,
                    helperSpin, loopSpin, spinBeforeSleep, MAX_SETS);
        }

        /** With the LAIO spins left at their defaults. */
        public Options(ServeMode mode, InetAddress bind, int port, Path root, boolean keepAlive,
                Duration idleTimeout, Duration headerTimeout, boolean accessLog, int maxHelpers, int maxConnections,
                SSLContext tls) {
            this(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, tls,
                    null, null, null);
        }

        /** Plain HTTP. */
        public Options(ServeMode mode, InetAddress bind, int port, Path root, boolean keepAlive,
                Duration idleTimeout, Duration headerTimeout, boolean accessLog, int maxHelpers, int maxConnections) {
            this(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, null);
        }

        /** Defaults: loopback, a free port, the embedded site, keep-alive on, 60 s idle, 20 s head, plain HTTP. */
        public static Options of(ServeMode mode) {
            return new Options(mode, InetAddress.getLoopbackAddress(), 0, null, true, Duration.ofSeconds(60),
                    Duration.ofSeconds(20), false, 64, 0, null);
        }

        public Options withRoot(Path r) {
            return new Options(mode, bind, port, r, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, tls, helperSpin, loopSpin, spinBeforeSleep, maxRequestBuffers, deferAccept, fileCache);
        }

        public Options withKeepAlive(boolean k) {
            return new Options(mode, bind, port, root, k, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections, tls, helperSpin, loopSpin, spinBeforeSleep, maxRequestBuffers, deferAccept, fileCache);
        }

        public Options withTimeouts(Duration idle, Duration header) {
            return new Options(mode, bind, port, root, keepAlive, idle, header, accessLog, maxHelpers, maxConnections, tls, helperSpin, loopSpin, spinBeforeSleep,
                    maxRequestBuffers, deferAccept, fileCache);
        }

        /**
         * Each loop with these spins: its LAIO's {@link LaioConfig.Builder#helperSpin} and
         * {@link LaioConfig.Builder#loopSpin}, and its own {@link EventBase#spinBeforeSleep(Duration)};
         * null keeps that one's default.
         */
        public Options withSpins(Duration helper, Duration loop, Duration beforeSleep) {
            return new Options(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections,
                    tls, helper, loop, beforeSleep, maxRequestBuffers, deferAccept, fileCache);
        }

        /** HTTPS with {@code context}'s key and certificate; null for plain HTTP. */
        public Options withTls(SSLContext context) {
            return new Options(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections,
                    context, helperSpin, loopSpin, spinBeforeSleep, maxRequestBuffers, deferAccept, fileCache);
        }

        /** At most {@code n} request buffer sets over the process's loops, 1..1024 ({@link #maxRequestBuffers()}). */
        public Options withMaxRequestBuffers(int n) {
            return new Options(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections,
                    tls, helperSpin, loopSpin, spinBeforeSleep, n, deferAccept, fileCache);
        }

        /** With {@code n} open files cached per loop, 0..65536 ({@link #fileCache()}; 0: none). */
        public Options withFileCache(int n) {
            return new Options(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections,
                    tls, helperSpin, loopSpin, spinBeforeSleep, maxRequestBuffers, deferAccept, n);
        }

        /** With {@link #deferAccept()} on or off ({@link ServeMode#LAIO_LAIO} only). */
        public Options withDeferAccept(boolean on) {
            return new Options(mode, bind, port, root, keepAlive, idleTimeout, headerTimeout, accessLog, maxHelpers, maxConnections,
                    tls, helperSpin, loopSpin, spinBeforeSleep, maxRequestBuffers, on, fileCache);
        }
    }

    /** Why TLS needs the laio-laio mode; {@code ThttpdCommand} says it too. */
    static final String TLS_MODES = "TLS goes through event-buffer's BufferEvent filter, which drives a raw socket descriptor "
            + "through LAIO: --mode laio-laio or laio-uring; the nb-* modes' sockets are NIO channels, which give it no descriptor";

    private static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);
    /**
     * Requests in progress at once, each in a {@link ConnectionBuffers} set (about 170 KB with
     * NIO sockets, 60 KB with raw ones); a request beyond them waits, its first bytes in its
     * connection's wait buffer, until a set comes back. Without the bound nb-amted, whose every
     * request waits on a helper, made a set for each of 10,000 requests sent at once (840 MB).
     * Twice the most clients the macro benchmark runs, so it never waits there. The default and
     * the most {@link Options#maxRequestBuffers} takes ({@code --max-request-buffers}: fewer on a
     * memory-limited host, where 256 clients on a slow disk kept a set each for most of them).
     */
    static final int MAX_SETS = 1024;
    /** Open files cached per loop by default ({@link Options#fileCache}). */
    public static final int FILE_CACHE = 256;
    /** The most {@link Options#fileCache} takes. */
    public static final int MAX_FILE_CACHE = 65536;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);

    private final Options options;
    private final EventBase base;
    private final Laio laio;
    private final Arena arena = Arena.ofShared();
    private final DocRoot root;
    private final FileCache fileCache;
    private final Listener listener;
    private final HttpDates dates = new HttpDates();
    private final Set<Connection> connections = new HashSet<>();
    /** Sets lent to connections while they serve a request; as many as were ever in use at once. */
    private final ArrayDeque<ConnectionBuffers> freeBuffers = new ArrayDeque<>();
    private final WaitBuffers waitBuffers;
    /** Connections whose request has begun while all {@link #MAX_SETS} sets were lent, oldest first. */
    private final ArrayDeque<Connection> waitingForBuffers = new ArrayDeque<>();
    private final Event handOver;
    /** Set on a loop of a {@link ThttpdGroup} that hands accepted connections out; null otherwise. */
    private final ThttpdGroup handOffGroup;
    /** In hand-off mode the group's one count of connections, the limit held across its loops; else null. */
    private final ConnectionGate gate;
    private volatile long accepted;
    private final int chunkSize;
    private final int maxConnections;
    /** {@link Options#maxRequestBuffers}, or this loop's share of it on N loops (each set in progress holds a file descriptor). */
    private final int maxSets;
    private boolean pausedAtLimit;
    private int buffersMade;
    /** TLS: the segments of the connections' filters (this loop's); null for plain HTTP. */
    private final SegmentPool tlsPool;
    /** TLS filters whose connection has gone while close_notify or a cancelled call finishes, oldest first. */
    private final ArrayDeque<BufferEvent> tlsClosing = new ArrayDeque<>();

    private volatile long requests;
    private volatile long timeouts;
    private volatile long acceptFailures;
    private volatile boolean running;
    private volatile boolean closed;

    /** Opens the root and the listening socket; nothing is served until {@link #run()}. */
    public ThttpdServer(Options options) throws IOException {
        this(options, spun(options.mode().backend() != null ? EventBase.create(options.mode().backend()) : EventBase.create(),
                options.spinBeforeSleep()), 0, 1,
                new InetSocketAddress(options.bind(), options.port()), false, null, true);
    }

    /**
     * Loop {@code index}'s server: on {@code base}, made on its loop thread, with its exact share
     * of the process's bounds ({@link #share(int, int, int)}: the helpers, the LAIO queue, the
     * request buffer sets and, with a listener per loop, the connection limit); listening on {@code listenOn} (with {@code SO_REUSEPORT} if {@code reusePort}),
     * or not at all when it is null (connections are handed to it). With {@code handOffGroup}
     * set, its listener hands each connection to the group's next loop.
     */
    ThttpdServer(Options options, EventBase base, int index, int loops, InetSocketAddress listenOn, boolean reusePort,
            ThttpdGroup handOffGroup) throws IOException {
        this(options, base, index, loops, listenOn, reusePort, handOffGroup, false);
    }

    private ThttpdServer(Options options, EventBase base, int index, int loops, InetSocketAddress listenOn, boolean reusePort,
            ThttpdGroup handOffGroup, boolean ownsBase) throws IOException {
        if (options.tls() != null && !options.mode().laioSockets()) {
            closeIfOwned(base, ownsBase);
            throw new IllegalArgumentException("--mode " + options.mode() + " with TLS: " + TLS_MODES);
        }
        this.options = options;
        this.handOffGroup = handOffGroup;
        // a TLS body passes through the engine: read in chunks as with NIO sockets, never by sendfile
        this.chunkSize = options.mode().laioSockets() && options.tls() == null ? 0 : 128 * 1024;
        this.tlsPool = options.tls() == null ? null : SegmentPool.create();
        this.maxSets = share(options.maxRequestBuffers(), loops, index);
        this.waitBuffers = new WaitBuffers(arena);
        this.base = base;
        // the cache's check may be a plain statx on the loop only where a pinned path's lookup cannot wait
        boolean plainCheck = options.fileCache() > 0 && DocRoot.dentriesStayLocal(options.root());
        try {
            this.laio = Laio.attach(base, options.mode().laioConfig(share(options.maxHelpers(), loops, index),
                    share(LaioConfig.builder().build().maxQueued(), loops, index), options.helperSpin(), options.loopSpin(),
                    plainCheck));
        } catch (RuntimeException e) {
            closeIfOwned(base, ownsBase);
            throw e;
        }
        this.handOver = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> handOverBuffers(), null);
        try (Laio setup = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build())) {
            int limit = options.maxConnections() != 0 ? options.maxConnections()
                    : DescriptorBudget.connections(setup, arena);
            // hand-off: one listener, so one count over every loop holds the whole limit; reuseport:
            // each loop's listener holds its share, as the kernel spreads the connections
            this.gate = handOffGroup == null ? null : handOffGroup.gate(limit);
            this.maxConnections = gate != null || limit <= 0 ? limit : share(limit, loops, index);
            this.root = DocRoot.open(setup, arena, options.root());
            // cached descriptors never take more than half of what the budget keeps for files:
            // the other half stays for requests in progress, whose opens must not fail for the cache
            int files = options.fileCache() == 0 ? 0 : Math.min(options.fileCache(), share(DescriptorBudget.files(setup, arena) / 2, loops));
            this.fileCache = new FileCache(files, base, laio, arena,
                    plainCheck && options.mode().plainCacheCheck() ? root.device() : FileCache.ANY_DEVICE);
        } catch (IOException | RuntimeException e) {
            laio.close();
            closeIfOwned(base, ownsBase);
            throw e;
        }
        try {
            this.listener = listenOn == null ? null : options.mode().laioSockets()
                    ? new LaioListener(this, laio, listenOn, reusePort)
                    : new NioListener(this, base, listenOn, reusePort);
        } catch (IOException | RuntimeException e) {
            root.close(laio);
            laio.close();
            closeIfOwned(base, ownsBase);
            throw e;
        }
    }

    /** {@code base} with {@code --spin-before-sleep} if one was given. */
    private static EventBase spun(EventBase base, Duration spinBeforeSleep) {
        if (spinBeforeSleep != null) {
            base.spinBeforeSleep(spinBeforeSleep);
        }
        return base;
    }

    /** A failed constructor closes the base it made, never a group's (the group closes those). */
    private static void closeIfOwned(EventBase base, boolean owned) {
        if (owned) {
            base.close();
        }
    }

    /** {@code total / loops}, at least 1: one loop's share of a process-wide bound. */
    static int share(int total, int loops) {
        return Math.max(1, total / loops);
    }

    /**
     * Loop {@code index}'s exact share of {@code total}: the remainder goes one each to the
     * first loops, so the shares add up to {@code total}; at least 1 (a limit below the number
     * of loops is refused where it is given, {@link ThttpdGroup}).
     */
    static int share(int total, int loops, int index) {
        return Math.max(1, total / loops + (index < total % loops ? 1 : 0));
    }

    /** The port it listens on. */
    public int port() {
        return listener == null ? -1 : listener.port();
    }

    /** The directory it serves (the extracted default site when no root was given). */
    public Path root() {
        return root.path();
    }

    /** Serves on the calling thread until {@link #stop()}, then closes every connection and descriptor. */
    public void run() {
        running = true;
        try {
            if (listener != null) {
                listener.start();
            }
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
        } finally {
            shutdown();
        }
    }

    /** A group's loop thread: starts accepting (the loop itself is the group's); nothing once stopping. */
    void startOnLoop() {
        if (stopping) {
            return; // a stop came first: its listener is closed
        }
        running = true;
        if (listener != null) {
            listener.start();
        }
    }

    /** Ends {@link #run()}; any thread, before or while it runs; nothing once it has ended. */
    public void stop() {
        if (!closed) {
            try {
                base.loopExit(null);
            } catch (IllegalStateException e) {
                // closed meanwhile: it has stopped
            }
        }
    }

    private void shutdown() {
        beginStop();
        // connections with a LAIO call in flight are freed when it completes (cancelled ones at once)
        long deadline = System.nanoTime() + SHUTDOWN_WAIT.toNanos();
        while ((!connections.isEmpty() || tlsStillClosing()) && System.nanoTime() < deadline) {
            base.once(null, Ev.TIMEOUT, (ev, what, arg) -> { }, null, Duration.ofMillis(50));
            base.loop(Ev.LOOP_ONCE);
        }
        if (!connections.isEmpty()) {
            LOG.warn("{} connections still had calls in flight after {} s", connections.size(), SHUTDOWN_WAIT.toSeconds());
        }
        release();
        base.close();
        running = false;
    }

    /**
     * Loop thread: stops accepting and closes every connection; those with a LAIO call in flight
     * leave when it completes, which the loop still has to run. Nothing once called before.
     */
    void beginStop() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (listener != null) {
            listener.close();
        }
        handOver.del();
        fileCache.stopSweeping(); // a group's loop ends once nothing is pending: a periodic timer would hold it
        waitingForBuffers.clear();
        for (Connection c : new ArrayList<>(connections)) {
            c.close();
        }
    }

    private boolean stopping;

    /** Loop thread, after its loop ended: the root, the Laio (waiting for calls still running) and the memory. */
    void release() {
        if (closed) {
            return;
        }
        fileCache.closeAll(laio);
        root.close(laio);
        laio.close(); // waits for calls still running on helpers
        closed = true;
        if (connections.isEmpty()) {
            arena.close();
        } // else a helper may still write into it: leave it to the garbage collector's care, never free it under a call
        running = false;
    }

    /** Requests answered, any status. */
    public long requests() {
        return requests;
    }

    /** Connections closed by the idle or header timeout. */
    public long timeouts() {
        return timeouts;
    }

    /** Accepts that failed for want of descriptors (each followed by a pause). */
    public long acceptFailures() {
        return acceptFailures;
    }

    /** Connections open now. */
    public int connectionCount() {
        return connections.size();
    }

    /** The LAIO statistics of the server's disk (and, in laio-laio, socket) calls. */
    public LaioStats laioStats() {
        return laio.stats();
    }

    // ---- for the connections and listeners (loop thread)

    EventBase base() {
        return base;
    }

    Laio laio() {
        return laio;
    }

    int rootFd() {
        return root.fd();
    }

    FileCache fileCache() {
        return fileCache;
    }

    /** Descriptors ran short: the file cache closes its idle ones first. How many it closed. */
    int shedCachedFiles() {
        int n = fileCache.shed();
        if (n > 0) {
            LOG.debug("out of descriptors: closed {} cached files", n);
        }
        return n;
    }

    /** Requests served from a cached descriptor ({@link FileCache}). */
    public long fileCacheHits() {
        return fileCache.hits();
    }

    /** Requests whose path had no cache entry, or one whose file had changed. */
    public long fileCacheMisses() {
        return fileCache.misses();
    }

    HttpDates dates() {
        return dates;
    }

    boolean keepAlive() {
        return options.keepAlive();
    }

    Duration idleTimeout() {
        return options.idleTimeout();
    }

    Duration headerTimeout() {
        return options.headerTimeout();
    }

    Duration acceptBackoff() {
        return ACCEPT_BACKOFF;
    }

    /**
     * A set for a request that has begun: the one given back last, whose memory is likeliest to
     * be cached; null when {@link #MAX_SETS} are lent (then {@link #waitForBuffers}).
     */
    ConnectionBuffers takeBuffers() {
        ConnectionBuffers b = freeBuffers.pollFirst();
        if (b != null) {
            return b.reset();
        }
        if (buffersMade >= maxSets) {
            return null;
        }
        buffersMade++;
        return new ConnectionBuffers(arena, chunkSize, options.mode().laioSockets() && tlsPool == null);
    }

    /** A set back from a connection whose request is done; nothing may write it any more. */
    void giveBack(ConnectionBuffers b) {
        freeBuffers.addFirst(b);
        if (!waitingForBuffers.isEmpty()) {
            handOver.active(Ev.TIMEOUT); // in this loop pass, not inside the connection giving it back
        }
    }

    /** {@code c} resumes (through {@link Connection#buffersFree()}) when a set comes back. */
    void waitForBuffers(Connection c) {
        waitingForBuffers.addLast(c);
    }

    private void handOverBuffers() {
        Connection c;
        while (!freeBuffers.isEmpty() && (c = waitingForBuffers.pollFirst()) != null) {
            c.buffersFree(); // one that closed while it waited does nothing
        }
    }

    /** Sets made so far: the most requests ever in progress at once. */
    int buffersMade() {
        return buffersMade;
    }

    /** Whether it is stopping: connections close at once, TLS ones without close_notify. */
    boolean stopping() {
        return stopping;
    }

    /**
     * A TLS connection has gone while its filter still sends close_notify, or waits for its
     * cancelled calls: shutdown waits for it too. Those that have finished are dropped here.
     */
    void closing(BufferEvent be) {
        tlsStillClosing();
        tlsClosing.addLast(be);
    }

    private boolean tlsStillClosing() {
        while (!tlsClosing.isEmpty() && tlsClosing.peekFirst().fd() < 0) {
            tlsClosing.pollFirst();
        }
        if (stopping) {
            for (BufferEvent be : tlsClosing) {
                be.close(); // close_notify no longer awaited
            }
            tlsClosing.removeIf(be -> be.fd() < 0);
        }
        return !tlsClosing.isEmpty();
    }

    /** Connections this loop has taken (accepted or handed to it). */
    long accepted() {
        return accepted;
    }

    /** The listener accepted {@code ch}: serve it here, or hand it to the group's next loop. */
    void acceptedChannel(java.nio.channels.SocketChannel ch) throws IOException {
        if (gate == null) {
            accepted(new NioSocketIo(base, ch));
            return;
        }
        gate.opened();
        ThttpdServer to = handOffGroup.nextServer();
        if (to == this) {
            adoptChannel(ch);
        } else {
            handOffGroup.handTo(to, () -> to.adoptChannel(ch), () -> {
                NioListener.closeQuietly(ch);
                gate.closed();
            });
        }
    }

    private void adoptChannel(java.nio.channels.SocketChannel ch) {
        try {
            accepted(new NioSocketIo(base, ch));
        } catch (IOException e) {
            LOG.debug("dropping a handed-over connection that failed at once: {}", e.toString());
            NioListener.closeQuietly(ch);
            gate.closed();
        }
    }

    /** The raw listener accepted descriptor {@code fd}: serve it here, or hand it to the group's next loop. */
    void acceptedFd(int fd) {
        if (gate == null) {
            accepted(socketIo(fd));
            return;
        }
        gate.opened();
        ThttpdServer to = handOffGroup.nextServer();
        if (to == this) {
            accepted(socketIo(fd));
        } else {
            handOffGroup.handTo(to, () -> to.accepted(to.socketIo(fd)), () -> {
                laio.close(fd);
                gate.closed();
            });
        }
    }

    /** Whether its listener takes connections only once their first bytes are there ({@link Options#deferAccept}). */
    boolean deferAccept() {
        return options.deferAccept();
    }

    /** Whether the mode does its I/O through the loop's io_uring ({@link ServeMode#ringIo()}). */
    boolean ringIo() {
        return options.mode().ringIo();
    }

    /** A raw socket's I/O: LAIO calls, or with TLS the filter over them. */
    private SocketIo socketIo(int fd) {
        if (tlsPool == null) {
            return new LaioSocketIo(laio, fd);
        }
        SSLEngine engine = options.tls().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setApplicationProtocols(HTTP_1_1);
        engine.setSSLParameters(p);
        return TlsSocketIo.accept(this, laio, fd, tlsPool, engine);
    }

    /** ALPN: the one protocol served. */
    private static final String[] HTTP_1_1 = {"http/1.1"};

    void accepted(SocketIo io) {
        if (stopping) {
            io.close();
            if (gate != null) {
                gate.closed();
            }
            return;
        }
        accepted++; // this loop's thread only
        Connection c = new Connection(this, io, waitBuffers.take());
        connections.add(c);
        c.start();
    }

    void closed(Connection c, WaitBuffers.Buffer wait) {
        connections.remove(c);
        waitBuffers.give(wait);
        if (gate != null) {
            gate.closed(); // at the limit it has the accepting loop resume
        } else if (pausedAtLimit && !stopping) { // stopping: the listener is closed, and a closed channel cannot be watched
            pausedAtLimit = false;
            listener.resume();
        }
    }

    /**
     * Whether it serves as many connections as it may (in hand-off mode: all loops together);
     * if so the listener pauses until one closes.
     */
    boolean full() {
        if (gate != null) {
            return gate.full();
        }
        if (maxConnections > 0 && connections.size() >= maxConnections) {
            pausedAtLimit = true;
            return true;
        }
        return false;
    }

    /** The configuration of this loop's Laio (its share of the bounds, the spins given). */
    LaioConfig laioConfig() {
        return laio.config();
    }

    /** Hand-off mode, the accepting loop's thread: a connection closed on some loop brought the count under the limit. */
    void resumeAccepting() {
        if (listener != null && !stopping && !closed) {
            listener.resume();
        }
    }

    /** The request buffer sets this loop may hold at once: its share of {@link Options#maxRequestBuffers()}. Any thread. @return the count */
    int requestBufferLimit() {
        return maxSets;
    }

    /** The connection limit in force (-1: none): this loop's share, or in hand-off mode the whole group's. */
    public int maxConnections() {
        return maxConnections;
    }

    void acceptFailed(String why) {
        shedCachedFiles(); // most likely EMFILE: the cache gives its descriptors back before the connections wait
        if (acceptFailures++ % 100 == 0) {
            LOG.warn("accept failed ({}); pausing accepts for {} ms, {} connections open", why,
                    ACCEPT_BACKOFF.toMillis(), connections.size());
        }
    }

    void timedOut() {
        timeouts++;
    }

    void log(Connection c, HttpRequest req, int status, long bytes) {
        requests++;
        if (options.accessLog()) {
            ACCESS.info("{} \"{} {} HTTP/{}\" {} {}", c.peer(), req.methodName == null ? "-" : req.methodName, req.targetString(),
                    req.version == 10 ? "1.0" : "1.1", status, bytes);
        }
    }

    @Override
    public String toString() {
        return "thttpd[" + options.mode() + (tlsPool != null ? " tls" : "") + " port " + port() + (running ? " running" : "") + "]";
    }
}
