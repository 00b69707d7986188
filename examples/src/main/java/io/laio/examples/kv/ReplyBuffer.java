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

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A connection's outgoing bytes, in order, with <em>durability marks</em>: a mark says "the bytes
 * from here on may leave only once log sequence number L is acknowledged". A reply to a mutation
 * is put after its mark, so it is sent only when the mutation is in the log, and every later
 * reply waits behind it (replies keep their order). Positions are absolute byte counts since the
 * connection opened. Loop thread only.
 *
 * <p>The bytes are in native memory (a direct buffer): a channel writes a heap buffer by first
 * copying it into a temporary direct buffer of the JDK's, so a heap buffer here cost a second
 * copy of every reply (a {@code get} hit's whole value) and the JDK's buffer-cache bookkeeping
 * on each write.
 */
final class ReplyBuffer implements Replies {
    private static final int INITIAL = 16 << 10;

    private ByteBuffer buf = ByteBuffer.allocateDirect(INITIAL);
    /** {@link #buf} as a segment, for moving live bytes down (a copy that may overlap). */
    private MemorySegment seg = MemorySegment.ofBuffer(buf);
    /** A second view of {@link #buf} handed to the channel (made once per buffer, not per write). */
    private ByteBuffer view = buf.duplicate();
    /** {@link #putUnsigned}'s digits, put with one copy. */
    private final byte[] digits = new byte[20];
    private int head;
    private int tail;
    /** Absolute position of {@code buf[head]}. */
    private long headPos;
    private final LsnMarks marks = new LsnMarks();

    /** Bytes not yet sent (some may be held by marks). */
    int pending() {
        return tail - head;
    }

    boolean hasMarks() {
        return !marks.isEmpty();
    }

    /** The bytes put from now on wait until {@code lsn} is acknowledged. */
    @Override
    public void awaitLsn(long lsn) {
        marks.add(headPos + (tail - head), lsn);
    }

    /** Drops the marks that {@code ackedLsn} satisfies; returns how many bytes may be sent now. */
    int sendable(long ackedLsn) {
        long mark = marks.release(ackedLsn);
        return mark < 0 ? tail - head : (int) (mark - headPos);
    }

    /** A view of the next {@code n} bytes to send; {@link #consumed} after writing. */
    ByteBuffer view(int n) {
        view.clear();
        return view.position(head).limit(head + n);
    }

    void consumed(int n) {
        head += n;
        headPos += n;
        if (head == tail) {
            head = 0;
            tail = 0;
        }
    }

    private void ensure(int more) {
        int cap = buf.capacity();
        if (tail + more <= cap) {
            return;
        }
        int live = tail - head;
        if (live + more <= cap / 2) {
            MemorySegment.copy(seg, head, seg, 0, live);
        } else {
            replace(ByteBuffer.allocateDirect(Math.max(cap * 2, live + more)), live);
        }
        head = 0;
        tail = live;
    }

    /** Makes {@code b} the buffer, its start holding the {@code live} unsent bytes. */
    private void replace(ByteBuffer b, int live) {
        b.put(0, buf, head, live);
        buf = b;
        seg = MemorySegment.ofBuffer(b);
        view = b.duplicate();
    }

    @Override
    public void put(byte[] b) {
        put(b, 0, b.length);
    }

    void put(byte[] b, int off, int len) {
        ensure(len);
        buf.put(tail, b, off, len);
        tail += len;
    }

    /** ASCII text. */
    @Override
    public void put(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf.put(tail + i, (byte) s.charAt(i));
        }
        tail += n;
    }

    @Override
    public void putLine(String s) {
        put(s);
        crlf();
    }

    @Override
    public void crlf() {
        ensure(2);
        buf.put(tail, (byte) '\r');
        buf.put(tail + 1, (byte) '\n');
        tail += 2;
    }

    @Override
    public void putUnsigned(long v) {
        int n = Replies.digits(v);
        Replies.putDigits(digits, n, v);
        put(digits, 0, n);
    }

    /** Shrinks a large idle buffer back. */
    void trim() {
        if (head == tail && buf.capacity() > 1 << 20) {
            head = 0;
            tail = 0;
            replace(ByteBuffer.allocateDirect(INITIAL), 0);
        }
    }

    @Override
    public String toString() {
        return "ReplyBuffer[pending=" + pending() + ", marks=" + marks.size() + " " + marks + "]";
    }
}
