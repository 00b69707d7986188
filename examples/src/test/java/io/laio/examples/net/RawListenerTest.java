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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Laio;
import io.laio.event.Ev;
import io.laio.event.EventBase;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RawListener} on an {@code epoll} loop: over a socket bound before the loop existed (kv's
 * order) as over one it opens itself; held at the acceptor's limit until resumed; closed, it
 * leaves no descriptor and no port behind.
 */
@Timeout(30)
class RawListenerTest {
    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** Collects what it accepts; full while {@link #full} says so. */
    private static final class Taker implements RawListener.Acceptor {
        final List<Integer> fds = new ArrayList<>();
        boolean full;

        @Override
        public void accepted(int fd) {
            fds.add(fd);
        }

        @Override
        public boolean full() {
            return full;
        }

        void closeAll(Laio laio) {
            for (int fd : fds) {
                laio.close(fd);
            }
        }
    }

    private static void runUntil(EventBase base, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out");
            }
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            Thread.sleep(1);
        }
    }

    /** Runs the loop a while, for something that should not happen. */
    private static void settle(EventBase base) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            Thread.sleep(2);
        }
    }

    private static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void aSocketBoundBeforeTheLoopExistedIsAcceptedOnByTheLoop() throws Exception {
        ListenSocket bound = ListenSocket.open(ANY_PORT, false, 16); // no loop, no Laio yet
        try (EventBase base = EventBase.create("epoll"); Laio laio = Laio.attach(base)) {
            RawListener l = RawListener.on(laio, bound);
            assertEquals(bound.port(), l.port());
            Taker t = new Taker();
            l.start(t);
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), l.port());
                    Socket b = new Socket(InetAddress.getLoopbackAddress(), l.port())) {
                runUntil(base, () -> t.fds.size() == 2);
            } finally {
                t.closeAll(laio);
                l.close();
            }
        }
    }

    @Test
    void whileTheAcceptorIsFullConnectionsWaitUntilResume() throws Exception {
        try (EventBase base = EventBase.create("epoll"); Laio laio = Laio.attach(base)) {
            RawListener l = RawListener.open(laio, ANY_PORT, false);
            Taker t = new Taker();
            t.full = true;
            l.start(t);
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), l.port())) {
                settle(base);
                assertEquals(0, t.fds.size(), "full: the connection waits in the backlog");
                t.full = false;
                settle(base);
                assertEquals(0, t.fds.size(), "room alone does not restart accepting: resume() does");
                l.resume();
                runUntil(base, () -> t.fds.size() == 1);
            } finally {
                t.closeAll(laio);
                l.close();
            }
        }
    }

    @Test
    void closedWhileAnAcceptWaitsItLeavesNoDescriptorAndNoListenerBehind() throws Exception {
        try (EventBase base = EventBase.create("epoll"); Laio laio = Laio.attach(base)) {
            RawListener warm = RawListener.open(laio, ANY_PORT, false); // the Laio's first wait sets up what it keeps
            warm.start(new Taker());
            settle(base);
            warm.close();
            settle(base);
            long before = openDescriptors();
            RawListener l = RawListener.open(laio, ANY_PORT, false);
            int port = l.port();
            Taker t = new Taker();
            l.start(t); // nobody connects: the accept waits as a LAIO call
            settle(base);
            l.close();
            l.close(); // twice does nothing
            settle(base);
            assertEquals(before, openDescriptors(), "the listening socket closed");
            assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
            assertTrue(t.fds.isEmpty());
        }
    }
}
