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
import io.laio.LaioStats;
import io.laio.Sys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File ranges in a connection's output, on real files: cold (evicted with
 * {@code posix_fadvise(DONTNEED)}) and cached, at an offset, empty, cut short by
 * {@code ftruncate} before and while being sent to a slow reader, and over TLS (read through
 * and encrypted, never sendfile'd raw).
 */
class FileRangeTest {
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int POSIX_FADV_DONTNEED = 4;

    @TempDir
    Path dir;
    private final Loopback lo = Loopback.listening();

    @AfterEach
    void tearDown() {
        lo.close();
    }

    /** A file holding {@code content}, written to the disk (clean, so it can be evicted), open for reading. */
    private int file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(content));
            ch.force(true);
        }
        int fd = (int) lo.plain.open(p.toString(), 0, 0);
        assertTrue(fd >= 0);
        lo.closeAtEnd(fd);
        return fd;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private void evict(int fd) {
        assertEquals(0, lo.plain.syscall(Sys.SYS_fadvise64, fd, 0, 0, POSIX_FADV_DONTNEED));
    }

    private void truncate(String name, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.WRITE)) {
            ch.truncate(size); // ftruncate(2)
        }
    }

    /** A connected client whose receive buffer is small; reading starts when {@code go} opens. */
    private Socket slowPeer(AtomicReference<byte[]> received, AtomicReference<Throwable> failure, CountDownLatch go)
            throws IOException {
        Socket s = lo.connect(16 << 10);
        lo.peer("peer", failure, () -> {
            try (s) {
                assertTrue(go.await(10, TimeUnit.SECONDS));
                received.set(s.getInputStream().readAllBytes());
            }
        });
        return s;
    }

    /** A small send buffer: the connection's writes go partial early, and little is in flight. */
    private void smallSendBuffer(BufferEvent be) {
        MemorySegment v = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);
        v.set(ValueLayout.JAVA_INT, 0, 16 << 10);
        assertEquals(0, lo.plain.syscall(Sys.SYS_setsockopt, be.fd(), SOL_SOCKET, SO_SNDBUF, v.address(), 4));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    @Test
    void coldRangeIsSentByAHelperAndCachedOneInlineEveryByteOnce() throws Exception {
        byte[] cold = random(2 << 20, 1);
        byte[] warm = random(1 << 20, 2);
        int coldFd = file("cold.bin", cold);
        int warmFd = file("warm.bin", warm);
        evict(coldFd);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        go.countDown();
        slowPeer(received, failure, go);
        AtomicInteger released = new AtomicInteger();
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        be.output().appendFile(warmFd, 0, warm.length, released::incrementAndGet);
        lo.runUntil(() -> be.output().isEmpty() || r.saw(BufferEvent.ERROR), 10);
        LaioStats warmStats = lo.laio.stats();
        be.output().appendFile(coldFd, 0, cold.length, released::incrementAndGet);
        be.closeWhenFlushed();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertFalse(r.saw(BufferEvent.ERROR));
        assertArrayEquals(concat(warm, cold), received.get());
        assertEquals(2, released.get());
        LaioStats all = lo.laio.stats();
        assertTrue(warmStats.probeHits(Sys.SYS_sendfile) > 0, "a cached range is sent inline: " + warmStats);
        assertEquals(0, warmStats.probeWouldBlock(Sys.SYS_sendfile), "no page of it was cold: " + warmStats);
        assertTrue(all.probeWouldBlock(Sys.SYS_sendfile) > 0, "the evicted range waited for the disk off the loop: " + all);
    }

    @Test
    void rangesAtAnOffsetAndOfZeroLengthSendExactlyTheirBytes() throws Exception {
        byte[] content = random(200_000, 3);
        int fd = file("data.bin", content);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        go.countDown();
        slowPeer(received, failure, go);
        AtomicInteger released = new AtomicInteger();
        BufferEvent be = lo.accepted(new BufferEventTest.Recorder());
        be.output().appendLatin1("<");
        be.output().appendFile(fd, 4097, 0, released::incrementAndGet); // nothing, released at once
        assertEquals(1, released.get());
        assertEquals(1, be.output().length());
        be.output().appendFile(fd, 12_345, 100_000, released::incrementAndGet);
        be.output().appendFile(fd, content.length - 1, 1, released::incrementAndGet); // the very last byte
        be.output().appendLatin1(">");
        be.closeWhenFlushed();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertArrayEquals(concat("<".getBytes(), Arrays.copyOfRange(content, 12_345, 112_345),
                new byte[] {content[content.length - 1]}, ">".getBytes()), received.get());
        assertEquals(3, released.get());
    }

    @Test
    void fileTruncatedAfterTheRangeWasAddedSendsWhatIsLeftThenEio() throws Exception {
        byte[] content = random(1 << 20, 4);
        int fd = file("shrinks.bin", content);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        go.countDown();
        slowPeer(received, failure, go);
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        AtomicInteger released = new AtomicInteger();
        be.output().appendFile(fd, 0, content.length, released::incrementAndGet);
        truncate("shrinks.bin", 300_001);
        lo.runUntil(() -> r.saw(BufferEvent.ERROR), 10);
        assertEquals(Errno.EIO, r.errnoOf(BufferEvent.WRITING | BufferEvent.ERROR));
        assertEquals(content.length - 300_001, be.output().length(), "the bytes the file no longer has stay unsent");
        be.close();
        assertEquals(1, released.get(), "close drops the range and releases it");
        lo.runUntil(() -> received.get() != null || failure.get() != null, 10);
        assertArrayEquals(Arrays.copyOf(content, 300_001), received.get(), "the bytes up to the cut, nothing invented");
    }

    @Test
    void fileTruncatedWhileBeingSentToASlowReaderEndsInEioAtTheCut() throws Exception {
        byte[] content = random(4 << 20, 5);
        int fd = file("shrinking.bin", content);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        slowPeer(received, failure, go);
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        smallSendBuffer(be);
        be.output().appendFile(fd, 0, content.length, null);
        // the peer reads nothing yet: the send waits in the background with most of the range to go
        lo.runUntil(() -> lo.laio.stats().background(Sys.SYS_sendfile) > 0, 10);
        lo.runFor(20);
        // a background sendfile drains the output when it is done, so what it moved so far is
        // not seen here; the socket buffers (16 KiB each side, doubled by the kernel) bound it
        long cut = (2 << 20) + 777; // mid-page, well past what the socket buffers hold
        assertEquals(content.length, be.output().length(), "still in flight");
        assertFalse(r.saw(BufferEvent.ERROR));
        truncate("shrinking.bin", cut);
        go.countDown();
        lo.runUntil(() -> r.saw(BufferEvent.ERROR), 10);
        assertEquals(Errno.EIO, r.errnoOf(BufferEvent.WRITING | BufferEvent.ERROR));
        assertEquals(content.length - cut, be.output().length());
        be.close();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertEquals(cut, received.get().length, "exactly the bytes before the cut");
        assertArrayEquals(Arrays.copyOf(content, (int) cut), received.get());
    }

    @Test
    void rangeOverTlsIsReadThroughAndEncryptedNeverSendfiled() throws Exception {
        byte[] content = random(1 << 20, 6);
        int fd = file("tls.bin", content);
        evict(fd); // the reads wait for the disk on a helper
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        Socket plain = lo.connect();
        lo.peer("tls-peer", failure, () -> {
            try (SSLSocket s = TestTls.clientSocket(plain, "TLSv1.3")) {
                received.set(s.getInputStream().readAllBytes());
            }
        });
        AtomicInteger released = new AtomicInteger();
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        be.startTls(TestTls.serverEngine("TLSv1.3"));
        be.output().appendLatin1("head:");
        be.output().appendFile(fd, 1000, content.length - 2000, released::incrementAndGet);
        be.output().appendLatin1(":tail");
        be.closeWhenFlushed();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertFalse(r.saw(BufferEvent.ERROR));
        assertArrayEquals(concat("head:".getBytes(), Arrays.copyOfRange(content, 1000, content.length - 1000),
                ":tail".getBytes()), received.get());
        assertEquals(1, released.get());
        LaioStats st = lo.laio.stats();
        assertEquals(0, st.calls(Sys.SYS_sendfile), "plaintext must not reach a TLS socket: " + st);
        assertTrue(st.calls(Sys.SYS_pread64) > 0, st.toString());
    }

    @Test
    void rangeOverTlsToAPeerThatDoesNotReadHoldsBoundedMemory() throws Exception {
        byte[] content = random(4 << 20, 7);
        int fd = file("big.bin", content);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        Socket plain = lo.connect(16 << 10);
        lo.peer("tls-peer", failure, () -> {
            try (SSLSocket s = TestTls.clientSocket(plain, "TLSv1.3")) {
                s.startHandshake();
                assertTrue(go.await(10, TimeUnit.SECONDS));
                received.set(s.getInputStream().readAllBytes());
            }
        });
        BufferEventTest.Recorder r = new BufferEventTest.Recorder();
        BufferEvent be = lo.accepted(r);
        smallSendBuffer(be);
        be.startTls(TestTls.serverEngine("TLSv1.3"));
        be.output().appendFile(fd, 0, content.length, null);
        lo.runUntil(() -> r.saw(BufferEvent.CONNECTED) || r.saw(BufferEvent.ERROR), 10);
        lo.runUntil(() -> lo.laio.stats().background(Sys.SYS_sendto) > 0, 10);
        lo.runFor(50);
        long segments = lo.pool.allocated();
        assertTrue(segments < 16, "a stalled peer pins " + segments + " segments of a 4 MiB range");
        assertTrue(be.output().length() > 3 << 20, "most of the range is still the file's: " + be.output().length());
        go.countDown();
        be.closeWhenFlushed();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 10);
        assertEquals(null, failure.get());
        assertArrayEquals(content, received.get());
    }
}
