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

package io.laio.examples.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.EventBase;
import io.laio.examples.LoopOnThread;
import io.laio.examples.net.ServerTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;

/**
 * The proxy tests' shared set-up: a {@link ProxyServer} on its own epoll loop thread in front of
 * a JDK target listener, work run on the loop, and the tear-down after each test.
 */
abstract class ProxyLoop {
    ProxyServer proxy;
    private LoopOnThread loop;
    ServerSocket targetListener;

    /** Starts the proxy in {@code io} mode for the target on {@code targetPort}, by name; returns its port. */
    int startProxy(int targetPort, ServerTls tls, ProxyServer.Io io) throws Exception {
        EventBase base = EventBase.create("epoll");
        // by name: resolved on a helper lane; "localhost" may give ::1 first, which refuses, then 127.0.0.1
        proxy = new ProxyServer(base, new InetSocketAddress("127.0.0.1", 0),
                new ProxyServer.Target("localhost", targetPort, tls, Duration.ofSeconds(5), io));
        loop = LoopOnThread.start(base, "proxy-test-loop");
        return proxy.port();
    }

    /** A target listener on loopback; returns its port. */
    int target() throws Exception {
        targetListener = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
        return targetListener.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        if (loop != null) {
            loop.stop(proxy::close);
        }
        if (targetListener != null) {
            targetListener.close();
        }
    }

    <T> T onLoop(Callable<T> work) throws Exception {
        return loop.onLoop(work);
    }

    void awaitNoOpenPairs() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (onLoop(proxy::openPairs) > 0) {
            assertTrue(System.nanoTime() < deadline, "pairs still open: " + onLoop(proxy::openPairs));
            Thread.sleep(20);
        }
    }
}
