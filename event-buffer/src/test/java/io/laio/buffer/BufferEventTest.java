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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Errno;
import io.laio.event.Ev;
import io.laio.event.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A buffered connection over loopback on the epoll backend, a plain Java socket as the peer. */
class BufferEventTest {
    private final Loopback lo = Loopback.listening();

    @AfterEach
    void tearDown() {
        lo.close();
    }

    /** Records what the connection reported. */
    static class Recorder implements BufferEventHandler {
        final List<int[]> events = new ArrayList<>();
        int reads;
        int writes;

        @Override
        public void onRead(BufferEvent be) {
            reads++;
        }

        @Override
        public void onWrite(BufferEvent be) {
            writes++;
        }

        @Override
        public void onEvent(BufferEvent be, int events, int errno) {
            this.events.add(new int[] {events, errno});
        }

        boolean saw(int flags) {
            return events.stream().anyMatch(e -> (e[0] & flags) == flags);
        }

        int errnoOf(int flags) {
            return events.stream().filter(e -> (e[0] & flags) == flags).findFirst().orElseThrow()[1];
        }
    }

    /** Echoes what it reads; at end-of-file or an error, closes once the echo is written. */
    static final class Echo extends Recorder {
        @Override
        public void onRead(BufferEvent be) {
            super.onRead(be);
            be.output().appendBuffer(be.input());
        }

