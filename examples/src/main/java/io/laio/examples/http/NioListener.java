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

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** A listening NIO server channel whose READ readiness accepts every waiting connection. */
final class NioListener implements Listener {
    private final ThttpdServer server;
    private final ServerSocketChannel channel;
    private final Event acceptable;
    private final Event backoff;

    NioListener(ThttpdServer server, EventBase base, InetSocketAddress bind, boolean reusePort) throws IOException {
        this.server = server;
        this.channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (reusePort) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true); // one listener per loop, the kernel balances
            }
            channel.bind(bind, 1024);
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        acceptable = Event.set(base, channel, Ev.READ | Ev.PERSIST, (ev, what, arg) -> acceptAll(), null);
        backoff = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> acceptable.add(), null);
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.socket().getLocalSocketAddress()).getPort();
    }

    @Override
    public void start() {
        acceptable.add();
    }

    @Override
    public void resume() {
        acceptable.add();
    }

    private void acceptAll() {
        while (true) {
            if (server.full()) {
                acceptable.del();
                return;
            }
            SocketChannel ch;
            try {
                ch = channel.accept();
            } catch (IOException e) {
                acceptable.del(); // out of descriptors: pause accepting, keep serving
                backoff.add(server.acceptBackoff());
                server.acceptFailed(e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                server.acceptedChannel(ch);
            } catch (IOException e) {
                ThttpdServer.LOG.debug("dropping a connection that failed at once: {}", e.toString());
                closeQuietly(ch);
            }
        }
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // it failed already; there is nothing more to lose
        }
    }

    @Override
    public void close() {
        acceptable.del();
        backoff.del();
        try {
            channel.close();
        } catch (IOException e) {
            ThttpdServer.LOG.warn("closing the listener: {}", e.toString());
        }
    }
}
