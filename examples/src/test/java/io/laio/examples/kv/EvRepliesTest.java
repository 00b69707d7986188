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

package io.laio.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.buffer.EvBuffer;
import io.laio.buffer.SegmentPool;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EvRepliesTest {
    private final SegmentPool pool = SegmentPool.create(64, 64); // small segments: appends cross them
    private final EvBuffer out = new EvBuffer(pool);
    private final EvReplies r = new EvReplies(out);

    private String drainOut() {
        byte[] b = new byte[(int) out.length()];
        out.remove(b, 0, b.length);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void numbersAreWrittenAsTheirUnsignedDecimalDigits() {
        long[] values = {0, 1, 9, 10, 99, 100, 4_294_967_295L, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L,
            Long.MAX_VALUE, Long.MIN_VALUE, -8_446_744_073_709_551_617L, -8_446_744_073_709_551_616L, -1};
        StringBuilder expected = new StringBuilder();
        for (long v : values) {
            r.putUnsigned(v);
            r.put(" ");
            expected.append(Long.toUnsignedString(v)).append(' ');
            assertEquals(Long.toUnsignedString(v).length(), Replies.digits(v), Long.toUnsignedString(v));
        }
        r.release(0);
        assertEquals(expected.toString(), drainOut());
        assertEquals(expected.length(), r.produced());
    }

    @Test
    void piecesReachTheOutputAtReleaseInOrderAcrossLargeOnesAndAFullStage() {
        String big = "v".repeat(EvReplies.STAGE_BYTES + 1); // never fits: appended straight after what is staged
        byte[] bigBytes = "w".repeat(EvReplies.STAGE_BYTES).getBytes(StandardCharsets.US_ASCII);
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            r.put("VALUE k" + i + " 0 ");
            r.putUnsigned(i);
            r.crlf();
            r.put(i % 3 == 0 ? big : "x");
            r.put(bigBytes);
            r.putLine("END");
            expected.append("VALUE k").append(i).append(" 0 ").append(i).append("\r\n")
                    .append(i % 3 == 0 ? big : "x").append(new String(bigBytes, StandardCharsets.US_ASCII)).append("END\r\n");
        }
        assertEquals(expected.length(), out.length() + r.held(), "every byte is in the output or counted as not yet there");
        r.release(0);
        assertEquals(0, r.held());
        assertEquals(expected.toString(), drainOut());
    }

    @Test
    void bytesAfterAMarkWaitForItsLsnEvenWhenStagedBeforeIt() {
        r.putLine("VERSION x"); // staged: goes out, not behind the mark
        r.awaitLsn(5);
        r.putLine("STORED");
        assertEquals(8, r.held());
        r.release(4);
        assertEquals("VERSION x\r\n", drainOut());
        assertTrue(r.hasMarks());
        assertEquals(8, r.held());
        r.release(5);
        assertFalse(r.hasMarks());
        assertEquals("STORED\r\n", drainOut());
        r.putLine("END"); // no mark left: straight out at the next release
        r.release(5);
        assertEquals("END\r\n", drainOut());
    }

    /** A get hit's reply, as {@link CommandHandler} puts it. */
    private void hit(String key, long flags, byte[] value) {
        r.put("VALUE ");
        r.put(key);
        r.put(" ");
        r.putUnsigned(flags);
        r.put(" ");
        r.putUnsigned(value.length);
        r.crlf();
        r.put(value);
        r.crlf();
        r.putLine("END");
    }

    @Test
    void aGetHitsReplyAllocatesNothingInSteadyState() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        byte[] value = "v".repeat(100).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 30_000; i++) { // warm up: the JIT compiles and the pool fills
            hit("key:000042", 4_294_967_295L - i, value);
            r.release(0);
            out.drain(out.length());
        }
        threads.getThreadAllocatedBytes(tid);
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            hit("key:000042", 4_294_967_295L - i, value);
            r.release(0);
            out.drain(out.length());
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertTrue(allocated < 1_000, allocated + " bytes allocated by 10,000 replies"); // a stray boxed long, not 2 Strings a reply
    }

    @Test
    void clearDropsWhatIsStagedAndHeld() {
        r.putLine("A"); // in the output once the mark comes
        r.awaitLsn(1);
        r.putLine("B");
        r.clear();
        r.putLine("C"); // staged, dropped
        r.clear();
        r.release(1);
        assertEquals(0, r.held());
        assertEquals("A\r\n", drainOut());
    }
}
