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
 *
 * <p>A reply is made of many small pieces ({@code VALUE}, the key, numbers, CRLFs, {@code END}):
 * they collect in a small array first and go to the buffer in one append, at the next
 * {@link #release} (which the connection calls after every batch of commands), before a mark,
 * or when the array is full; a piece larger than the array's room goes straight on after what
 * the array holds. Numbers are written as digits without a {@code String}.
 */
final class EvReplies implements Replies {
    /** Room for the pieces of a few replies: a hit's header line and {@code END} fit many times. */
    static final int STAGE_BYTES = 512;
    private static final byte[] CRLF = {'\r', '\n'};

    private final EvBuffer out;
    private final EvBuffer held;
    /** Bytes put and not yet in {@code out} or {@code held}: they go where {@link #sink()} says. */
    private final byte[] stage = new byte[STAGE_BYTES];
    private int staged;
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

    /** Bytes put and not yet in the output: held for the log, or not yet appended. */
    long held() {
        return held.length() + staged;
    }

    long produced() {
        return produced;
    }

    boolean hasMarks() {
        return !marks.isEmpty();
    }

    @Override
    public void awaitLsn(long lsn) {
        unstage(); // the bytes before the mark go where the bytes before it went
        marks.add(heldIn, lsn);
    }

    /**
     * Appends what was put since, then drops the marks {@code ackedLsn} satisfies and moves what
     * they held into the output.
     */
    void release(long ackedLsn) {
        unstage();
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

    /** Appends the staged bytes to the sink. */
    private void unstage() {
        int n = staged;
        if (n == 0) {
            return;
        }
        staged = 0;
        EvBuffer to = sink();
        to.append(stage, 0, n);
        if (to == held) {
            heldIn += n;
        }
    }

    /** Room for {@code n} more staged bytes, or false (the stage is emptied first) when {@code n} never fits. */
    private boolean stageRoom(int n) {
        if (staged + n <= STAGE_BYTES) {
            return true;
        }
        unstage();
        return n <= STAGE_BYTES;
    }

    @Override
    public void put(byte[] b) {
        int n = b.length;
        produced += n;
        if (stageRoom(n)) {
            System.arraycopy(b, 0, stage, staged, n);
            staged += n;
            return;
        }
        EvBuffer to = sink();
        to.append(b);
        if (to == held) {
            heldIn += n;
        }
    }

    @Override
    public void put(String s) {
        int n = s.length();
        produced += n;
        if (stageRoom(n)) {
            Latin1.copy(s, stage, staged);
            staged += n;
            return;
        }
        EvBuffer to = sink();
        to.appendLatin1(s);
        if (to == held) {
            heldIn += n;
        }
    }

    @Override
    public void putLine(String s) {
        put(s);
        crlf();
    }

    @Override
    public void crlf() {
        put(CRLF);
    }

    /** The decimal digits of {@code v} read as unsigned, as {@link Long#toUnsignedString(long)} has them. */
    @Override
    public void putUnsigned(long v) {
        int n = Replies.digits(v);
        produced += n;
        stageRoom(n); // 20 digits at most always fit
        staged += n;
        Replies.putDigits(stage, staged, v);
    }

    /** Drops what is held or staged (the connection is closing). */
    void clear() {
        staged = 0;
        held.clear();
        heldOut = heldIn;
        marks.clear();
    }

    @Override
    public String toString() {
        return "EvReplies[staged=" + staged + ", held=" + held.length() + ", marks=" + marks.size() + "]";
    }
}
