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

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.examples.workload.Trace;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the trace at one client count: {@code clients} {@link Client}s on one
 * {@link EventBase} (this thread's) take the trace's sessions in order, each replaying its
 * session's requests one at a time, until the trace or a bound ({@code maxRequests},
 * {@code duration}) is exhausted. Response times go to an HdrHistogram in microseconds; every
 * failed request is counted in an {@link ErrorLog}.
 *
 * <p>Threading: {@link #run} on one thread; everything else is the loop's (that thread).
 */
final class LoadRun {
    /**
     * What to run.
     *
     * @param server      where the HTTP server listens
     * @param clients     concurrent clients (connections)
     * @param keepAlive   one persistent connection per session; else one per request
     * @param maxRequests stop starting requests after this many (0: no bound)
     * @param duration    stop starting requests after this long ({@code null}: no bound)
     * @param timeout     a connection with a request outstanding and no byte for this long fails it
     */
    record Spec(InetSocketAddress server, int clients, boolean keepAlive, long maxRequests, Duration duration, Duration timeout) {
        Spec {
            if (clients < 1) {
                throw new IllegalArgumentException("clients must be at least 1: " + clients);
            }
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);
    private static final long HIGHEST_MICROS = 3_600_000_000L;
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(200);

    private final Trace trace;
    private final long[] expected;
    private final Spec spec;
    private final byte[][] requests;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
    private final ErrorLog errors = new ErrorLog();

    private EventBase base;
    private Event progressTimer;
    private boolean ran;
    private int nextSession;
    private long started;
    private long okRequests;
    private long okBytes;
    private long deadline;
    private int running;

    /**
     * @param expected each trace path's size in the document root, -1 if absent
     *                 ({@link ServedFiles#expectedSizes})
     */
    LoadRun(Trace trace, long[] expected, Spec spec) {
        this.trace = trace;
        this.expected = expected;
        this.spec = spec;
        this.requests = new byte[trace.paths().length][];
    }

    /** Requests this run will attempt if nothing cuts it short. */
    long plannedRequests() {
        long n = trace.requests().length;
        return spec.maxRequests() > 0 ? Math.min(n, spec.maxRequests()) : n;
    }

    /**
     * Replays the trace; returns when every client has finished. Once per instance.
     *
     * @throws IllegalStateException if this run already ran
     */
    RunResult run(String label, String cache, Progress progress) {
        if (ran) {
            throw new IllegalStateException("a LoadRun runs once");
        }
        ran = true;
        try (EventBase b = EventBase.create()) {
            base = b;
            // a callback that throws would leave its client stuck and the run hanging: stop it, loudly
            base.setUncaughtHandler((ev, t) -> {
                LOG.error("the run stops: a load generator callback threw", t);
                errors.add(ErrorLog.Kind.INTERNAL, "run stopped: " + t);
                base.loopBreak();
            });
            long t0 = System.nanoTime();
            deadline = spec.duration() == null ? Long.MAX_VALUE : t0 + spec.duration().toNanos();
            running = spec.clients();
            Client[] clients = new Client[spec.clients()];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new Client(this);
                base.execute(clients[i]::start);
            }
            progressTimer = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST,
                    (ev, what, arg) -> progress.update(okRequests + errors.total(), errors.total()), null);
            progressTimer.add(PROGRESS_EVERY);
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            for (Client c : clients) {
                c.abandon(); // closes what a stopped run left open; nothing after a complete one
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            progress.update(okRequests + errors.total(), errors.total());
            return result(label, cache, seconds);
        } finally {
            base = null;
        }
    }

    ErrorLog errors() {
        return errors;
    }

    private RunResult result(String label, String cache, double seconds) {
        Histogram h = histogram;
        boolean any = h.getTotalCount() > 0;
        return new RunResult(label, spec.clients(), spec.keepAlive(), cache, okRequests, errors.total(), okBytes, seconds,
                okBytes * 8 / seconds / 1e6, okRequests / seconds, any ? h.getMean() / 1e3 : 0,
                any ? h.getValueAtPercentile(50) / 1e3 : 0, any ? h.getValueAtPercentile(90) / 1e3 : 0,
                any ? h.getValueAtPercentile(99) / 1e3 : 0, any ? h.getMaxValue() / 1e3 : 0);
    }

    // ------------------------------------------------------------ for the clients (loop thread)

    EventBase base() {
        return base;
    }

    Spec spec() {
        return spec;
    }

    Trace trace() {
        return trace;
    }

    /** The loop's one read buffer: clients consume what they read before returning. */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** The next session to replay, or -1 when the trace or a bound is exhausted. */
    int takeSession() {
        if (nextSession >= trace.sessions() || !mayStart()) {
            return -1;
        }
        return nextSession++;
    }

    /** Whether another request may start (the bounds); counts it if so. */
    boolean startRequest() {
        if (!mayStart()) {
            return false;
        }
        started++;
        return true;
    }

    private boolean mayStart() {
        return (spec.maxRequests() <= 0 || started < spec.maxRequests()) && base.now() < deadline;
    }

    /** The bytes of the GET request for trace path {@code pathIndex}. */
    byte[] request(int pathIndex) {
        byte[] r = requests[pathIndex];
        if (r == null) {
            String name = spec.server().getHostString();
            String host = (name.indexOf(':') >= 0 ? "[" + name + "]" : name) + ":" + spec.server().getPort();
            r = ("GET " + trace.paths()[pathIndex] + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: laio-loadgen\r\n"
                    + (spec.keepAlive() ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            requests[pathIndex] = r;
        }
        return r;
    }

    /** The size the response to trace path {@code pathIndex} must have, -1 if not in the root. */
    long expectedSize(int pathIndex) {
        return expected[pathIndex];
    }

    void succeeded(long nanos, long bytes) {
        histogram.recordValue(Math.clamp(nanos / 1_000, 0, HIGHEST_MICROS));
        okRequests++;
        okBytes += bytes;
    }

    void failed(ErrorLog.Kind kind, String message) {
        errors.add(kind, message);
    }

    /** A client has no more sessions to replay. */
    void clientDone() {
        if (--running == 0) {
            progressTimer.del();
            base.loopBreak();
        }
    }
}