        @Override
        public void onEvent(BufferEvent be, int events, int errno) {
            super.onEvent(be, events, errno);
            if ((events & (BufferEvent.EOF | BufferEvent.ERROR)) != 0) {
                be.closeWhenFlushed();
            }
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A peer thread: connects, then runs {@code body}; its failure is kept. */
    private Socket peer(AtomicReference<Throwable> failure, PeerBody body) throws IOException {
        Socket s = lo.connect();
        lo.peer("peer", failure, () -> {
            try (s) {
                body.run(s);
            }
        });
        return s;
    }

    interface PeerBody {
        void run(Socket s) throws Exception;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    @Test
    void echoesEveryByteBackAndReportsEof() throws Exception {
        byte[] data = random(3 << 20, 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> echoed = new AtomicReference<>();
        peer(failure, s -> {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < data.length; i += 7_000) {
                        out.write(data, i, Math.min(7_000, data.length - i));
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            writer.start();
            echoed.set(readAll(s.getInputStream()));
            writer.join();
        });
        Recorder r = new Recorder() {
            @Override
            public void onRead(BufferEvent be) {
                super.onRead(be);
                be.output().appendBuffer(be.input());
            }

            @Override
            public void onEvent(BufferEvent be, int events, int errno) {
                super.onEvent(be, events, errno);
                if ((events & BufferEvent.EOF) != 0) {
                    be.closeWhenFlushed();
                }
            }
        };
        BufferEvent be = lo.accepted(r);
        be.enable(Ev.READ);
        lo.runUntil(() -> be.isClosed() && echoed.get() != null || failure.get() != null, 30);
        assertEquals(null, failure.get());
        assertArrayEquals(data, echoed.get());
        assertTrue(r.saw(BufferEvent.READING | BufferEvent.EOF));
        assertTrue(r.reads > 0);
    }

    @Test
    void readingPausesAtTheHighWatermarkAndResumesWhenDrainedBelowIt() throws Exception {
        // more than the kernel can hold in both sockets' buffers, or the peer is never held back
        byte[] data = random(Math.max(4 << 20, 2 * (tcpBufferMax("tcp_rmem") + tcpBufferMax("tcp_wmem")) + (1 << 20)), 2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger written = new AtomicInteger();
        peer(failure, s -> {
            OutputStream out = s.getOutputStream();
            for (int i = 0; i < data.length; i += 16_384) {
                out.write(data, i, 16_384);
                written.addAndGet(16_384);
            }
            s.shutdownOutput();
            s.getInputStream().read(); // wait for the server's close
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean[] drainInCallback = {false};
        Recorder r = new Recorder() {
            @Override
            public void onRead(BufferEvent be) {
                super.onRead(be);
                if (drainInCallback[0]) {
                    byte[] b = new byte[(int) be.input().length()];
                    be.input().remove(b, 0, b.length);
                    got.writeBytes(b);
                }
            }
        };
        BufferEvent be = lo.accepted(r);
        be.readWatermarks(0, 100_000);
        be.enable(Ev.READ);
        lo.runUntil(() -> be.input().length() == 100_000, 10);
        lo.runFor(300);
        assertEquals(100_000, be.input().length(), "the input never exceeds the high watermark");
        assertTrue(written.get() < data.length, "the peer is held back: it wrote only " + written.get());
        // drain from outside any callback (a timer): reading resumes by itself
        Event.set(lo.base, null, Ev.TIMEOUT, (ev, what, arg) -> {
            byte[] b = new byte[(int) be.input().length()];
            be.input().remove(b, 0, b.length);
            got.writeBytes(b);
            drainInCallback[0] = true;
        }, null).add(Duration.ofMillis(1));
        lo.runUntil(() -> r.saw(BufferEvent.EOF), 20);
        be.close();
        assertArrayEquals(data, got.toByteArray());
        assertEquals(null, failure.get());
    }

    /** The largest buffer TCP autotuning may give a socket ({@code /proc/sys/net/ipv4/tcp_rmem} or {@code tcp_wmem}, third field). */
    private static int tcpBufferMax(String name) throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/sys/net/ipv4", name)).get(0).trim().split("\\s+");
        return Integer.parseInt(f[2]);
    }

    @Test
    void slowReaderGetsEveryByteOfLargeWritesAndOnWriteRunsAtTheLowWatermark() throws Exception {
        byte[] data = random(6 << 20, 3);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        peer(failure, s -> {
            InputStream in = s.getInputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            int reads = 0;
            while ((n = in.read(buf)) > 0) {
                b.write(buf, 0, n);
                if (++reads % 64 == 0) {
                    Thread.sleep(1); // slow: the server's writes go partial and wait in the background
                }
            }
            received.set(b.toByteArray());
        });
        List<Long> outputAtOnWrite = new ArrayList<>();
        Recorder r = new Recorder() {
            @Override
            public void onWrite(BufferEvent be) {
                super.onWrite(be);
                outputAtOnWrite.add(be.output().length());
            }
        };
        BufferEvent be = lo.accepted(r);
        be.writeWatermarks(1 << 20, 2 << 20);
        be.output().append(data);
        assertFalse(be.isWritable(), "6 MiB queued is above the 2 MiB high watermark");
        lo.runUntil(() -> be.output().length() <= 1 << 20, 20);
        assertTrue(be.isWritable());
        lo.runUntil(be.output()::isEmpty, 20);
        be.closeWhenFlushed();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 20);
        assertEquals(null, failure.get());
        assertArrayEquals(data, received.get());
        assertFalse(outputAtOnWrite.isEmpty());
        assertTrue(outputAtOnWrite.stream().allMatch(n -> n <= 1 << 20), "onWrite only at or below the low mark: " + outputAtOnWrite);
    }

    @Test
    void peerResetIsAnErrorWithEconnreset() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        peer(failure, s -> {
            s.getOutputStream().write("partial message".getBytes());
            Thread.sleep(100);
            s.setSoLinger(true, 0); // close with RST
        });
        Recorder r = new Recorder();
        BufferEvent be = lo.accepted(r);
        be.enable(Ev.READ);
        lo.runUntil(() -> r.saw(BufferEvent.ERROR), 10);
        assertEquals(Errno.ECONNRESET, r.errnoOf(BufferEvent.READING | BufferEvent.ERROR));
        assertEquals("partial message", be.input().readLine(EolStyle.NUL) == null ? drainAll(be.input()) : "");
        be.close();
    }

    private static String drainAll(EvBuffer b) {
        byte[] x = new byte[(int) b.length()];
        b.remove(x, 0, x.length);
        return new String(x);
    }

    @Test
    void readTimeoutFiresWhenThePeerSendsNothingAndDisablesReading() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        peer(failure, s -> s.getInputStream().read());
        Recorder r = new Recorder();
        BufferEvent be = lo.accepted(r);
        be.timeouts(Duration.ofMillis(150), null);
        be.enable(Ev.READ);
        long t0 = System.nanoTime();
        lo.runUntil(() -> r.saw(BufferEvent.TIMEOUT), 10);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 140, "fired after " + ms + " ms");
        assertEquals(Errno.ETIMEDOUT, r.errnoOf(BufferEvent.READING | BufferEvent.TIMEOUT));
        assertEquals(0, be.enabled() & Ev.READ);
        be.close();
    }

    @Test
    void writeTimeoutFiresWhenThePeerStopsReading() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Object stop = new Object();
        peer(failure, s -> {
            synchronized (stop) {
                stop.wait(10_000); // never reads
            }
        });
        Recorder r = new Recorder();
        BufferEvent be = lo.accepted(r);
        be.timeouts(null, Duration.ofMillis(200));
        be.output().append(new byte[32 << 20]);
        lo.runUntil(() -> r.saw(BufferEvent.TIMEOUT), 10);
        assertTrue(r.saw(BufferEvent.WRITING | BufferEvent.TIMEOUT));
        assertTrue(be.output().length() > 0, "bytes the peer never took stay in the output");
        be.close();
        lo.runFor(20);
        synchronized (stop) {
            stop.notifyAll();
        }
    }

