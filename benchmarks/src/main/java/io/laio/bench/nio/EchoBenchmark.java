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

package io.laio.bench.nio;

import io.laio.bench.AverageNanos;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A 64-byte echo round trip over loopback TCP, served by one event loop thread: laio's
 * EventBase with a persistent READ event, beside a minimal hand-written Selector loop doing the
 * same work in the same run. The benchmark thread is the client (blocking socket).
 */
@State(Scope.Benchmark)
public class EchoBenchmark extends AverageNanos {
    @Param({"laio", "handWrittenSelector"})
    public String server;

    private LoopbackEcho pair;
    private SocketChannel client;
    private Thread serverThread;
    private volatile boolean stop;
    private EventBase base;
    private Selector selector;
    private final ByteBuffer request = ByteBuffer.allocateDirect(64);
    private final ByteBuffer reply = ByteBuffer.allocateDirect(64);

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pair = LoopbackEcho.open();
        client = pair.client;
        SocketChannel conn = pair.server;
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        if (server.equals("laio")) {
            base = EventBase.create();
            Event.set(base, conn, Ev.READ | Ev.PERSIST, (ev, what, arg) -> LoopbackEcho.echo(conn, buf), null).add();
            serverThread = Thread.ofPlatform().start(base::dispatch);
        } else {
            selector = Selector.open();
            conn.register(selector, SelectionKey.OP_READ);
            serverThread = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop) {
                        selector.select(key -> LoopbackEcho.echo(conn, buf));
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        stop = true;
        if (base != null) {
            base.loopBreak();
        } else {
            selector.wakeup();
        }
        serverThread.join();
        pair.close();
        if (base != null) {
            base.close();
        } else {
            selector.close();
        }
    }

    @Benchmark
    public int roundTrip() throws IOException {
        return LoopbackEcho.exchange(client, request, reply);
    }
}
