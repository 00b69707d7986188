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
    private final LsnMarks marks = new LsnMarks();
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
        return !marks.isEmpty();
    }

    @Override
    public void awaitLsn(long lsn) {
        marks.add(heldIn, lsn);
    }

    /** Drops the marks {@code ackedLsn} satisfies and moves what they held into the output. */
    void release(long ackedLsn) {
        long mark = marks.release(ackedLsn);
        long upTo = mark < 0 ? heldIn : mark;
        if (upTo > heldOut) {
            heldOut += out.moveFrom(held, upTo - heldOut);
        }
    }

    /** Where the next bytes go: behind a mark they wait; otherwise straight out. */
    private EvBuffer sink() {
        return marks.isEmpty() ? out : held;
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
        marks.clear();
    }

    @Override
    public String toString() {
        return "EvReplies[held=" + held.length() + ", marks=" + marks.size() + "]";
    }
}
