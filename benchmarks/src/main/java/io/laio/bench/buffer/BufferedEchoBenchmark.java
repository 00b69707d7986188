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

package io.laio.bench.buffer;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Sys;
import io.laio.abi.MsgFlags;
import io.laio.bench.AverageNanos;
import io.laio.bench.core.LoopThread;
import io.laio.bench.nio.LoopbackEcho;
import io.laio.buffer.BufferEvent;
import io.laio.buffer.BufferEventHandler;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A 64-byte echo round trip over loopback TCP, the server on one laio loop on the {@code epoll}
 * backend, served two ways (issue 20's goal: buffered within 1.1x of raw, 0 B/op in steady
 * state; run with {@code -prof gc}):
 * <ul>
 *   <li>{@code raw}: the hand-written LAIO loop: {@code recvfrom} into one segment and
 *       {@code sendto} of what came, each through {@link Laio#syscall}; a call that would block
 *       waits on the loop's epoll and completes as an {@link Ev#LAIO} event (thttpd's laio-laio
 *       path; the same loop as {@code EchoPeersBenchmark}'s {@code laio-epoll});</li>
 *   <li>{@code buffered}: a {@link BufferEvent} whose handler moves the input's segments to the
 *       output, as the {@code echo} example serves a connection.</li>
 * </ul>
 * The benchmark thread is the client: a blocking channel with direct buffers, write 64 bytes, read 64 back.
 */
@State(Scope.Benchmark)
public class BufferedEchoBenchmark extends AverageNanos {
    private static final int SIZE = 64;

    /** How the server side is served. */
    @Param({"raw", "buffered"})
    public String io;

    /**
     * The connection's epoll entry: {@code one-shot} (re-armed with an {@code epoll_ctl} per wait,
     * the default) or {@code kept} ({@code LaioConfig.closesThroughLaio}: the connection is
     * accepted on the loop thread and its entry stays armed between waits).
     */
    @Param({"one-shot", "kept"})
    public String entries;

    private LoopThread loop;
    private Laio laio;
    private RawLoopback listener;
    private SocketChannel client;
    private final ByteBuffer request = ByteBuffer.allocateDirect(SIZE);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(SIZE);
    private int connFd = -1;
    // raw
    private Arena arena;
    private MemorySegment buf;
    private final EventCallback onReceived = (ev, what, arg) -> received(ev.result());
    private final EventCallback onSent = (ev, what, arg) -> receive();
    // buffered
    private BufferEvent be;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        EventBase base = EventBase.create("epoll");
        boolean kept = switch (entries) {
            case "one-shot" -> false;
            case "kept" -> true;
            default -> throw new IllegalArgumentException(entries);
        };
        laio = Laio.attach(base, LaioConfig.builder().closesThroughLaio(kept).build());
        loop = new LoopThread(base, "laio-echo");
        listener = RawLoopback.listen(laio);
        client = listener.connectChannel();
        if (kept) {
            CompletableFuture<Integer> accepted = new CompletableFuture<>();
            base.execute(() -> { // only a number made on the loop thread is kept
                try {
                    accepted.complete(listener.accept());
                } catch (IOException | RuntimeException e) {
                    accepted.completeExceptionally(e);
                }
            });
            connFd = accepted.get();
        } else {
            connFd = listener.accept();
        }
        switch (io) {
            case "raw" -> {
                arena = Arena.ofShared();
                buf = arena.allocate(SegmentPool.DEFAULT_SEGMENT_SIZE, 64);
                base.execute(this::receive);
            }
            case "buffered" -> base.execute(() -> {
                be = BufferEvent.socket(laio, connFd, SegmentPool.create(), new Echo());
                be.enable(Ev.READ);
            });
            default -> throw new IllegalArgumentException(io);
        }
    }

    /** The buffered echo: no copy, the input's segments move to the output. */
    static final class Echo implements BufferEventHandler {
        @Override
        public void onRead(BufferEvent b) {
            b.output().appendBuffer(b.input());
        }

        @Override
        public void onEvent(BufferEvent b, int events, int errno) {
            if (events != BufferEvent.CONNECTED) {
                b.close(); // end-of-file or an error: the trial is over
            }
        }
    }

    /** Raw, on the loop thread: a recvfrom; if it would block, its completion is an EV_LAIO event. */
    private void receive() {
        long r = laio.syscall(Sys.SYS_recvfrom, connFd, buf.address(), buf.byteSize(), 0, 0, 0);
        if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
            Event.set(loop.base, laio.gethandle(), Ev.LAIO, onReceived, null).add();
        } else {
            received(r);
        }
    }

    private void received(long n) {
        if (n <= 0) {
            return; // closed (or failed): the trial is over
        }
        long w = laio.syscall(Sys.SYS_sendto, connFd, buf.address(), n, MsgFlags.MSG_NOSIGNAL, 0, 0);
        if (w == -1 && Laio.errno() == Errno.EINPROGRESS) {
            Event.set(loop.base, laio.gethandle(), Ev.LAIO, onSent, null).add();
        } else {
            receive();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.close();
        if (be != null) {
            loop.base.execute(be::close); // closes connFd
        }
        loop.halt();
        if (be == null) {
            laio.close(connFd);
        }
        listener.close();
        laio.close();
        loop.base.close();
        if (arena != null) {
            arena.close();
        }
    }

    @Benchmark
    public int roundTrip() throws IOException {
        return LoopbackEcho.exchange(client, request, reply);
    }
}
