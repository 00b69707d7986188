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

/**
 * Where the protocol code puts a connection's replies: bytes in order, and points from which on
 * they must wait for a log record to be acknowledged ({@code --sync always}: a reply leaves only
 * once its mutation is durable).
 */
interface Replies {
    /** The bytes put from now on wait until {@code lsn} is acknowledged. */
    void awaitLsn(long lsn);

    void put(byte[] b);

    /** ASCII text. */
    void put(String s);

    void putLine(String s);

    void crlf();

    void putUnsigned(long v);

    /**
     * How many decimal digits the unsigned value {@code v} has. Here, not in a helper class: a
     * class first loaded on a {@code get} needs a descriptor to be read from a class directory,
     * and a server out of descriptors must still answer (KvDescriptorExhaustionTest).
     */
    static int digits(long v) {
        if (v < 0) {
            return Long.compareUnsigned(v, -8_446_744_073_709_551_616L) >= 0 ? 20 : 19; // 10^19 unsigned
        }
        int n = 1;
        for (long p = 10; n < 19 && v >= p; p *= 10) {
            n++;
        }
        return n;
    }

    /**
     * Writes the decimal digits of {@code v}, read as unsigned, as {@link Long#toUnsignedString(long)}
     * has them, to end just before {@code b[end]}.
     */
    static void putDigits(byte[] b, int end, long v) {
        long q = v;
        int i = end;
        if (q < 0) { // above Long.MAX_VALUE: the last digit of the unsigned value first
            long div = Long.divideUnsigned(q, 10);
            b[--i] = (byte) ('0' + (q - div * 10));
            q = div;
        }
        do {
            b[--i] = (byte) ('0' + q % 10);
            q /= 10;
        } while (q != 0);
    }
}
