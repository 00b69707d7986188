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

import java.nio.ByteBuffer;

/**
 * A connection's outgoing bytes, in order, with <em>durability marks</em>: a mark says "the bytes
 * from here on may leave only once log sequence number L is acknowledged". A reply to a mutation
 * is put after its mark, so it is sent only when the mutation is in the log, and every later
 * reply waits behind it (replies keep their order). Positions are absolute byte counts since the
 * connection opened. Loop thread only.
 */
final class ReplyBuffer implements Replies {
    private byte[] buf = new byte[16 << 10];
    private int head;
    private int tail;
    /** Absolute position of {@code buf[head]}. */
    private long headPos;
    private final LsnMarks marks = new LsnMarks();
    /** {@link #buf} wrapped once (a wrap per write would be an allocation per reply). */
    private ByteBuffer view = ByteBuffer.wrap(buf);

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
        if (view.array() != buf) {
            view = ByteBuffer.wrap(buf);
        }
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
        if (tail + more <= buf.length) {
            return;
        }
        int live = tail - head;
        if (live + more <= buf.length / 2) {
            System.arraycopy(buf, head, buf, 0, live);
        } else {
            byte[] b = new byte[Math.max(buf.length * 2, live + more)];
            System.arraycopy(buf, head, b, 0, live);
            buf = b;
        }
        head = 0;
        tail = live;
    }

    @Override
    public void put(byte[] b) {
        put(b, 0, b.length);
    }

    void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, tail, len);
        tail += len;
    }

    /** ASCII text. */
    @Override
    public void put(String s) {
        int n = s.length();
        ensure(n);
        Latin1.copy(s, buf, tail);
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
        buf[tail++] = '\r';
        buf[tail++] = '\n';
    }

    @Override
    public void putUnsigned(long v) {
        int n = Replies.digits(v);
        ensure(n);
        tail += n;
        Replies.putDigits(buf, tail, v);
    }

    /** Shrinks a large idle buffer back. */
    void trim() {
        if (head == tail && buf.length > 1 << 20) {
            buf = new byte[16 << 10];
            head = 0;
            tail = 0;
        }
    }

    @Override
    public String toString() {
        return "ReplyBuffer[pending=" + pending() + ", marks=" + marks.size() + " " + marks + "]";
    }
}
