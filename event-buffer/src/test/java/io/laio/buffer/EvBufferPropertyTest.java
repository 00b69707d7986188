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
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of every buffer operation, checked after each step against a plain byte
 * array model; segments of 8-40 bytes so nearly every operation crosses a segment boundary.
 */
class EvBufferPropertyTest {
    /** The reference: a growable byte array used as a queue. */
    private static final class Model {
        byte[] b = new byte[0];

        int len() {
            return b.length;
        }

        void append(byte[] x) {
            byte[] n = Arrays.copyOf(b, b.length + x.length);
            System.arraycopy(x, 0, n, b.length, x.length);
            b = n;
        }

        void prepend(byte[] x) {
            byte[] n = new byte[b.length + x.length];
            System.arraycopy(x, 0, n, 0, x.length);
            System.arraycopy(b, 0, n, x.length, b.length);
            b = n;
        }

        byte[] take(int k) {
            k = Math.min(k, b.length);
            byte[] out = Arrays.copyOf(b, k);
            b = Arrays.copyOfRange(b, k, b.length);
            return out;
        }

        long search(byte[] what, int from) {
            outer:
            for (int i = Math.max(0, from); i + what.length <= b.length; i++) {
                for (int k = 0; k < what.length; k++) {
                    if (b[i + k] != what[k]) {
                        continue outer;
                    }
                }
                return i;
            }
            return what.length == 0 && from <= b.length ? from : -1;
        }

        /** {line length, eol length}, or null. */
        int[] eol(EolStyle style) {
            for (int i = 0; i < b.length; i++) {
                byte x = b[i];
                switch (style) {
                    case LF -> {
                        if (x == '\n') {
                            return new int[] {i, 1};
                        }
                    }
                    case NUL -> {
                        if (x == 0) {
                            return new int[] {i, 1};
                        }
                    }
                    case CRLF -> {
                        if (x == '\n') {
                            return i > 0 && b[i - 1] == '\r' ? new int[] {i - 1, 2} : new int[] {i, 1};
                        }
                    }
                    case CRLF_STRICT -> {
                        if (x == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                            return new int[] {i, 2};
                        }
                    }
                    case ANY -> {
                        if (x == '\r' || x == '\n') {
                            int j = i;
                            while (j < b.length && (b[j] == '\r' || b[j] == '\n')) {
                                j++;
                            }
                            return new int[] {i, j - i};
                        }
                    }
                }
            }
            return null;
        }
    }

