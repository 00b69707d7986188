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

package io.laio.examples.echo;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * An echo server on one event loop: every byte a client sends comes back. Each connection has
 * one persistent READ event; when the socket cannot take all of a reply, a WRITE event drains
 * the rest and reading pauses meanwhile (back-pressure instead of unbounded buffering).
 */
public final class EchoServer implements AutoCloseable {
    private final EventBase base;
    private final ServerSocketChannel server;
    private final Event acceptEvent;
    private long connections;

    public EchoServer(EventBase base, InetSocketAddress bind) throws IOException {
        this.base = base;
        this.server = ServerSocketChannel.open().bind(bind, 4096);
        this.acceptEvent = Event.set(base, server, Ev.READ | Ev.PERSIST, (ev, what, arg) -> acceptAll(), null);
        acceptEvent.add();
    }

    public int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    public long connections() {
        return connections;
    }

    private void acceptAll() {
        try {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
                connections++;
                new Connection(ch);
            }
        } catch (IOException e) {
            // EMFILE and friends: keep serving the connections we have; retry on the next readiness
            org.slf4j.LoggerFactory.getLogger(EchoServer.class).warn("accept failed: {}", e.toString());
        }
    }

    private final class Connection {
        final SocketChannel ch;
        final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        final Event read;
        final Event write;

        Connection(SocketChannel ch) throws IOException {
            this.ch = ch;
            ch.configureBlocking(false);
            read = Event.set(base, ch, Ev.READ | Ev.PERSIST, (ev, what, arg) -> onReadable(), null);
            write = Event.set(base, ch, Ev.WRITE | Ev.PERSIST, (ev, what, arg) -> onWritable(), null);
            read.add();
        }

        void onReadable() {
            try {
                int n = ch.read(buf);
                if (n < 0) {
                    close();
                    return;
                }
                flush();
            } catch (IOException e) {
                close();
            }
        }

        void onWritable() {
            try {
                flush();
            } catch (IOException e) {
                close();
            }
        }

        void flush() throws IOException {
            buf.flip();
            ch.write(buf);
            boolean left = buf.hasRemaining();
            buf.compact();
            if (left) {
                read.del();
                write.add();
            } else {
                write.del();
                read.add();
            }
        }

        void close() {
            read.del();
            write.del();
            try {
                ch.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        acceptEvent.del();
        server.close();
    }
}
