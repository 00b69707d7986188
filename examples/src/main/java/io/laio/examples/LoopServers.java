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

package io.laio.examples;

import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import io.laio.examples.net.ReusePortGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * One server per loop of a group, each made and closed on its own loop's thread: loop 0 binds
 * the address asked for (port 0: one the kernel picks), the others the same port with
 * {@code SO_REUSEPORT}; or, in hand-off mode, only loop 0 listens and deals connections out.
 */
public final class LoopServers {
    /** What the group needs of each loop's server. */
    public interface Server extends AutoCloseable {
        /** The port it listens on; -1 for a loop served by hand-off only. @return the port */
        int port();

        /** Stops it; on its loop's thread. */
        @Override
        void close() throws IOException;
    }

    /** Makes loop {@code base}'s server, on that loop's thread. */
    @FunctionalInterface
    public interface Factory<S extends Server> {
        /**
         * @param base         the loop
         * @param listen       the address to listen on, or null: this loop only takes connections handed to it
         * @param reusePort    whether to listen with {@code SO_REUSEPORT} (every loop listens)
         * @param handOffGroup in hand-off mode the group to deal connections to, else null
         * @return the server
         * @throws IOException if its listener cannot be opened
         */
        S make(EventBase base, InetSocketAddress listen, boolean reusePort, EventLoopGroup handOffGroup) throws IOException;
    }

    private LoopServers() {}

    /**
     * One server per loop of {@code group}; on failure the servers made are closed.
     *
     * @return the servers, index {@code i} on loop {@code i}
     * @throws IOException if a listener cannot be opened
     */
    public static <S extends Server> List<S> onLoops(EventLoopGroup group, InetSocketAddress bind, boolean handOff,
            Factory<S> factory) throws IOException {
        if (!handOff) { // every loop's listener, one loop's too, is a reuseport one
            ReusePortGuard.checkFree(bind);
        }
        List<S> made = new ArrayList<>();
        try {
            InetSocketAddress at = bind;
            for (int i = 0; i < group.size(); i++) {
                InetSocketAddress listen = handOff && i > 0 ? null : at;
                EventBase b = group.get(i);
                S s = OnLoop.call(group, i, () -> factory.make(b, listen, !handOff, handOff ? group : null));
                made.add(s);
                if (i == 0) {
                    at = new InetSocketAddress(bind.getAddress(), s.port());
                }
            }
        } catch (IOException | RuntimeException e) {
            closeAll(group, made);
            throw e;
        }
        return List.copyOf(made);
    }

    /** Closes each server on its own loop and waits; any thread but those loops. */
    public static void closeAll(EventLoopGroup group, List<? extends Server> servers) {
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            try {
                OnLoop.call(group, i, () -> {
                    s.close();
                    return null;
                });
            } catch (IOException | RuntimeException e) {
                LoggerFactory.getLogger(LoopServers.class).warn("closing loop {}'s {}: {}", i, s, e.toString());
            }
        }
    }
}