    /** A small alphabet with CR, LF and NUL so searches and lines hit often. */
    private static final byte[] DENSE = {'a', 'b', 'c', '\r', '\n', 0, 'x'};
    /**
     * Mostly letters and bytes with the high bit set, the specials rare: most eight-byte words
     * hold no match, so the word-at-a-time scan runs, and a match may sit at any byte of a word.
     */
    private static final byte[] SPARSE = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p',
        (byte) 0x80, (byte) 0xFF, (byte) 0xFE, (byte) 0x8D, (byte) 0x8A, 'a', 'b', 'c', 'd', 'x', 'y', 'z', 'q', 'r', 's',
        't', 'u', 'v', 'w', '\r', '\n', 0};

    /** What this test's random bytes are made of. */
    private byte[] alphabet = DENSE;

    private byte[] randomBytes(Random rnd, int max) {
        byte[] x = new byte[rnd.nextInt(max + 1)];
        for (int i = 0; i < x.length; i++) {
            x[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        return x;
    }

    private static void assertSame(Model m, EvBuffer buf) {
        assertEquals(m.len(), buf.length(), "length");
        byte[] got = new byte[m.len()];
        buf.copyOut(0, got, 0, got.length);
        assertArrayEquals(m.b, got, "content");
    }

    @Test
    void randomOperationSequencesMatchTheModel() {
        for (int seed = 0; seed < 300; seed++) {
            runSeed(seed, 8, 33, 60);
        }
    }

    /**
     * The same with segments of 64-320 bytes, longer appends and few matches, so searches and
     * line reads run the eight-bytes-at-a-time scan across many words and segment boundaries.
     */
    @Test
    void randomSequencesOnLargerSegmentsMatchTheModel() {
        alphabet = SPARSE;
        for (int seed = 0; seed < 200; seed++) {
            runSeed(1000 + seed, 64, 257, 400);
        }
    }

    private void runSeed(long seed, int segmentMin, int segmentSpan, int maxBytes) {
        Random rnd = new Random(seed);
        SegmentPool pool = SegmentPool.create(segmentMin + rnd.nextInt(segmentSpan), 16);
        EvBuffer buf = new EvBuffer(pool);
        EvBuffer other = new EvBuffer(pool);
        Model m = new Model();
        Model o = new Model();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = arena.allocate(16L * 8, 8);
            for (int step = 0; step < 200; step++) {
                int op = rnd.nextInt(17);
                String what = "seed " + seed + " step " + step + " op " + op;
                switch (op) {
                    case 0, 1 -> {
                        byte[] x = randomBytes(rnd, maxBytes);
                        buf.append(x);
                        m.append(x);
                    }
                    case 2 -> {
                        byte[] x = randomBytes(rnd, maxBytes);
                        ByteBuffer bb = rnd.nextBoolean() ? ByteBuffer.wrap(x) : ByteBuffer.allocateDirect(x.length).put(x).flip();
                        buf.append(bb);
                        assertEquals(0, bb.remaining(), what);
                        m.append(x);
                    }
                    case 3 -> {
                        byte[] x = randomBytes(rnd, maxBytes);
                        buf.append(arena.allocateFrom(ValueLayout.JAVA_BYTE, x));
                        m.append(x);
                    }
                    case 4 -> {
                        byte[] x = randomBytes(rnd, maxBytes - 10);
                        buf.prepend(x, 0, x.length);
                        m.prepend(x);
                    }
                    case 5 -> {
                        int k = rnd.nextInt(m.len() + 5);
                        assertEquals(Math.min(k, m.len()), buf.drain(k), what);
                        m.take(k);
                    }
                    case 6 -> {
                        if (m.len() > 0) {
                            int from = rnd.nextInt(m.len());
                            int len = rnd.nextInt(m.len() - from + 1);
                            byte[] got = new byte[len + 2];
                            buf.copyOut(from, got, 1, len);
                            assertArrayEquals(Arrays.copyOfRange(m.b, from, from + len), Arrays.copyOfRange(got, 1, 1 + len), what);
                            int i = rnd.nextInt(m.len());
                            assertEquals(m.b[i], buf.byteAt(i), what);
                        }
                    }
                    case 7 -> {
                        int k = rnd.nextInt(m.len() + 3);
                        byte[] got = new byte[k];
                        int n = buf.remove(got, 0, k);
                        byte[] want = m.take(k);
                        assertEquals(want.length, n, what);
                        assertArrayEquals(want, Arrays.copyOf(got, n), what);
                    }
                    case 8 -> {
                        byte[] needle;
                        if (m.len() > 0 && rnd.nextBoolean()) {
                            int from = rnd.nextInt(m.len());
                            needle = Arrays.copyOfRange(m.b, from, Math.min(m.len(), from + 1 + rnd.nextInt(12)));
                        } else {
                            needle = randomBytes(rnd, 4);
                        }
                        int from = rnd.nextInt(m.len() + 2);
                        assertEquals(m.search(needle, from), buf.search(needle, from), what + " needle " + Arrays.toString(needle));
                    }
                    case 9 -> {
                        EolStyle style = EolStyle.values()[rnd.nextInt(EolStyle.values().length)];
                        int[] e = m.eol(style);
                        if (rnd.nextBoolean()) {
                            String line = buf.readLine(style);
                            if (e == null) {
                                assertNull(line, what);
                            } else {
                                byte[] want = m.take(e[0] + e[1]);
                                assertEquals(new String(want, 0, e[0], StandardCharsets.ISO_8859_1), line, what + " " + style);
                            }
                        } else {
                            byte[] dst = new byte[rnd.nextInt(maxBytes - 20)];
                            int n = buf.readLine(style, dst);
                            if (e == null) {
                                assertEquals(-1, n, what);
                            } else if (e[0] > dst.length) {
                                assertEquals(-2, n, what);
                            } else {
                                byte[] want = m.take(e[0] + e[1]);
                                assertEquals(e[0], n, what + " " + style);
                                assertArrayEquals(Arrays.copyOf(want, e[0]), Arrays.copyOf(dst, n), what);
                            }
                        }
                    }
                    case 10 -> {
                        // reserve, fill some of it as readv would, commit
                        int size = 1 + rnd.nextInt(100);
                        int count = buf.reserve(size, iov.asSlice(0, 16L * (1 + rnd.nextInt(8))));
                        long room = 0;
                        for (int i = 0; i < count; i++) {
                            room += iov.get(ValueLayout.JAVA_LONG, 16L * i + 8);
                        }
                        byte[] x = randomBytes(rnd, (int) Math.min(room, 2L * maxBytes));
                        int done = 0;
                        for (int i = 0; i < count && done < x.length; i++) {
                            long base = iov.get(ValueLayout.JAVA_LONG, 16L * i);
                            long len = iov.get(ValueLayout.JAVA_LONG, 16L * i + 8);
                            int n = (int) Math.min(len, x.length - done);
                            MemorySegment.copy(x, done, MemorySegment.ofAddress(base).reinterpret(len), ValueLayout.JAVA_BYTE, 0, n);
                            done += n;
                        }
                        buf.commit(x.length);
                        m.append(x);
                    }
                    case 11 -> {
                        byte[] x = randomBytes(rnd, maxBytes);
                        other.append(x);
                        o.append(x);
                    }
                    case 12 -> {
                        buf.appendBuffer(other);
                        m.append(o.take(o.len()));
                        assertEquals(0, other.length(), what);
                    }
                    case 13 -> {
                        int k = rnd.nextInt(o.len() + 3);
                        assertEquals(Math.min(k, o.len()), buf.moveFrom(other, k), what);
                        m.append(o.take(k));
                    }
                    case 14 -> {
                        int k = rnd.nextInt(m.len() + 3);
                        other.moveFrom(buf, k);
                        o.append(m.take(k));
                    }
                    case 15 -> {
                        // peek: the iovecs describe the content from 'from' on
                        int from = rnd.nextInt(m.len() + 1);
                        int n = buf.peek(from, iov);
                        byte[] seen = new byte[0];
                        for (int i = 0; i < n; i++) {
                            long base = iov.get(ValueLayout.JAVA_LONG, 16L * i);
                            long len = iov.get(ValueLayout.JAVA_LONG, 16L * i + 8);
                            byte[] part = MemorySegment.ofAddress(base).reinterpret(len).toArray(ValueLayout.JAVA_BYTE);
                            byte[] s = Arrays.copyOf(seen, seen.length + part.length);
                            System.arraycopy(part, 0, s, seen.length, part.length);
                            seen = s;
                        }
                        byte[] want = Arrays.copyOfRange(m.b, from, m.len());
                        int k = Math.min(seen.length, want.length);
                        assertArrayEquals(Arrays.copyOf(want, k), Arrays.copyOf(seen, k), what);
                        if (n < 8) {
                            assertEquals(want.length, seen.length, what);
                        }
                    }
                    case 16 -> {
                        if (rnd.nextInt(10) == 0) {
                            buf.clear();
                            m.take(m.len());
                        }
                    }
                    default -> throw new AssertionError(op);
                }
                assertSame(m, buf);
                assertSame(o, other);
            }
        }
    }

    /**
     * A buffer of {@code total} bytes of {@code fill} with {@code what} at {@code at} (nothing
     * when null), over the pool's segments, its head {@code skew} bytes into the first segment
     * (a drain moved it), so words straddle segment boundaries at every alignment.
     */
    private static EvBuffer chain(SegmentPool pool, int total, int skew, byte fill, int at, byte[] what) {
        byte[] x = new byte[total + skew];
        Arrays.fill(x, fill);
        if (what != null) {
            System.arraycopy(what, 0, x, skew + at, what.length);
        }
        EvBuffer b = new EvBuffer(pool);
        b.append(x);
        b.drain(skew);
        return b;
    }

    @Test
    void searchFindsANeedleAtEveryOffsetAcrossSegmentBoundaries() {
        byte[][] needles = {{'Z'}, {'\r', '\n', '\r', '\n'}, {(byte) 0xFF, 'q'}, {(byte) 0x80, 0, 'x', 'y', 'z', '1', '2', '3', '4', '5'}};
        for (int segment : new int[] {16, 24, 64}) {
            for (int skew : new int[] {0, 3, 7}) {
                SegmentPool pool = SegmentPool.create(segment, 64);
                int total = 3 * segment + 11;
                for (byte[] needle : needles) {
                    EvBuffer empty = chain(pool, total, skew, (byte) 'a', 0, null);
                    assertEquals(-1, empty.search(needle, 0), "not found: no needle");
                    for (int at = 0; at + needle.length <= total; at++) {
                        EvBuffer b = chain(pool, total, skew, (byte) 'a', at, needle);
                        String what = "segment " + segment + " skew " + skew + " needle " + Arrays.toString(needle) + " at " + at;
                        assertEquals(at, b.search(needle, 0), what);
                        assertEquals(at, b.search(needle, at), what + " from it");
                        assertEquals(-1, b.search(needle, at + 1), what + " from past it");
                        if (needle.length > 1) { // all but the last byte: a prefix is not a match
                            EvBuffer p = chain(pool, total, skew, (byte) 'a', at, Arrays.copyOf(needle, needle.length - 1));
                            assertEquals(-1, p.search(needle, 0), what + " prefix only");
                        }
                    }
                }
            }
        }
    }

    @Test
    void readLineFindsItsEndAtEveryOffsetAcrossSegmentBoundaries() {
        for (int segment : new int[] {16, 40}) {
            for (int skew : new int[] {0, 5}) {
                SegmentPool pool = SegmentPool.create(segment, 64);
                int total = 3 * segment + 9;
                for (EolStyle style : EolStyle.values()) {
                    byte[] eol = switch (style) {
                        case NUL -> new byte[] {0};
                        case LF -> new byte[] {'\n'};
                        default -> new byte[] {'\r', '\n'};
                    };
                    for (int at = 0; at + eol.length <= total; at++) {
                        byte[] planted = eol;
                        if (style == EolStyle.CRLF_STRICT && at > 0) { // a lone LF before it ends nothing
                            planted = new byte[] {'\n', '\r', '\n'};
                        }
                        EvBuffer b = chain(pool, total, skew, (byte) 'k', at - (planted.length - eol.length), planted);
                        String what = "segment " + segment + " skew " + skew + " " + style + " at " + at;
                        byte[] dst = new byte[total];
                        assertEquals(at, b.readLine(style, dst), what);
                        assertEquals(total - at - eol.length, b.length(), what + ": line and end drained");
                        EvBuffer none = chain(pool, total, skew, (byte) 'k', at,
                                style == EolStyle.CRLF_STRICT ? new byte[] {'\r'} : null); // a CR alone ends nothing
                        assertEquals(-1, none.readLine(style, dst), what + " no end");
                    }
                }
            }
        }
    }
}
