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

package io.laio.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Errno;
import io.laio.Sys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** CompletionStages for LAIO calls and for a connection's connect and flush. */
class LaioStagesTest {
    private final Loopback lo = new Loopback();

    @AfterEach
    void tearDown() {
        lo.runFor(20);
        lo.close();
    }

    private static Throwable cause(CompletableFuture<?> f) {
        try {
            f.get();
            throw new AssertionError("completed normally");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void inlineCallGivesACompletedStage() {
        CompletableFuture<Long> f = LaioStages.of(lo.laio, lo.laio.syscall(Sys.SYS_getpid));
        assertTrue(f.isDone());
        assertEquals(ProcessHandle.current().pid(), f.join());
        ErrnoException e = assertInstanceOf(ErrnoException.class, cause(LaioStages.of(lo.laio, lo.laio.syscall(Sys.SYS_close, -1))));
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void backgroundCallCompletesOnTheLoopThreadWithItsResult() {
        CompletableFuture<Long> f = LaioStages.of(lo.laio, lo.laio.call(() -> {
            Thread.sleep(30);
            return 42;
        }));
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        f.thenRun(() -> ranOn.set(Thread.currentThread()));
        assertFalse(f.isDone(), "a helper runs it");
        lo.runUntil(f::isDone, 10);
        assertEquals(42L, f.join());
        assertSame(Thread.currentThread(), ranOn.get(), "completed on the loop thread");
    }

    @Test
    void backgroundCallThatThrowsCompletesExceptionallyWithTheCause() {
        CompletableFuture<Long> f = LaioStages.of(lo.laio, lo.laio.call(() -> {
            throw new IOException("disk on fire");
        }));
        lo.runUntil(f::isDone, 10);
        ErrnoException e = assertInstanceOf(ErrnoException.class, cause(f));
        assertEquals(Errno.EIO, e.errno());
        assertEquals("disk on fire", e.getCause().getMessage());
    }

    @Test
    void connectedAndFlushedStagesFollowTheConnection() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            AtomicReference<byte[]> got = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    got.set(s.getInputStream().readAllBytes());
                } catch (IOException e) {
                    got.set(new byte[0]);
                }
            });
            t.start();
            BufferEvent be = BufferEvent.socket(lo.laio, -1, lo.pool, new BufferEventHandler() { });
            CompletableFuture<BufferEvent> connected = be.whenConnected().toCompletableFuture();
            be.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.getLocalPort()));
            be.output().append(new byte[3 << 20]);
            CompletableFuture<BufferEvent> flushed = be.whenFlushed().toCompletableFuture();
            lo.runUntil(connected::isDone, 10);
            assertSame(be, connected.join());
            lo.runUntil(flushed::isDone, 20);
            assertSame(be, flushed.join());
            assertTrue(be.output().isEmpty());
            be.close();
            lo.runUntil(() -> got.get() != null, 10);
            t.join();
            assertEquals(3 << 20, got.get().length);
        }
    }

    @Test
    void refusedConnectFailsTheConnectedStage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        BufferEvent be = BufferEvent.socket(lo.laio, -1, lo.pool, new BufferEventHandler() { });
        be.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        CompletableFuture<BufferEvent> connected = be.whenConnected().toCompletableFuture();
        lo.runUntil(connected::isDone, 10);
        assertEquals(Errno.ECONNREFUSED, assertInstanceOf(ErrnoException.class, cause(connected)).errno());
        be.close();
    }
}
