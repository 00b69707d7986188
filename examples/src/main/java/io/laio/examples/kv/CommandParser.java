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

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses one memcached text-protocol command line into a {@link Request}, with memcached's own
 * rules: tokens split on spaces, the token count decides whether a command is known at all
 * ({@code ERROR} otherwise), keys longer than 250 bytes and malformed numbers are
 * {@code CLIENT_ERROR}s, and numbers parse as C's {@code strtoul}/{@code strtol} do in
 * memcached's {@code safe_strto*} helpers (leading sign allowed, a {@code '-'} on an unsigned
 * value refused, out-of-range refused).
 */
final class CommandParser {
    static final int KEY_MAX = 250;
    static final String ERROR = "ERROR";
    static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";
    static final String BAD_DELETE = "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]";
    static final String BAD_DELTA = "CLIENT_ERROR invalid numeric delta argument";
    static final String BAD_EXPTIME = "CLIENT_ERROR invalid exptime argument";

    /** The words a line is matched against, as bytes. */
    private static final byte[] GET = ascii("get");
    private static final byte[] GETS = ascii("gets");
    private static final byte[] SET = ascii("set");
    private static final byte[] ADD = ascii("add");
    private static final byte[] REPLACE = ascii("replace");
    private static final byte[] APPEND = ascii("append");
    private static final byte[] PREPEND = ascii("prepend");
    private static final byte[] CAS = ascii("cas");
    private static final byte[] DELETE = ascii("delete");
    private static final byte[] INCR = ascii("incr");
    private static final byte[] DECR = ascii("decr");
    private static final byte[] TOUCH = ascii("touch");
    private static final byte[] FLUSH_ALL = ascii("flush_all");
    private static final byte[] VERSION = ascii("version");
    private static final byte[] QUIT = ascii("quit");
    private static final byte[] VERBOSITY = ascii("verbosity");
    private static final byte[] STATS = ascii("stats");
    private static final byte[] RESET = ascii("reset");
    private static final byte[] NOREPLY = ascii("noreply");

    private int[] start = new int[32];
    private int[] end = new int[32];
    private byte[] line;

    /** Parses {@code line[off..off+len)} (without its line ending) into {@code r}. */
    void parse(byte[] line, int off, int len, Request r) {
        r.reset();
        this.line = line;
        int n = tokenize(line, off, off + len);
        if (n == 0) {
            invalid(r, ERROR);
            return;
        }
        command(r, n);
    }

    /** The command is token 0: compared as bytes, no string made (length first: one compare most times). */
    private void command(Request r, int n) {
        if (is(0, GET)) {
            retrieval(r, Request.Kind.GET, n);
        } else if (is(0, SET)) {
            storage(r, Request.Kind.SET, n);
        } else if (is(0, GETS)) {
            retrieval(r, Request.Kind.GETS, n);
        } else if (is(0, ADD)) {
            storage(r, Request.Kind.ADD, n);
        } else if (is(0, REPLACE)) {
            storage(r, Request.Kind.REPLACE, n);
        } else if (is(0, APPEND)) {
            storage(r, Request.Kind.APPEND, n);
        } else if (is(0, PREPEND)) {
            storage(r, Request.Kind.PREPEND, n);
        } else if (is(0, CAS)) {
            storage(r, Request.Kind.CAS, n);
        } else if (is(0, DELETE)) {
            delete(r, n);
        } else if (is(0, INCR)) {
            arithmetic(r, Request.Kind.INCR, n);
        } else if (is(0, DECR)) {
            arithmetic(r, Request.Kind.DECR, n);
        } else if (is(0, TOUCH)) {
            touch(r, n);
        } else if (is(0, FLUSH_ALL)) {
            flushAll(r, n);
        } else if (is(0, VERSION)) {
            r.kind = Request.Kind.VERSION; // memcached 1.6 ignores any arguments
        } else if (is(0, QUIT)) {
            r.kind = Request.Kind.QUIT;
        } else if (is(0, VERBOSITY)) {
            verbosity(r, n);
        } else if (is(0, STATS)) {
            stats(r, n);
        } else {
            invalid(r, ERROR);
        }
    }


    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether token {@code i} is {@code word}. */
    private boolean is(int i, byte[] word) {
        int from = start[i];
        return end[i] - from == word.length && Arrays.equals(line, from, end[i], word, 0, word.length);
    }

