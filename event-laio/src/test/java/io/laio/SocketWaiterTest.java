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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LAZY socket calls that would block wait on one epoll thread, not on helpers. */
@Timeout(90)
class SocketWaiterTest {

    /** A connected AF_UNIX stream pair: {a, b}. */
    static int[] socketPair() {
        MemorySegment sv = Arena.ofAuto().allocate(8, 4);
        Native.sys(Sys.SYS_socketpair, 1 /* AF_UNIX */, 1 | 0x80000 /* SOCK_STREAM|SOCK_CLOEXEC */, 0, sv.address());
        return new int[] {sv.get(ValueLayout.JAVA_INT, 0), sv.get(ValueLayout.JAVA_INT, 4)};
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void aSocketReadWithNoDataWaitsOnTheWaiterAndCompletesWhenThePeerWrites() throws Exception {
        int[] sp = socketPair();
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(16);
            assertEquals(-1, laio.read(sp[0], buf, 16));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            LaioHandle h = laio.gethandle();
            assertEquals(0, laio.stats().helpersAlive(), "no helper thread holds a blocked socket read");
            Native.writeByte(sp[1], (byte) 77);
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(h, out[0].handle());
            assertEquals(1, out[0].returnValue());
            assertEquals(77, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void anAcceptOnABlockingListenerWaitsWithoutStallingOtherSocketCalls() throws Exception {
        // accept has no per-call non-blocking flag: the waiter must not call it on a blocking
        // listener before a connection is queued, or its one thread would block there
        Path sock = Files.createTempDirectory("laio-accept").resolve("l.sock");
        MemorySegment addr = Arena.ofAuto().allocate(110);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) 1 /* AF_UNIX */);
        addr.setString(2, sock.toString());
        int listener = (int) Native.sys(Sys.SYS_socket, 1, 1 | 0x80000, 0);
        assertEquals(0, Native.sys(Sys.SYS_bind, listener, addr.address(), 110));
        assertEquals(0, Native.sys(Sys.SYS_listen, listener, 16));
        int[] sp = socketPair();
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            assertEquals(-1, laio.accept(listener, 0));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            LaioHandle accept = laio.gethandle();
            MemorySegment buf = arena.allocate(1);
            assertEquals(-1, laio.read(sp[0], buf, 1));
            LaioHandle read = laio.gethandle();
            Native.writeByte(sp[1], (byte) 9);
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(10)), "the read completed while the accept waits");
            assertEquals(read, out[0].handle());
            int client = (int) Native.sys(Sys.SYS_socket, 1, 1 | 0x80000, 0);
            assertEquals(0, Native.sys(Sys.SYS_connect, client, addr.address(), 110));
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(10)));
            assertEquals(accept, out[0].handle());
            assertTrue(out[0].returnValue() >= 0, "accepted a descriptor");
            Native.close((int) out[0].returnValue());
            Native.close(client);
        } finally {
            Native.close(listener);
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void aOneMebibyteWriteToASlowReaderCompletesOnceInItsEntirety() throws Exception {
        int[] sp = socketPair();
        int size = 1 << 20;
        byte[] data = new byte[size];
        new Random(5).nextBytes(data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(size);
            MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, size);
            long r = laio.write(sp[0], src, size);
            assertEquals(-1, r, "a socket buffer cannot take 1 MiB at once");
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            byte[] got = new byte[size];
            Thread reader = Thread.ofPlatform().start(() -> {
                MemorySegment chunk = Arena.ofAuto().allocate(8192);
                int off = 0;
                while (off < size) {
                    long n = Native.sys(Sys.SYS_read, sp[1], chunk.address(), 8192);
                    MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, got, off, (int) n);
                    off += (int) n;
                    if (off % (128 * 1024) < 8192) {
                        BackgroundCallTest.sleep(2); // slow reader
                    }
                }
            });
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(60)));
            assertEquals(size, out[0].returnValue(), "completes at N bytes, never with a partial count");
            reader.join();
            assertTrue(java.util.Arrays.equals(data, got));
            assertEquals(0, laio.poll(out, 1, Duration.ofMillis(20)), "reported once");
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void sendfileOfACachedFileToANonBlockingSocketCompletesInItsEntirety() throws Exception {
        int[] sp = socketPair();
        int size = 2 << 20;
        byte[] data = new byte[size];
        new Random(9).nextBytes(data);
        java.nio.file.Path f = java.nio.file.Files.createTempFile("laio-sendfile", ".bin");
        java.nio.file.Files.write(f, data);
        java.nio.file.Files.readAllBytes(f); // cached right before
        int in = Native.openRead(f.toString());
        Native.sys(Sys.SYS_fcntl, sp[0], 4 /* F_SETFL */, 0x800 /* O_NONBLOCK */);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment off = arena.allocate(8, 8);
            long r = laio.sendfile(sp[0], in, off, size);
            byte[] got = new byte[size];
            Thread reader = Thread.ofPlatform().start(() -> {
                MemorySegment chunk = Arena.ofAuto().allocate(65536);
                int o = 0;
                while (o < size) {
                    long n = Native.sys(Sys.SYS_read, sp[1], chunk.address(), 65536);
                    MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, got, o, (int) n);
                    o += (int) n;
                }
            });
            long total = r;
            if (r == -1) {
                assertEquals(Errno.EINPROGRESS, Laio.errno(), "a socket buffer cannot take 2 MiB at once");
                LaioCompletion[] out = {new LaioCompletion()};
                assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(60)));
                total = out[0].returnValue();
            }
            reader.join();
            assertEquals(size, total);
            assertTrue(java.util.Arrays.equals(data, got));
            assertEquals(0, laio.stats().helpersAlive(), "sent inline, then from the waiter: no helper");
            assertTrue(laio.stats().probeHits(Sys.SYS_sendfile) >= 1, laio.stats().toString());
        } finally {
            Native.close(in);
            Native.close(sp[0]);
            Native.close(sp[1]);
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void aNonBlockingConnectIsReportedWhenItCompletes() throws Exception {
        try (java.nio.channels.ServerSocketChannel server = java.nio.channels.ServerSocketChannel.open()
                .bind(new java.net.InetSocketAddress("127.0.0.1", 0), 1);
                Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            int port = ((java.net.InetSocketAddress) server.getLocalAddress()).getPort();
            int fd = (int) Native.sys(Sys.SYS_socket, 2 /* AF_INET */, 1 | 0x800 | 0x80000 /* STREAM|NONBLOCK|CLOEXEC */, 0);
            MemorySegment sa = arena.allocate(16, 4);
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) 2);
            sa.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >> 8));
            sa.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
            sa.set(ValueLayout.JAVA_INT, 4, Integer.reverseBytes(0x7f000001));
            try {
                long r = laio.connect(fd, sa, 16);
                if (r == -1) {
                    assertEquals(Errno.EINPROGRESS, Laio.errno());
                    LaioCompletion[] out = {new LaioCompletion()};
                    assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
                    assertEquals(0, out[0].returnValue(), Errno.name(out[0].errno()));
                } else {
                    assertEquals(0, r);
                }
                assertTrue(server.accept() != null);
            } finally {
                Native.close(fd);
            }
        }
    }

    @Test
    void thousandsOfBlockedSocketReadsUseOneThread() throws Exception {
        MemorySegment rlimit = Arena.ofAuto().allocate(16, 8);
        Native.sys(Sys.SYS_prlimit64, 0, 7 /* RLIMIT_NOFILE */, 0, rlimit.address());
        long maxFds = rlimit.get(ValueLayout.JAVA_LONG, 0);
        int n = (int) Math.min(10_000, (maxFds - 1024) / 2);
        int[][] pairs = new int[n][];
        long helpersBefore = threadsNamed("laio-helper");
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment bufs = arena.allocate(n);
            Set<LaioHandle> handles = new HashSet<>();
            for (int i = 0; i < n; i++) {
                pairs[i] = socketPair();
                assertEquals(-1, laio.read(pairs[i][0], bufs.asSlice(i, 1), 1));
                assertEquals(Errno.EINPROGRESS, Laio.errno());
                handles.add(laio.gethandle());
            }
            assertEquals(helpersBefore, threadsNamed("laio-helper"), "no helper was started for " + n + " socket reads");
            assertEquals(1, threadsNamed("laio-socket-waiter"));
            for (int i = 0; i < n; i++) {
                Native.writeByte(pairs[i][1], (byte) i);
            }
            LaioCompletion[] out = new LaioCompletion[512];
            for (int i = 0; i < out.length; i++) {
                out[i] = new LaioCompletion();
            }
            int got = 0;
            while (got < n) {
                int k = laio.poll(out, out.length, Duration.ofSeconds(30));
                assertTrue(k > 0, "stalled at " + got + " of " + n);
                for (int i = 0; i < k; i++) {
                    assertTrue(handles.remove(out[i].handle()));
                    assertEquals(1, out[i].returnValue());
                }
                got += k;
            }
            for (int i = 0; i < n; i += 997) {
                assertEquals((byte) i, bufs.get(ValueLayout.JAVA_BYTE, i));
            }
        } finally {
            for (int[] p : pairs) {
                if (p != null) {
                    Native.close(p[0]);
                    Native.close(p[1]);
                }
            }
        }
        assertEquals(0, threadsNamed("laio-socket-waiter"), "close() stopped the waiter");
    }

    @Test
    void aWaitingSocketReadCanBeCancelledAndCloseCancelsTheRest() throws Exception {
        int[] sp = socketPair();
        Laio laio = Laio.create();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(2);
            laio.read(sp[0], buf, 1);
            LaioHandle first = laio.gethandle();
            assertTrue(laio.cancel(first), "a waiting socket call has not run: cancelled");
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(Errno.ECANCELED, out[0].errno());
            laio.read(sp[0], buf.asSlice(1), 1);
            LaioHandle second = laio.gethandle();
            laio.close();
            assertEquals(LaioHandle.DONE, second.state());
            assertEquals(Errno.ECANCELED, second.errno());
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }
}
