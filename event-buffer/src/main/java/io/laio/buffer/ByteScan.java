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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Finds a byte in a range of native memory eight bytes at a time (SWAR: SIMD within a
 * register), for {@link EvBuffer}'s search and line reading. Each step loads one unaligned
 * little-endian {@code long}, XORs it with the wanted byte repeated eight times, so that a
 * matching byte becomes a zero byte, and asks whether the word has a zero byte:
 *
 * <pre>
 *  zeroBytes(x) = (x - 0x0101010101010101) &amp; ~x &amp; 0x8080808080808080
 * </pre>
 *
 * A byte's high bit is set there when it is zero, or (through the borrow of a zero byte below
 * it) maybe when a lower byte is zero; never below the lowest zero byte. So the lowest set bit
 * marks exactly the first match, and in little-endian order that is
 * {@code numberOfTrailingZeros / 8} bytes in. Two wanted bytes: the OR of both tests, whose
 * lowest bit is the earlier of two exact answers. No allocation; the tail of fewer than eight
 * bytes goes a byte at a time.
 */
final class ByteScan {
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private ByteScan() {}

    /** The high bit of each zero byte of {@code x} (exact for the lowest; see the class comment). */
    private static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGHS;
    }

    /** {@code b} in every byte of a word. */
    static long repeat(byte b) {
        return (b & 0xFFL) * ONES;
    }

    /**
     * The offset in {@code m} of the first byte equal to {@code b} in {@code [from, to)}, or -1.
     *
     * @param pattern {@link #repeat repeat(b)}, computed once by the caller
     */
    static long indexOf(MemorySegment m, long from, long to, byte b, long pattern) {
        long i = from;
        for (long last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long t = zeroBytes(m.get(WORD, i) ^ pattern);
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (m.get(BYTE, i) == b) {
                return i;
            }
        }
        return -1;
    }

    /** The offset in {@code m} of the first byte equal to {@code a} or {@code b} in {@code [from, to)}, or -1. */
    static long indexOfEither(MemorySegment m, long from, long to, byte a, byte b) {
        long pa = repeat(a);
        long pb = repeat(b);
        long i = from;
        for (long last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long w = m.get(WORD, i);
            long t = zeroBytes(w ^ pa) | zeroBytes(w ^ pb);
            if (t != 0) {
                return i + (Long.numberOfTrailingZeros(t) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte x = m.get(BYTE, i);
            if (x == a || x == b) {
                return i;
            }
        }
        return -1;
    }
}
