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
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The buffer's rules that the property test does not reach: file ranges, locked heads, bad input. */
class EvBufferTest {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void fileRangeCountsInLengthButHidesItsBytesFromReaders() {
        EvBuffer b = new EvBuffer(SegmentPool.create(8, 4));
        b.append(ascii("head\n"));
        AtomicInteger released = new AtomicInteger();
        b.appendFile(3, 100, 50, released::incrementAndGet);
        b.append(ascii("tail\n"));
        assertEquals(60, b.length());
        assertEquals(5, b.memoryLength());
        assertEquals(-1, b.search(ascii("tail"), 0), "search stops at the file range");
        assertThrows(IllegalStateException.class, () -> b.copyOut(0, new byte[6], 0, 6));
        assertEquals("head", b.readLine(EolStyle.LF));
        assertEquals(0, b.memoryLength());
        b.drain(20);
        assertEquals(0, released.get(), "released only when drained to its end");
        assertEquals(35, b.length());
        b.drain(30);
        assertEquals(1, released.get());
        assertEquals(5, b.length());
        assertEquals(5, b.memoryLength());
        assertEquals("tail", b.readLine(EolStyle.LF));
    }

    @Test
    void movingBuffersCarriesFileRangesAndTheirCounts() {
        SegmentPool pool = SegmentPool.create(8, 4);
        EvBuffer a = new EvBuffer(pool);
        EvBuffer b = new EvBuffer(pool);
        AtomicInteger released = new AtomicInteger();
        a.append(ascii("abc"));
        b.append(ascii("0123456789"));
        b.appendFile(4, 0, 10, released::incrementAndGet);
        b.appendFile(5, 0, 10, released::incrementAndGet);
        b.append(ascii("z"));
        assertEquals(5, a.moveFrom(b, 5));
        assertEquals(8, a.memoryLength());
        a.appendBuffer(b);
        assertEquals(34, a.length());
        assertEquals(13, a.memoryLength());
        assertEquals(0, b.length());
        a.clear();
        assertEquals(2, released.get(), "clear drops every range and runs each release once");
    }

    @Test
    void lockedHeadRefusesRemovalButTakesAppends() {
        EvBuffer b = new EvBuffer(SegmentPool.create(8, 4));
        b.append(ascii("0123456789"));
        b.lockHead(true);
        assertThrows(IllegalStateException.class, () -> b.drain(1));
        assertThrows(IllegalStateException.class, () -> b.prepend(new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> b.readLine(EolStyle.LF));
        b.append(ascii("x"));
        assertEquals(11, b.length(), "nothing lost");
        b.lockHead(false);
        assertEquals(1, b.drain(1));
    }

    @Test
    void commitWithoutReservationOrAfterAChangeIsRefused() {
        EvBuffer b = new EvBuffer(SegmentPool.create(8, 4));
        assertThrows(IllegalStateException.class, () -> b.commit(0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = arena.allocate(64);
            b.reserve(20, iov);
            b.append(ascii("x"));
            assertThrows(IllegalStateException.class, () -> b.commit(1));
            b.reserve(20, iov);
            assertThrows(IllegalArgumentException.class, () -> b.commit(1000));
            b.commit(0);
        }
        assertEquals(1, b.length());
    }

    @Test
    void badArgumentsAreRefusedAndChangeNothing() {
        EvBuffer b = new EvBuffer(SegmentPool.create(8, 4));
        b.append(ascii("abc"));
        assertThrows(IndexOutOfBoundsException.class, () -> b.append(new byte[4], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> b.drain(-1));
        assertThrows(IllegalArgumentException.class, () -> b.appendFile(-1, 0, 1, null));
        assertThrows(IndexOutOfBoundsException.class, () -> b.byteAt(3));
        assertThrows(IllegalArgumentException.class, () -> b.appendBuffer(b));
        assertEquals(3, b.length());
        b.append(ascii("\n"));
        assertEquals(-2, b.readLine(EolStyle.ANY, new byte[1]), "a line longer than the array is left in place");
        assertEquals(4, b.length());
    }
}