    @Test
    void connectsToLocalhostByNameAndWrites() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"))) {
            AtomicReference<byte[]> got = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    got.set(s.getInputStream().readAllBytes());
                } catch (IOException e) {
                    failure.set(e);
                }
            });
            t.start();
            Recorder r = new Recorder();
            BufferEvent be = BufferEvent.socket(lo.laio, -1, lo.pool, r);
            be.output().appendLatin1("hello over a resolved name\n");
            be.connect("localhost", server.getLocalPort());
            lo.runUntil(() -> r.saw(BufferEvent.CONNECTED) || r.saw(BufferEvent.ERROR), 10);
            assertTrue(r.saw(BufferEvent.CONNECTED), "events " + r.events.size());
            be.closeWhenFlushed();
            lo.runUntil(() -> got.get() != null, 10);
            t.join();
            assertEquals("hello over a resolved name\n", new String(got.get()));
        }
    }

    @Test
    void connectRefusedIsAnErrorWithEconnrefused() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        Recorder r = new Recorder();
        BufferEvent be = BufferEvent.socket(lo.laio, -1, lo.pool, r);
        be.connect(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), closedPort));
        lo.runUntil(() -> r.saw(BufferEvent.ERROR), 10);
        assertEquals(Errno.ECONNREFUSED, r.errnoOf(BufferEvent.WRITING | BufferEvent.ERROR));
        assertFalse(r.saw(BufferEvent.CONNECTED));
        be.close();
    }

    @Test
    void closeWhenFlushedDeliversEveryByteThenCloses() throws Exception {
        byte[] data = random(5 << 20, 4);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        peer(failure, s -> {
            Thread.sleep(200); // let the server's socket buffer fill first
            received.set(readAll(s.getInputStream()));
        });
        Recorder r = new Recorder();
        BufferEvent be = lo.accepted(r);
        be.output().append(data);
        be.closeWhenFlushed();
        assertFalse(be.isClosed(), "not before the bytes are out");
        lo.runUntil(() -> received.get() != null || failure.get() != null, 20);
        assertTrue(be.isClosed());
        assertEquals(-1, be.fd());
        assertArrayEquals(data, received.get());
    }

    @Test
    void fileRangeIsSentBetweenMemoryBytesAndReleasedAfter(@TempDir Path dir) throws Exception {
        byte[] file = random(3 << 20, 5);
        Path p = dir.resolve("data.bin");
        Files.write(p, file);
        int fileFd = (int) lo.plain.open(p.toString(), 0, 0);
        assertTrue(fileFd >= 0);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        peer(failure, s -> received.set(readAll(s.getInputStream())));
        AtomicInteger released = new AtomicInteger();
        BufferEvent be = lo.accepted(new Recorder());
        be.output().appendLatin1("head:");
        be.output().appendFile(fileFd, 1000, file.length - 2000, () -> {
            released.incrementAndGet();
            lo.closeFd(fileFd);
        });
        be.output().appendLatin1(":tail");
        be.closeWhenFlushed();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 20);
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        want.writeBytes("head:".getBytes());
        want.write(file, 1000, file.length - 2000);
        want.writeBytes(":tail".getBytes());
        assertArrayEquals(want.toByteArray(), received.get());
        assertEquals(1, released.get());
    }

    @Test
    void fileRangeLongerThanTheFileIsAnEioError(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("short.bin");
        Files.write(p, random(10_000, 6));
        int fileFd = (int) lo.plain.open(p.toString(), 0, 0);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        peer(failure, s -> received.set(readAll(s.getInputStream())));
        Recorder r = new Recorder();
        BufferEvent be = lo.accepted(r);
        be.output().appendFile(fileFd, 0, 20_000, () -> lo.closeFd(fileFd));
        lo.runUntil(() -> r.saw(BufferEvent.ERROR), 10);
        assertEquals(Errno.EIO, r.errnoOf(BufferEvent.WRITING | BufferEvent.ERROR));
        be.close();
        lo.runUntil(() -> received.get() != null, 10);
        assertEquals(10_000, received.get().length, "the bytes the file has were sent");
    }
}
