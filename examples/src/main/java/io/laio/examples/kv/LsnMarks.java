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
 * The durability marks of one connection's replies: "the bytes from position P on wait until
 * log sequence number L is acknowledged", oldest first, in a growable ring. Positions count the
 * bytes a reply buffer has ever taken, so they survive the buffer being drained. Loop thread.
 */
final class LsnMarks {
    private long[] pos = new long[16];
    private long[] lsn = new long[16];
    private int head;
    private int count;

    boolean isEmpty() {
        return count == 0;
    }

    int size() {
        return count;
    }

    /**
     * Bytes from {@code position} on wait for {@code lsn}; nothing is added when an earlier mark
     * already holds them at least as long.
     */
    void add(long position, long lsn) {
        if (count > 0 && this.lsn[(head + count - 1) & (this.lsn.length - 1)] >= lsn) {
            return;
        }
        if (count == pos.length) {
            long[] p = new long[count * 2];
            long[] l = new long[count * 2];
            for (int i = 0; i < count; i++) {
                p[i] = pos[(head + i) & (pos.length - 1)];
                l[i] = this.lsn[(head + i) & (this.lsn.length - 1)];
            }
            pos = p;
            this.lsn = l;
            head = 0;
        }
        int at = (head + count) & (pos.length - 1);
        pos[at] = position;
        this.lsn[at] = lsn;
        count++;
    }

    /**
     * Drops the marks {@code ackedLsn} satisfies.
     *
     * @return the position of the oldest mark left, or -1 if none is left (everything may go)
     */
    long release(long ackedLsn) {
        while (count > 0 && lsn[head] <= ackedLsn) {
            head = (head + 1) & (pos.length - 1);
            count--;
        }
        return count == 0 ? -1 : pos[head];
    }

    void clear() {
        count = 0;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? "" : ", ").append(lsn[(head + i) & (lsn.length - 1)]);
        }
        return b.append(']').toString();
    }
}
