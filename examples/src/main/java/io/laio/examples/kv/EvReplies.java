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

import io.laio.buffer.EvBuffer;

/**
 * Replies written straight into a {@code BufferEvent}'s output while nothing waits for the log,
 * and otherwise into a held buffer, moved to the output as the log acknowledges: the output is
 * written from the next loop pass on, so a byte in it is as good as sent. The bookkeeping is
 * {@link ReplyBuffer}'s (marks: byte position and LSN), over {@code EvBuffer} segments.
 */
final class EvReplies implements Replies {
    private final EvBuffer out;
    private final EvBuffer held;
    /** Bytes ever put into {@code held} / moved out of it: marks are positions on that count. */
    private long heldIn;
    private long heldOut;
    private long[] markPos = new long[16];
    private long[] markLsn = new long[16];
    private int markHead;
    private int markCount;
    /** Bytes ever put, for the statistics. */
    private long produced;

    EvReplies(EvBuffer out) {
        this.out = out;
        this.held = new EvBuffer(out.pool());
    }

    /** Bytes not yet in the output, held for the log. */
    long held() {
        return held.length();
    }

    long produced() {
        return produced;
    }

    boolean hasMarks() {
        return markCount > 0;
    }

    @Override
    public void awaitLsn(long lsn) {
        if (markCount > 0 && markLsn[(markHead + markCount - 1) & (markLsn.length - 1)] >= lsn) {
            return; // an earlier mark already holds everything after it at least as long
        }
        if (markCount == markPos.length) {
            long[] p = new long[markCount * 2];
            long[] l = new long[markCount * 2];
            for (int i = 0; i < markCount; i++) {
                p[i] = markPos[(markHead + i) & (markPos.length - 1)];
                l[i] = markLsn[(markHead + i) & (markLsn.length - 1)];
            }
            markPos = p;
            markLsn = l;
            markHead = 0;
        }
        int at = (markHead + markCount) & (markPos.length - 1);
        markPos[at] = heldIn;
        markLsn[at] = lsn;
        markCount++;
    }

    /** Drops the marks {@code ackedLsn} satisfies and moves what they held into the output. */
    void release(long ackedLsn) {
        while (markCount > 0 && markLsn[markHead] <= ackedLsn) {
            markHead = (markHead + 1) & (markPos.length - 1);
            markCount--;
        }
        long upTo = markCount == 0 ? heldIn : markPos[markHead];
        if (upTo > heldOut) {
            heldOut += out.moveFrom(held, upTo - heldOut);
        }
    }

    /** Where the next bytes go: behind a mark they wait; otherwise straight out. */
    private EvBuffer sink() {
        return markCount > 0 ? held : out;
    }

    @Override
    public void put(byte[] b) {
        EvBuffer to = sink();
        to.append(b);
        produced += b.length;
        if (to == held) {
            heldIn += b.length;
        }
    }

    @Override
    public void put(String s) {
        EvBuffer to = sink();
        to.appendLatin1(s);
        produced += s.length();
        if (to == held) {
            heldIn += s.length();
        }
    }

    @Override
    public void putLine(String s) {
        put(s);
        crlf();
    }

    private static final byte[] CRLF = {'\r', '\n'};

    @Override
    public void crlf() {
        put(CRLF);
    }

    @Override
    public void putUnsigned(long v) {
        put(Long.toUnsignedString(v));
    }

    /** Drops what is held (the connection is closing). */
    void clear() {
        held.clear();
        heldOut = heldIn;
        markCount = 0;
    }

    @Override
    public String toString() {
        return "EvReplies[held=" + held.length() + ", marks=" + markCount + "]";
    }
}
