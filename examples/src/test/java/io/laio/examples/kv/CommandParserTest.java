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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CommandParserTest {
    private final CommandParser parser = new CommandParser();

    private Request parse(String line) {
        byte[] b = ("xx" + line).getBytes(StandardCharsets.ISO_8859_1);
        Request r = new Request();
        parser.parse(b, 2, b.length - 2, r);
        return r;
    }

    @Test
    void storageCommandsCarryTheirArguments() {
        Request r = parse("cas  k  4294967297 -5 12 18446744073709551615 noreply");
        assertEquals(Request.Kind.CAS, r.kind);
        assertEquals("k", r.key());
        assertEquals(1, r.flags, "flags keep the low 32 bits, as memcached");
        assertEquals(-5, r.exptime);
        assertEquals(12, r.length);
        assertEquals(-1L, r.cas, "2^64-1 as an unsigned long");
        assertTrue(r.noreply);
        assertTrue(parse("set k 0 0 1").isStorage());
        assertEquals(false, parse("set k 0 0 1 noreplyx").noreply);
    }

    @Test
    void theTokenCountDecidesWhetherACommandIsKnown() {
        for (String l : List.of("", "   ", "set k 0 0", "set k 0 0 1 x y", "cas k 0 0 1", "incr k", "incr k 1 2 3", "touch k",
                "delete", "delete a b c d", "flush_all 1 2 3", "verbosity", "stats x y", "Get k", "get", "gets")) {
            Request r = parse(l);
            assertEquals(Request.Kind.INVALID, r.kind, l);
            assertEquals("ERROR", r.error, l);
        }
    }

    @Test
    void manyKeysAreAllKept() {
        StringBuilder sb = new StringBuilder("get");
        for (int i = 0; i < 100_000; i++) {
            sb.append(' ').append(i);
        }
        Request r = parse(sb.toString());
        assertEquals(100_000, r.keyCount);
        assertEquals("99999", r.key(99_999));
    }

    @Test
    void unsignedNumbersParseAsMemcachedsSafeStrtoull() {
        assertEquals(Long.valueOf(12), CommandParser.strtoull(b(" 12"), 0, 3));
        assertEquals(Long.valueOf(12), CommandParser.strtoull(b("12 "), 0, 3));
        assertEquals(Long.valueOf(12), CommandParser.strtoull(b("+12"), 0, 3));
        assertEquals(Long.valueOf(0), CommandParser.strtoull(b("-0"), 0, 2));
        assertNull(CommandParser.strtoull(b("-1"), 0, 2));
        assertNull(CommandParser.strtoull(b("12x"), 0, 3));
        assertNull(CommandParser.strtoull(b(""), 0, 0));
        assertNull(CommandParser.strtoull(b("18446744073709551616"), 0, 20));
        assertEquals(Long.valueOf(-1L), CommandParser.strtoull(b("18446744073709551615"), 0, 20));
        Random rnd = new Random(9);
        BigInteger max = BigInteger.ONE.shiftLeft(64);
        for (int i = 0; i < 20_000; i++) {
            BigInteger v = new BigInteger(1 + rnd.nextInt(70), rnd);
            String s = v.toString();
            Long got = CommandParser.strtoull(b(s), 0, s.length());
            if (v.compareTo(max) >= 0) {
                assertNull(got, s);
            } else {
                assertEquals(v.longValue(), (long) got, s);
            }
        }
    }

    @Test
    void numericErrorsNameTheArgument() {
        assertEquals(CommandParser.BAD_DELTA, parse("incr k x").error);
        assertEquals(CommandParser.BAD_EXPTIME, parse("touch k 2147483648").error);
        assertEquals(CommandParser.BAD_EXPTIME, parse("flush_all x").error);
        assertEquals(CommandParser.BAD_FORMAT, parse("set k 0 0 2147483646").error);
        assertEquals(Request.Kind.SET, parse("set k 0 0 2147483645").kind);
        assertEquals(CommandParser.BAD_FORMAT, parse("set " + "k".repeat(251) + " 0 0 1").error);
        assertEquals(CommandParser.BAD_DELETE, parse("delete k 1").error);
        assertEquals(Request.Kind.DELETE, parse("delete k 0 noreply").kind);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