    private int tokenize(byte[] b, int from, int len) {
        int n = 0;
        int i = from;
        while (i < len) {
            while (i < len && b[i] == ' ') {
                i++;
            }
            if (i == len) {
                break;
            }
            if (n == start.length) {
                start = Arrays.copyOf(start, n * 2);
                end = Arrays.copyOf(end, n * 2);
            }
            start[n] = i;
            while (i < len && b[i] != ' ') {
                i++;
            }
            end[n++] = i;
        }
        return n;
    }

    /** Adds token {@code i} to {@code r}'s keys. */
    private void key(Request r, int i) {
        r.addKey(line, start[i], end[i] - start[i]);
    }

    private int tokenLength(int i) {
        return end[i] - start[i];
    }

    private boolean noreplyAt(int i) {
        return is(i, NOREPLY);
    }

    private static void invalid(Request r, String error) {
        r.kind = Request.Kind.INVALID;
        r.error = error;
    }

    private void retrieval(Request r, Request.Kind kind, int n) {
        if (n < 2) {
            invalid(r, ERROR);
            return;
        }
        for (int i = 1; i < n; i++) {
            if (tokenLength(i) > KEY_MAX) {
                invalid(r, BAD_FORMAT);
                return;
            }
            key(r, i);
        }
        r.kind = kind;
    }

    private void storage(Request r, Request.Kind kind, int n) {
        boolean cas = kind == Request.Kind.CAS;
        int base = cas ? 6 : 5;
        if (n != base && n != base + 1) {
            invalid(r, ERROR);
            return;
        }
        r.noreply = n == base + 1 && noreplyAt(base);
        if (tokenLength(1) > KEY_MAX) {
            invalid(r, BAD_FORMAT);
            return;
        }
        long flags = unsigned(2);
        long exptime = signed32(3);
        long length = signed32(4);
        Long casValue = cas ? unsigned64(5) : Long.valueOf(0);
        if (flags == BAD || exptime == BAD_SIGNED || length == BAD_SIGNED || casValue == null) {
            invalid(r, BAD_FORMAT);
            return;
        }
        if (length < 0 || length > Integer.MAX_VALUE - 2) {
            invalid(r, BAD_FORMAT);
            return;
        }
        r.kind = kind;
        key(r, 1);
        r.flags = (int) flags; // memcached keeps the low 32 bits
        r.exptime = exptime;
        r.length = (int) length;
        r.cas = casValue;
    }

    private void delete(Request r, int n) {
        if (n < 2 || n > 4) {
            invalid(r, ERROR);
            return;
        }
        if (n > 2) {
            boolean holdIsZero = tokenLength(2) == 1 && line[start[2]] == '0';
            r.noreply = noreplyAt(n - 1);
            boolean valid = (n == 3 && (holdIsZero || r.noreply)) || (n == 4 && holdIsZero && r.noreply);
            if (!valid) {
                invalid(r, BAD_DELETE);
                return;
            }
        }
        if (tokenLength(1) > KEY_MAX) {
            invalid(r, BAD_FORMAT);
            return;
        }
        r.kind = Request.Kind.DELETE;
        key(r, 1);
    }

    private void arithmetic(Request r, Request.Kind kind, int n) {
        if (!keyValueNoreply(r, n)) {
            return;
        }
        Long delta = unsigned64(2);
        if (delta == null) {
            invalid(r, BAD_DELTA);
            return;
        }
        r.kind = kind;
        key(r, 1);
        r.delta = delta;
    }

    /**
     * The shape shared by incr, decr and touch: {@code <cmd> <key> <value> [noreply]}. Sets
     * noreply; false (with the error set) if the count or the key is wrong.
     */
    private boolean keyValueNoreply(Request r, int n) {
        if (n != 3 && n != 4) {
            invalid(r, ERROR);
            return false;
        }
        r.noreply = n == 4 && noreplyAt(3);
        if (tokenLength(1) > KEY_MAX) {
            invalid(r, BAD_FORMAT);
            return false;
        }
        return true;
    }

