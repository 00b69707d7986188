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
import io.laio.examples.net.ListenSocket;
import io.laio.examples.net.RawListener;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * thttpd's listener for its LAIO socket modes: a {@link RawListener} ({@code accept4} as a LAIO
 * call) that stops at the server's connection limit ({@link ThttpdServer#full()}) and tells the
 * server of each pause for want of descriptors, which it logs at most once in a hundred.
 */
final class LaioListener implements Listener, RawListener.Acceptor {
    /** As {@link NioListener}'s. */
    private static final int BACKLOG = 1024;

    private final ThttpdServer server;
    private final RawListener raw;

    LaioListener(ThttpdServer server, Laio laio, InetSocketAddress bind, boolean reusePort) throws IOException {
        this.server = server;
        this.raw = RawListener.on(laio, ListenSocket.open(laio, bind, RawListener.SOCKET_FLAGS, reusePort, BACKLOG));
        if (server.ringIo()) {
            raw.noDelayOnListener(); // one setsockopt for all: on the ring every other call of a connection is an entry
        }
    }

    @Override
    public int port() {
        return raw.port();
    }

    @Override
    public void start() {
        raw.start(this);
    }

    @Override
    public void resume() {
        raw.resume();
    }

    @Override
    public void close() {
        raw.close();
    }

    @Override
    public void accepted(int fd) {
        server.acceptedFd(fd);
    }

    @Override
    public boolean full() {
        return server.full();
    }

    @Override
    public void paused(String why) {
        server.acceptFailed(why);
    }
}
