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

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplyBufferTest {
    private static String take(ReplyBuffer b, long acked) {
        int n = b.sendable(acked);
        byte[] out = new byte[n];
        b.view(n).get(out);
        b.consumed(n);
        return new String(out, StandardCharsets.US_ASCII);
    }

    @Test
    void repliesAfterAMarkWaitForItsLsnAndKeepTheirOrder() {
        ReplyBuffer b = new ReplyBuffer();
        b.putLine("VERSION x");
        b.awaitLsn(5);
        b.putLine("STORED");
        b.putLine("END");
        b.awaitLsn(7);
        b.putLine("DELETED");
        assertEquals("VERSION x\r\n", take(b, 4));
        assertEquals("", take(b, 4));
        assertEquals("STORED\r\nEND\r\n", take(b, 6));
        assertTrue(b.hasMarks());
        assertEquals("DELETED\r\n", take(b, 7));
        assertFalse(b.hasMarks());
        assertEquals(0, b.pending());
    }

    @Test
    void manyMarksAndLargeRepliesSurviveGrowth() {
        ReplyBuffer b = new ReplyBuffer();
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            b.awaitLsn(i);
            String line = "r" + i + "x".repeat(100);
            b.putLine(line);
            expected.append(line).append("\r\n");
        }
        StringBuilder got = new StringBuilder();
        for (int acked = 0; acked <= 1000; acked += 7) {
            got.append(take(b, acked));
        }
        got.append(take(b, 1000));
        assertEquals(expected.toString(), got.toString());
    }

    /**
     * A slow reader: each round sends only part of what is pending, so later replies land after
     * unsent bytes that must be moved down or carried into a bigger buffer; numbers, text and
     * byte arrays all arrive in order and intact.
     */
    @Test
    void partlySentRepliesAreMovedAndGrownIntact() {
        ReplyBuffer b = new ReplyBuffer();
        Random rnd = new Random(7);
        StringBuilder expected = new StringBuilder();
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            String v = "v" + i + "y".repeat(rnd.nextInt(i % 100 == 0 ? 40_000 : 3000));
            long number = i % 3 == 0 ? -1L - i : i * 1_000_003L;
            b.put(v.getBytes(StandardCharsets.US_ASCII));
            b.put(" ");
            b.putUnsigned(number);
            b.crlf();
            expected.append(v).append(' ').append(Long.toUnsignedString(number)).append("\r\n");
            int n = rnd.nextInt(b.pending() + 1);
            byte[] out = new byte[n];
            b.view(n).get(out);
            b.consumed(n);
            got.append(new String(out, StandardCharsets.US_ASCII));
        }
        got.append(take(b, Long.MAX_VALUE));
        assertEquals(expected.toString(), got.toString());
        b.trim();
        b.putLine("after trim");
        assertEquals("after trim\r\n", take(b, 0));
    }
}