    private void touch(Request r, int n) {
        if (!keyValueNoreply(r, n)) {
            return;
        }
        long exptime = signed32(2);
        if (exptime == BAD_SIGNED) {
            invalid(r, BAD_EXPTIME);
            return;
        }
        r.kind = Request.Kind.TOUCH;
        key(r, 1);
        r.exptime = exptime;
    }

    private void flushAll(Request r, int n) {
        if (n > 3) {
            invalid(r, ERROR);
            return;
        }
        r.noreply = n > 1 && noreplyAt(n - 1);
        if (n != (r.noreply ? 2 : 1)) {
            long delay = signed32(1);
            if (delay == BAD_SIGNED) {
                invalid(r, BAD_EXPTIME);
                return;
            }
            r.exptime = delay;
        }
        r.kind = Request.Kind.FLUSH_ALL;
    }

    private void verbosity(Request r, int n) {
        if (n != 2 && n != 3) {
            invalid(r, ERROR);
            return;
        }
        r.noreply = noreplyAt(n - 1);
        if (unsigned(1) == BAD) {
            invalid(r, BAD_FORMAT);
            return;
        }
        r.kind = Request.Kind.VERBOSITY;
    }

    private void stats(Request r, int n) {
        if (n == 1) {
            r.kind = Request.Kind.STATS;
        } else if (n == 2 && is(1, RESET)) {
            r.kind = Request.Kind.STATS_RESET;
        } else {
            invalid(r, ERROR);
        }
    }

    // ------------------------------------------------------------------ numbers, as memcached's safe_strto*

    private static final long BAD = -1L; // flags are masked to 32 bits, so never -1
    private static final long BAD_SIGNED = Long.MIN_VALUE;

    /** A token as {@code safe_strtoul} into memcached's 32-bit flags: the low 32 bits, or {@link #BAD}. */
    private long unsigned(int i) {
        Long v = strtoull(line, start[i], end[i]);
        return v == null ? BAD : v & 0xFFFF_FFFFL;
    }

    /** A token as {@code safe_strtoull}: the value, or {@code null}. */
    private Long unsigned64(int i) {
        return strtoull(line, start[i], end[i]);
    }

    /** A token as {@code safe_strtol} into an int32: the value, or {@link #BAD_SIGNED}. */
    private long signed32(int i) {
        int p = start[i];
        int to = end[i];
        boolean negative = false;
        if (p < to && (line[p] == '+' || line[p] == '-')) {
            negative = line[p] == '-';
            p++;
        }
        if (p == to) {
            return BAD_SIGNED;
        }
        long v = 0;
        for (; p < to; p++) {
            int d = line[p] - '0';
            if (d < 0 || d > 9) {
                return BAD_SIGNED;
            }
            v = v * 10 + d;
            if (v > 1L << 40) {
                return BAD_SIGNED; // far out of range
            }
        }
        v = negative ? -v : v;
        return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? BAD_SIGNED : v;
    }

    /** An item's value as {@code incr}/{@code decr} read it: the number, or {@code null} when it is not one. */
    static Long parseCounter(byte[] b) {
        return strtoull(b, 0, b.length);
    }

    /**
     * {@code safe_strtoull} over {@code b[from..to)}: leading whitespace and one sign allowed,
     * decimal digits, then the end or whitespace; a value that overflows 64 bits, or a negative
     * one, is refused ({@code null}). The value is an unsigned long.
     */
    static Long strtoull(byte[] b, int from, int to) {
        int p = from;
        while (p < to && isSpace(b[p])) {
            p++;
        }
        boolean minus = false;
        if (p < to && (b[p] == '+' || b[p] == '-')) {
            minus = b[p] == '-';
            p++;
        }
        int digits = p;
        long v = 0;
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            int d = b[p] - '0';
            // v * 10 + d must stay below 2^64
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                return null; // ERANGE
            }
            v = v * 10 + d;
            p++;
        }
        int endptr = p == digits ? from : p; // no digits: strtoull leaves endptr at the start
        boolean atEnd = endptr == to;
        if (!(atEnd && endptr != from) && !(endptr < to && isSpace(b[endptr]))) {
            return null;
        }
        if (minus && v != 0) {
            return null; // a negative value for an unsigned field
        }
        return v;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
