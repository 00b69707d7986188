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

import io.laio.Sys;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Writes whose sizes straddle every boundary a write can be cut at — the segment size, the
 * socket's send buffer, the write high watermark and the TLS record (16 KiB of plaintext) — to
 * a slow reader, plain and over TLS, with 4 KiB segments (so the segment and the record differ)
 * and 16 KiB ones (so they coincide): every byte arrives once and in order, {@code onWrite}
 * runs only at or below the low watermark and after every write that gets there,
 * {@code isWritable} turns at the high mark.
 */
class PartialWriteTest {
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int RECORD = 16 << 10;

    private final Loopback lo = Loopback.listening();

    @AfterEach
    void tearDown() {
        lo.close();
    }

    /** Records the output's length at each onWrite. */
    private static final class Writes extends BufferEventTest.Recorder {
        final List<Long> outputAtOnWrite = new ArrayList<>();

        @Override
        public void onWrite(BufferEvent be) {
            super.onWrite(be);
            outputAtOnWrite.add(be.output().length());
        }
    }

    /** Reads everything in small pieces with pauses, so the connection's writes go partial. */
    private static byte[] readSlowly(InputStream in) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[1000];
        int n;
        int reads = 0;
        while ((n = in.read(buf)) > 0) {
            b.write(buf, 0, n);
            if (++reads % 64 == 0) {
                Thread.sleep(1);
            }
        }
        return b.toByteArray();
    }

    @ParameterizedTest(name = "tls={0} segment={1}")
    @CsvSource({"false,4096", "false,16384", "true,16384", "true,4096"})
    void everySizeBoundaryArrivesWholeAndInOrder(boolean tls, int seg) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<byte[]> received = new AtomicReference<>();
        Socket s = lo.connect(16 << 10);
        lo.peer("slow-reader", failure, () -> {
            try (Socket in = tls ? TestTls.clientSocket(s, "TLSv1.3") : s) {
                received.set(readSlowly(in.getInputStream()));
            }
        });

        SegmentPool pool = SegmentPool.create(seg, 64);
        Writes w = new Writes();
        BufferEvent be = lo.accepted(pool, w);
        int sndbuf = smallSendBuffer(be.fd());
        long low = seg / 2;
        long high = 3L * seg + 5;
        be.writeWatermarks(low, high);
        if (tls) {
            be.startTls(TestTls.serverEngine("TLSv1.3"));
            lo.runUntil(() -> w.saw(BufferEvent.CONNECTED) || w.saw(BufferEvent.ERROR), 10);
        }
        int[] sizes = {0, 1, seg - 1, seg, seg + 1, RECORD - 1, RECORD, RECORD + 1, 2 * seg - 1, 2 * seg + 1,
            sndbuf - 1, sndbuf, sndbuf + 1, (int) high - 1, (int) high, (int) high + 1, (2 << 20) + 7};
        long total = 0;
        for (int n : sizes) {
            total += n;
        }
        byte[] data = new byte[(int) (2 * total)];
        new Random(seg + (tls ? 1 : 0)).nextBytes(data);

        // one at a time: each size written out before the next is appended
        int at = 0;
        for (int n : sizes) {
            int before = w.writes;
            be.output().append(data, at, n);
            at += n;
            assertEquals(n < high, be.isWritable(), "isWritable with " + n + " queued, high mark " + high);
            CompletableFuture<BufferEvent> flushed = be.whenFlushed().toCompletableFuture();
            assertEquals(n == 0, flushed.isDone(), "flushed before any write, with " + n + " bytes queued");
            lo.runUntil(() -> flushed.isDone() || w.saw(BufferEvent.ERROR), 10);
            assertFalse(w.saw(BufferEvent.ERROR), "events " + w.events.size());
            if (n == 0) {
                assertEquals(before, w.writes, "appending nothing writes nothing: no onWrite");
            } else {
                assertTrue(w.writes > before, "no onWrite after " + n + " bytes were written");
            }
        }
        // all at once: the writes of one batch cut wherever the socket is full
        for (int n : sizes) {
            be.output().append(data, at, n);
            at += n;
        }
        assertFalse(be.isWritable());
        be.closeWhenFlushed();
        lo.runUntil(() -> received.get() != null || failure.get() != null, 20);
        assertEquals(null, failure.get());
        assertEquals(data.length, received.get().length);
        assertArrayEquals(data, received.get(), "every byte once, in order");
        assertTrue(w.outputAtOnWrite.stream().allMatch(x -> x <= low),
                "onWrite only at or below the low mark " + low + ": " + w.outputAtOnWrite);
        assertTrue(lo.laio.stats().background(Sys.SYS_sendto) > 0, "writes went partial and waited for the socket");
    }

    /** A 16 KiB send buffer (the kernel doubles it); returns what it became. */
    private int smallSendBuffer(int fd) {
        MemorySegment v = Arena.ofAuto().allocate(8);
        v.set(ValueLayout.JAVA_INT, 0, 16 << 10);
        assertEquals(0, lo.plain.syscall(Sys.SYS_setsockopt, fd, SOL_SOCKET, SO_SNDBUF, v.address(), 4));
        v.set(ValueLayout.JAVA_INT, 4, 4);
        assertEquals(0, lo.plain.syscall(Sys.SYS_getsockopt, fd, SOL_SOCKET, SO_SNDBUF, v.address(), v.address() + 4));
        return v.get(ValueLayout.JAVA_INT, 0);
    }
}
