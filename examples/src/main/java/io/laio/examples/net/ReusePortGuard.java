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

package io.laio.examples.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;

/**
 * Keeps a group's {@code SO_REUSEPORT} listeners to a port nobody listens on yet. The kernel
 * lets any socket of the same user with {@code SO_REUSEPORT} join a port's listeners, so a
 * second server started on a running one's port (an old instance, a typo) would bind without
 * error and quietly take part of its connections. Binding one plain socket to the address first,
 * and closing it, fails then as a plain listener's bind would.
 */
public final class ReusePortGuard {
    private ReusePortGuard() {}

    /**
     * Fails if something listens on {@code at} already; nothing for port 0 (the kernel picks a
     * free one). Call it just before the first reuseport listener binds {@code at}.
     *
     * @param at the address the group's listeners will bind
     * @throws java.net.BindException if the port is in use ("Address already in use")
     * @throws IOException            if the address cannot be bound for another reason
     */
    public static void checkFree(InetSocketAddress at) throws IOException {
        if (at.getPort() == 0) {
            return;
        }
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(at, 1); // never accepts: closed at once, it leaves nothing behind
        }
    }
}
