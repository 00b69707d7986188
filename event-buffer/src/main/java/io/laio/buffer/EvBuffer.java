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

package io.laio.buffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A byte queue made of a chain of pooled off-heap segments, libevent's {@code evbuffer}: bytes
 * are appended at the tail and drained from the head; appending another buffer moves its
 * segments instead of copying them; a <em>file range</em> element stands for bytes of a file
 * that are sent with {@code sendfile} and never read into memory.
 *
 * <p><b>Threading.</b> Not thread-safe. One thread at a time, the thread of its
 * {@link SegmentPool}; a buffer of a {@link BufferEvent} is used on that connection's loop
 * thread only.
 *
 * <p><b>Memory.</b> The buffer owns its segments: they come from its pool as room is needed
 * and go back as their bytes are drained (a segment that empties while it is the tail stays, so
 * a buffer that is filled and emptied in turn holds one segment and allocates nothing). Bytes
 * given to {@code append} are copied in; bytes returned by {@code copyOut}/{@code remove} are
 * copied out. {@link #peek} and {@link #reserve} hand out addresses of the buffer's own memory,
 * valid until the next operation that changes the buffer. A file range's descriptor stays the
 * caller's: keep it open until the range's {@code release} runs.
 *
 * <p><b>File ranges.</b> {@link #length()} counts them; {@link #drain} and moves handle them;
 * the operations that look at bytes ({@link #byteAt}, {@link #copyOut}, {@link #remove},
 * {@link #search}, {@link #readLine}, {@link #peek}) see only the bytes before the first file
 * range ({@link #memoryLength()}) — asking them for bytes beyond it throws
 * {@link IllegalStateException}, search and line reading simply stop there.
 *
 * <p><b>Locked head.</b> While a {@link BufferEvent} has a write of this (output) buffer's head
 * in the kernel, the operations that remove or insert at the head ({@code drain},
 * {@code remove}, {@code readLine}, {@code prepend}, {@code clear}, moving out of it) throw
 * {@link IllegalStateException}: the kernel is reading those bytes. Appending stays allowed.
 */
public final class EvBuffer {
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    /** Bytes of one {@code struct iovec}: {@code void *iov_base; size_t iov_len}. */
    public static final int IOVEC_BYTES = 16;

    private final SegmentPool pool;
    private Chunk head;
    private Chunk tail;
    private long length;
    /** Bytes before the first file range (all of them when there is none). */
    private long memoryLength;
    private int fileRanges;
    /** Chunks handed out by {@link #reserve} beyond the tail's own room, not yet linked. */
    private Chunk reserved;
    private long reservedBytes = -1;
    private boolean headLocked;
    /** The connection told of every change, or {@code null}. */
    BufferEvent watcher;
    /** Length of the end-of-line sequence found by the last {@link #findEol}. */
    private int eolLength;

    /**
     * An empty buffer whose segments come from {@code pool}.
     *
     * @param pool where segments come from and go back to; its thread is this buffer's thread
     */
    public EvBuffer(SegmentPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** The pool of this buffer's segments. @return the pool given at creation */
    public SegmentPool pool() {
        return pool;
    }

    /** Bytes in the buffer, file ranges included. @return the length */
    public long length() {
        return length;
    }

    /** Whether {@link #length()} is 0. @return {@code true} when empty */
    public boolean isEmpty() {
        return length == 0;
    }

    /**
     * Bytes in memory before the first file range: what {@link #copyOut}, {@link #search} and
     * {@link #readLine} can see.
     *
     * @return the count; {@link #length()} when the buffer holds no file range
     */
    public long memoryLength() {
        return fileRanges == 0 ? length : memoryLength;
    }

    // ------------------------------------------------------------------ appending

    /**
     * Appends a copy of {@code src}.
     *
     * @param src the bytes
     */
    public void append(byte[] src) {
        append(src, 0, src.length);
    }

    /**
     * Appends a copy of {@code src[off, off + len)}.
     *
     * @param src the array
     * @param off the first byte
     * @param len how many
     * @throws IndexOutOfBoundsException if the range is outside {@code src}
     */
    public void append(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        int done = 0;
        while (done < len) {
            Chunk t = writableTail();
            int n = Math.min(len - done, t.room());
            MemorySegment.copy(src, off + done, t.memory, BYTE, t.end, n);
            t.end += n;
            done += n;
        }
        grew(len);
    }

    /**
     * Appends a copy of {@code src}'s remaining bytes and advances its position to its limit.
     *
     * @param src a heap or direct buffer
     */
    public void append(ByteBuffer src) {
        int len = src.remaining();
        if (src.hasArray()) {
            append(src.array(), src.arrayOffset() + src.position(), len);
        } else {
            appendSegment(MemorySegment.ofBuffer(src), 0, len);
        }
        src.position(src.limit());
    }

    /**
     * Appends a copy of all of {@code src}'s bytes.
     *
     * @param src any segment (heap or native)
     */
    public void append(MemorySegment src) {
        appendSegment(src, 0, src.byteSize());
    }

    private void appendSegment(MemorySegment src, long from, long len) {
        long done = 0;
        while (done < len) {
            Chunk t = writableTail();
            int n = (int) Math.min(len - done, t.room());
            MemorySegment.copy(src, from + done, t.memory, t.end, n);
            t.end += n;
            done += n;
        }
        grew(len);
    }

    /**
     * Appends the ISO-8859-1 bytes of {@code s} (one byte per char, the low eight bits): for the
     * ASCII lines of text protocols.
     *
     * @param s the text
     */
    public void appendLatin1(CharSequence s) {
        int len = s.length();
        int done = 0;
        while (done < len) {
            Chunk t = writableTail();
            int n = Math.min(len - done, t.room());
            for (int i = 0; i < n; i++) {
                t.memory.set(BYTE, t.end + i, (byte) s.charAt(done + i));
            }
            t.end += n;
            done += n;
        }
        grew(len);
    }

    /**
     * Moves every byte of {@code other} to the end of this buffer, leaving {@code other} empty:
     * whole segments change hands, nothing is copied (libevent's {@code evbuffer_add_buffer}).
     * Both buffers must use pools of one thread.
     *
     * @param other the source; may not be this buffer
     * @throws IllegalArgumentException if {@code other == this}
     * @throws IllegalStateException    if {@code other}'s head is locked by a write in flight
     */
    public void appendBuffer(EvBuffer other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot append a buffer to itself");
        }
        other.checkHead();
        if (other.length == 0) {
            return;
        }
        invalidateReservation();
        other.invalidateReservation();
        long n = other.length;
        long mem = other.memoryLength();
        int files = other.fileRanges;
        Chunk h = other.head;
        Chunk t = other.tail;
        other.head = other.tail = null;
        other.length = 0;
        other.memoryLength = 0;
        other.fileRanges = 0;
        other.shrank();
        if (fileRanges == 0) {
            memoryLength = length + mem;
        }
        fileRanges += files;
        if (tail == null) {
            head = h;
        } else {
            tail.next = h;
        }
        tail = t;
        length += n;
        if (fileRanges == 0) {
            memoryLength = length;
        }
        notifyGrew();
    }

    /**
     * Moves up to {@code n} bytes from the head of {@code other} to the end of this buffer
     * (libevent's {@code evbuffer_remove_buffer}): whole segments move, only a segment split at
     * the {@code n}-th byte is copied in part.
     *
     * @param other the source; may not be this buffer
     * @param n     the most bytes to move
     * @return bytes moved: {@code min(n, other.length())}
     * @throws IllegalStateException if {@code other}'s head is locked by a write in flight
     */
    public long moveFrom(EvBuffer other, long n) {
        if (other == this) {
            throw new IllegalArgumentException("cannot move a buffer into itself");
        }
        other.checkHead();
        invalidateReservation();
        other.invalidateReservation();
        if (n >= other.length) {
            long all = other.length;
            appendBuffer(other);
            return all;
        }
        long left = n;
        while (left > 0) {
            Chunk c = other.head;
            long r = c.readable();
            if (r <= left && c.next != null) { // a whole chunk: unlink and relink
                other.unlinkHead(r);
                linkTail(c, r);
                left -= r;
            } else if (c.isFile()) {
                // a split range: its release stays with the part left in other, which ends last
                // when the two are sent in order (the usual case: other feeds this buffer)
                appendFile(c.fd, c.fileOffset, left, null);
                other.drain(left);
                left = 0;
            } else {
                int k = (int) Math.min(left, r);
                appendSegment(c.memory, c.off, k);
                other.drain(k);
                left -= k;
            }
        }
        other.shrank();
        notifyGrew();
        return n;
    }

    /**
     * Appends a file range: {@code length} bytes of file {@code fd} from {@code offset}, sent
     * by {@code sendfile} when a {@link BufferEvent} writes this buffer (so a cold file waits on
     * a LAIO helper and never blocks the loop), never read into memory — except over TLS,
     * where the connection reads it through, a segment at a time, to encrypt it. If the file
     * turns out shorter than the range (for example truncated while being sent), the bytes it
     * still has are sent and then the write fails with {@link io.laio.Errno#EIO}.
     *
     * @param fd      an open file; it stays the caller's: keep it open until {@code release} runs
     * @param offset  the first byte's offset in the file
     * @param length  how many bytes; 0 appends nothing (and runs {@code release} at once)
     * @param release run once when the range has been drained, sent, or dropped by
     *                {@link #clear()} (for example to close {@code fd}); may be {@code null}
     * @throws IllegalArgumentException if {@code fd}, {@code offset} or {@code length} is negative
     */
    public void appendFile(int fd, long offset, long length, Runnable release) {
        if (fd < 0 || offset < 0 || length < 0) {
            throw new IllegalArgumentException("file range fd " + fd + " offset " + offset + " length " + length);
        }
        if (length == 0) {
            if (release != null) {
                release.run();
            }
            return;
        }
        invalidateReservation();
        linkTail(new Chunk(fd, offset, length, release), length);
        notifyGrew();
    }

    /**
     * Inserts a copy of {@code src[off, off + len)} before the first byte (libevent's
     * {@code evbuffer_prepend}); uses the room a drain left before the head when there is some.
     *
     * @param src the array
     * @param off the first byte
     * @param len how many
     * @throws IllegalStateException if the head is locked by a write in flight
     */
    public void prepend(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        checkHead();
        invalidateReservation();
        int left = len;
        while (left > 0) {
            Chunk h = head;
            if (h == null || h.isFile() || h.off == 0) {
                Chunk c = pool.take();
                c.off = c.end = c.capacity;
                c.next = h;
                head = c;
                if (h == null) {
                    tail = c;
                }
                h = c;
            }
            int n = Math.min(left, h.off);
            MemorySegment.copy(src, off + left - n, h.memory, BYTE, h.off - n, n);
            h.off -= n;
            left -= n;
        }
        length += len;
        memoryLength += len;
        notifyGrew();
    }

    // ------------------------------------------------------------------ removing

    /**
     * Removes the first {@code n} bytes (all of them if fewer), giving emptied segments back to
     * the pool and running the release of file ranges drained to their end.
     *
     * @param n how many
     * @return bytes removed
     * @throws IllegalArgumentException if {@code n < 0}
     * @throws IllegalStateException    if the head is locked by a write in flight
     */
    public long drain(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("drain " + n);
        }
        checkHead();
        long done = drainUnchecked(n);
        if (done > 0) {
            shrank();
        }
        return done;
    }

    private long drainUnchecked(long n) {
        invalidateReservation();
        long left = Math.min(n, length);
        long done = left;
        while (left > 0 || (head != null && head.readable() == 0 && head != tail)) {
            Chunk h = head;
            long r = h.readable();
            if (r <= left) {
                unlinkHead(r);
                left -= r;
                recycle(h);
            } else if (h.isFile()) {
                h.fileOffset += left;
                h.fileLength -= left;
                length -= left;
                left = 0;
            } else {
                h.off += (int) left;
                length -= left;
                memoryLength -= left;
                left = 0;
            }
        }
        return done;
    }

    /** Unlinks the head, whose readable bytes are {@code r}, from the counts too. */
    private void unlinkHead(long r) {
        Chunk h = head;
        length -= r;
        if (h.isFile()) {
            fileRanges--;
        } else {
            memoryLength -= r;
        }
        if (fileRanges == 0) {
            memoryLength = length;
        } else if (!h.isFile()) {
            // memoryLength counts bytes before the first file range: unchanged beyond the subtraction
        } else {
            memoryLength = memoryBeforeFirstFile(h.next);
        }
        head = h.next;
        if (head == null) {
            tail = null;
        }
        h.next = null;
    }

    private static long memoryBeforeFirstFile(Chunk from) {
        long m = 0;
        for (Chunk c = from; c != null && !c.isFile(); c = c.next) {
            m += c.readable();
        }
        return m;
    }

    private void linkTail(Chunk c, long r) {
        c.next = null;
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
        if (c.isFile()) {
            if (fileRanges == 0) {
                memoryLength = length; // everything before it is memory
            }
            fileRanges++;
        }
        length += r;
        if (fileRanges == 0) {
            memoryLength = length;
        }
    }

    /** A chunk drained out: the last one stays (empty) for the next append, others go back. */
    private void recycle(Chunk c) {
        if (head == null && !c.isFile()) {
            c.off = c.end = 0;
            head = tail = c;
            return;
        }
        c.free();
    }

    /**
     * Copies up to {@code len} bytes from the head into {@code dst} and drains them
     * (libevent's {@code evbuffer_remove}).
     *
     * @param dst the destination
     * @param off where in {@code dst}
     * @param len the most bytes
     * @return bytes copied and drained: {@code min(len, memoryLength())}
     * @throws IllegalStateException if the head is locked by a write in flight
     */
    public int remove(byte[] dst, int off, int len) {
        checkHead();
        int n = (int) Math.min(len, memoryLength());
        copyOut(0, dst, off, n);
        drain(n);
        return n;
    }

    /**
     * Empties the buffer: segments go back to the pool, file ranges' releases run.
     *
     * @throws IllegalStateException if the head is locked by a write in flight
     */
    public void clear() {
        drain(length);
    }

    // ------------------------------------------------------------------ reading without removing

    /**
     * The byte at {@code index} from the head.
     *
     * @param index 0 for the first byte
     * @return the byte
     * @throws IndexOutOfBoundsException if {@code index} is not below {@link #length()}
     * @throws IllegalStateException     if the byte lies in or after a file range
     */
    public byte byteAt(long index) {
        Objects.checkIndex(index, length);
        checkMemory(index, 1);
        long pos = 0;
        for (Chunk c = head; ; c = c.next) {
            long r = c.readable();
            if (index < pos + r) {
                return c.memory.get(BYTE, c.off + (index - pos));
            }
            pos += r;
        }
    }

    /**
     * Copies {@code len} bytes starting {@code from} bytes after the head into {@code dst},
     * leaving the buffer as it is (libevent's {@code evbuffer_copyout_from}).
     *
     * @param from the first byte's index
     * @param dst  the destination
     * @param off  where in {@code dst}
     * @param len  how many; the range must be inside {@link #memoryLength()}
     * @throws IndexOutOfBoundsException if {@code [from, from + len)} is outside the buffer or
     *                                   {@code [off, off + len)} outside {@code dst}
     * @throws IllegalStateException     if the range reaches a file range
     */
    public void copyOut(long from, byte[] dst, int off, int len) {
        Objects.checkFromIndexSize(off, len, dst.length);
        Objects.checkFromIndexSize(from, len, length);
        checkMemory(from, len);
        long pos = 0;
        int done = 0;
        for (Chunk c = head; done < len; c = c.next) {
            long r = c.readable();
            if (from + done < pos + r) {
                long at = from + done - pos;
                int n = (int) Math.min(len - done, r - at);
                MemorySegment.copy(c.memory, BYTE, c.off + at, dst, off + done, n);
                done += n;
            }
            pos += r;
        }
    }

    /**
     * Copies {@code dst.byteSize()} bytes starting {@code from} bytes after the head into
     * {@code dst}, leaving the buffer as it is.
     *
     * @param from the first byte's index
     * @param dst  the destination, filled entirely
     * @throws IndexOutOfBoundsException if the range is outside the buffer
     * @throws IllegalStateException     if the range reaches a file range
     */
    public void copyOut(long from, MemorySegment dst) {
        long len = dst.byteSize();
        Objects.checkFromIndexSize(from, len, length);
        checkMemory(from, len);
        long pos = 0;
        long done = 0;
        for (Chunk c = head; done < len; c = c.next) {
            long r = c.readable();
            if (from + done < pos + r) {
                long at = from + done - pos;
                long n = Math.min(len - done, r - at);
                MemorySegment.copy(c.memory, c.off + at, dst, done, n);
                done += n;
            }
            pos += r;
        }
    }

    /**
     * Describes the buffer's memory from byte {@code from} on as native {@code struct iovec}s
     * (libevent's {@code evbuffer_peek}), ready for {@code writev} or {@code sendmsg}, without
     * copying: entry {@code i} is at {@code i * 16} in {@code iovecs}, base then length. The
     * addresses stay valid until the next operation that changes the buffer.
     *
     * @param from   the first byte's index
     * @param iovecs native memory for up to {@code iovecs.byteSize() / 16} entries
     * @return entries filled (0 if nothing lies in memory at or after {@code from}); they
     *         cover {@code memoryLength() - from} bytes when there were entries enough
     */
    public int peek(long from, MemorySegment iovecs) {
        int max = (int) (iovecs.byteSize() / IOVEC_BYTES);
        int count = 0;
        long pos = 0;
        for (Chunk c = head; c != null && !c.isFile() && count < max; c = c.next) {
            long r = c.readable();
            if (r > 0 && from < pos + r) {
                long at = Math.max(0, from - pos);
                iovecs.set(ValueLayout.JAVA_LONG, (long) count * IOVEC_BYTES, c.address + c.off + at);
                iovecs.set(ValueLayout.JAVA_LONG, (long) count * IOVEC_BYTES + 8, r - at);
                count++;
            }
            pos += r;
        }
        return count;
    }

    // ------------------------------------------------------------------ searching

    /**
     * The index of the first occurrence of {@code what} at or after {@code from}, across
     * segment boundaries (libevent's {@code evbuffer_search}); only memory before the first
     * file range is searched. The first byte is looked for eight bytes at a time
     * ({@code ByteScan}), the rest compared where it is found; nothing is allocated.
     *
     * @param what the byte sequence; an empty one is found at {@code from}
     * @param from where to start, 0 for the head
     * @return the index of its first byte, or -1 if it does not occur
     */
    public long search(byte[] what, long from) {
        long limit = memoryLength();
        if (from < 0) {
            from = 0;
        }
        if (what.length == 0) {
            return from <= limit ? from : -1;
        }
        if (limit - from < what.length) {
            return -1;
        }
        byte first = what[0];
        long pattern = ByteScan.repeat(first);
        long pos = 0;
        for (Chunk c = head; c != null && !c.isFile(); c = c.next) {
            long r = c.readable();
            if (from < pos + r) {
                long i = c.off + Math.max(0, from - pos);
                while ((i = ByteScan.indexOf(c.memory, i, c.end, first, pattern)) >= 0) {
                    long at = pos + (i - c.off);
                    if (limit - at < what.length) {
                        return -1;
                    }
                    if (matches(c, i + 1, what)) {
                        return at;
                    }
                    i++;
                }
            }
            pos += r;
            if (limit - pos < what.length) {
                return -1;
            }
        }
        return -1;
    }

    /** Whether {@code what[1..]} follows, starting at offset {@code i} of chunk {@code c}. */
    private static boolean matches(Chunk c, long i, byte[] what) {
        for (int k = 1; k < what.length; k++) {
            while (i >= c.end) {
                c = c.next;
                if (c == null || c.isFile()) {
                    return false;
                }
                i = c.off;
            }
            if (c.memory.get(BYTE, i) != what[k]) {
                return false;
            }
            i++;
        }
        return true;
    }

    /** The index of the first byte equal to {@code a} or {@code b} at or after {@code from}, or -1. */
    private long indexOfEither(byte a, byte b, long from) {
        long pos = 0;
        for (Chunk c = head; c != null && !c.isFile(); c = c.next) {
            long r = c.readable();
            if (from < pos + r) {
                long i = ByteScan.indexOfEither(c.memory, c.off + Math.max(0, from - pos), c.end, a, b);
                if (i >= 0) {
                    return pos + (i - c.off);
                }
            }
            pos += r;
        }
        return -1;
    }

    /** The index of the first byte equal to {@code b} at or after {@code from}, or -1. */
    private long indexOf(byte b, long from) {
        long pattern = ByteScan.repeat(b);
        long pos = 0;
        for (Chunk c = head; c != null && !c.isFile(); c = c.next) {
            long r = c.readable();
            if (from < pos + r) {
                long i = ByteScan.indexOf(c.memory, c.off + Math.max(0, from - pos), c.end, b, pattern);
                if (i >= 0) {
                    return pos + (i - c.off);
                }
            }
            pos += r;
        }
        return -1;
    }

    /**
     * The index of the CR of the first CR LF pair, or -1: each LF is found eight bytes at a
     * time and the byte before it checked, the last byte of the segment before when the LF
     * opens a segment (LF is the rarer of the two in text, and a lone CR costs nothing).
     */
    private long indexOfCrlf() {
        long pattern = ByteScan.repeat((byte) '\n');
        long pos = 0;
        byte before = 0;
        for (Chunk c = head; c != null && !c.isFile(); c = c.next) {
            if (c.end == c.off) {
                continue;
            }
            long i = c.off;
            while ((i = ByteScan.indexOf(c.memory, i, c.end, (byte) '\n', pattern)) >= 0) {
                byte prev = i > c.off ? c.memory.get(BYTE, i - 1) : before;
                if (prev == '\r') {
                    return pos + (i - c.off) - 1;
                }
                i++;
            }
            before = c.memory.get(BYTE, c.end - 1);
            pos += c.end - c.off;
        }
        return -1;
    }

    /**
     * Length of the first complete line under {@code style}, without its end-of-line sequence,
     * whose length is left in {@link #eolLength}; -1 if no complete line is buffered.
     */
    private long findEol(EolStyle style) {
        long limit = memoryLength();
        switch (style) {
            case LF -> {
                eolLength = 1;
                return indexOf((byte) '\n', 0);
            }
            case NUL -> {
                eolLength = 1;
                return indexOf((byte) 0, 0);
            }
            case CRLF -> {
                long p = indexOf((byte) '\n', 0);
                if (p > 0 && byteAt(p - 1) == '\r') {
                    eolLength = 2;
                    return p - 1;
                }
                eolLength = 1;
                return p;
            }
            case CRLF_STRICT -> {
                eolLength = 2;
                return indexOfCrlf();
            }
            case ANY -> {
                long p = indexOfEither((byte) '\r', (byte) '\n', 0);
                if (p < 0) {
                    return -1;
                }
                long q = p;
                while (q < limit) {
                    byte x = byteAt(q);
                    if (x != '\r' && x != '\n') {
                        break;
                    }
                    q++;
                }
                eolLength = (int) (q - p);
                return p;
            }
            default -> throw new AssertionError(style);
        }
    }

    /**
     * Removes the first complete line and returns it without its end-of-line sequence, each
     * byte as one char (ISO-8859-1, lossless); both the line and the sequence are drained
     * (libevent's {@code evbuffer_readln}). Allocates the string; see
     * {@link #readLine(EolStyle, byte[])} for a copy into an array.
     *
     * @param style what ends a line
     * @return the line, or {@code null} (nothing drained) when no complete line is buffered
     * @throws IllegalStateException if the head is locked by a write in flight
     */
    public String readLine(EolStyle style) {
        checkHead();
        long n = findEol(style);
        if (n < 0) {
            return null;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("line of " + n + " bytes");
        }
        byte[] line = new byte[(int) n];
        copyOut(0, line, 0, line.length);
        drain(n + eolLength);
        return new String(line, StandardCharsets.ISO_8859_1);
    }

    /**
     * Removes the first complete line into {@code dst} without its end-of-line sequence; both
     * are drained. Allocates nothing.
     *
     * @param style what ends a line
     * @param dst   where the line goes, from index 0
     * @return the line's length; -1 (nothing drained) when no complete line is buffered;
     *         {@code -2} (nothing drained, nothing lost) when the line is longer than
     *         {@code dst}: drain or read it another way
     * @throws IllegalStateException if the head is locked by a write in flight
     */
    public int readLine(EolStyle style, byte[] dst) {
        checkHead();
        long n = findEol(style);
        if (n < 0) {
            return -1;
        }
        if (n > dst.length) {
            return -2;
        }
        copyOut(0, dst, 0, (int) n);
        drain(n + eolLength);
        return (int) n;
    }

    // ------------------------------------------------------------------ reading straight from the kernel

    /**
     * Reserves at least {@code size} bytes of room at the end of the buffer and describes it as
     * native {@code struct iovec}s in {@code iovecs} for {@code readv}/{@code recvmsg} to fill
     * (libevent's {@code evbuffer_reserve_space}); {@link #commit} then makes the first
     * {@code n} bytes of that room part of the buffer. The first entry may be the free end of the
     * tail segment, the others are fresh segments. The reservation is void once any other
     * operation changes the buffer.
     *
     * @param size   the least room wanted, at least 1
     * @param iovecs native memory for up to {@code iovecs.byteSize() / 16} entries
     * @return entries filled; they may cover less than {@code size} when {@code iovecs} has too
     *         few entries, and more (whole segments)
     * @throws IllegalArgumentException if {@code size < 1} or {@code iovecs} has no room for an entry
     */
    public int reserve(long size, MemorySegment iovecs) {
        int max = (int) (iovecs.byteSize() / IOVEC_BYTES);
        if (size < 1 || max < 1) {
            throw new IllegalArgumentException("reserve " + size + " bytes in " + max + " iovecs");
        }
        invalidateReservation();
        int count = 0;
        long room = 0;
        Chunk t = tail;
        if (t != null && !t.isFile() && t.room() > 0) {
            setIovec(iovecs, count++, t.address + t.end, t.room());
            room += t.room();
        }
        Chunk last = null;
        while (room < size && count < max) {
            Chunk c = pool.take();
            if (last == null) {
                reserved = c;
            } else {
                last.next = c;
            }
            last = c;
            setIovec(iovecs, count++, c.address, c.capacity);
            room += c.capacity;
        }
        reservedBytes = room;
        return count;
    }

    private static void setIovec(MemorySegment iovecs, int i, long address, long len) {
        iovecs.set(ValueLayout.JAVA_LONG, (long) i * IOVEC_BYTES, address);
        iovecs.set(ValueLayout.JAVA_LONG, (long) i * IOVEC_BYTES + 8, len);
    }

    /**
     * Makes the first {@code n} bytes of the last {@link #reserve reservation} part of the
     * buffer, in the order of its entries; the unused room goes back to the pool.
     *
     * @param n bytes written into the reserved room (0 commits nothing and ends the reservation)
     * @throws IllegalStateException    if there is no reservation (none made, or void since)
     * @throws IllegalArgumentException if {@code n} is negative or more than was reserved
     */
    public void commit(long n) {
        if (reservedBytes < 0) {
            throw new IllegalStateException("commit without a reservation (none made, or the buffer changed since)");
        }
        if (n < 0 || n > reservedBytes) {
            throw new IllegalArgumentException("commit " + n + " of " + reservedBytes + " reserved bytes");
        }
        long left = n;
        Chunk t = tail;
        if (t != null && !t.isFile() && t.room() > 0) {
            int k = (int) Math.min(left, t.room());
            t.end += k;
            left -= k;
            length += k;
            if (fileRanges == 0) {
                memoryLength += k;
            }
        }
        Chunk c = reserved;
        reserved = null;
        reservedBytes = -1;
        while (c != null) {
            Chunk next = c.next;
            if (left > 0) {
                int k = (int) Math.min(left, c.capacity);
                c.end = k;
                left -= k;
                linkTail(c, k);
            } else {
                c.free();
            }
            c = next;
        }
        if (n > 0) {
            notifyGrew();
        }
    }

    private void invalidateReservation() {
        if (reservedBytes < 0) {
            return;
        }
        reservedBytes = -1;
        Chunk c = reserved;
        reserved = null;
        while (c != null) {
            Chunk next = c.next;
            c.free();
            c = next;
        }
    }

    // ------------------------------------------------------------------ for BufferEvent

    /** The first chunk with bytes, empty chunks before it dropped; {@code null} when empty. */
    Chunk firstReadable() {
        while (head != null && head.readable() == 0 && head != tail) {
            Chunk h = head;
            head = h.next;
            h.free();
        }
        return length == 0 ? null : head;
    }

    /**
     * Appends the bytes a read put into {@code c} (a chunk of this buffer's pool, not linked):
     * a small read is copied into the tail's room, so many small reads do not pin a segment
     * each, and the caller keeps {@code c}; otherwise {@code c} is linked.
     *
     * @return whether {@code c} was linked (the caller must take another)
     */
    boolean appendRead(Chunk c) {
        invalidateReservation();
        int r = c.end - c.off;
        Chunk t = tail;
        boolean link;
        if (t != null && !t.isFile() && t.room() >= r && r <= c.capacity / 4) {
            MemorySegment.copy(c.memory, c.off, t.memory, t.end, r);
            t.end += r;
            c.off = c.end = 0;
            length += r;
            if (fileRanges == 0) {
                memoryLength += r;
            }
            link = false;
        } else {
            if (t != null && t.readable() == 0 && !t.isFile() && head == t) {
                head = tail = null; // the kept empty chunk: give it back rather than pin it in the middle
                t.free();
            }
            linkTail(c, r);
            link = true;
        }
        notifyGrew();
        return link;
    }

    /**
     * The head file range's next {@code c.end - c.off} bytes, read into {@code c} (a chunk of
     * this buffer's pool, not linked), take their place: {@code c} goes before the range, which
     * loses as many bytes (and is released when none are left). The length stays; the bytes
     * become memory. For TLS, where a range is encrypted rather than sendfile'd.
     */
    void readThrough(Chunk c) {
        Chunk f = firstReadable();
        int n = c.end - c.off;
        if (f == null || !f.isFile() || n <= 0 || n > f.fileLength) {
            throw new IllegalStateException("no file range of " + n + " bytes at the head");
        }
        invalidateReservation();
        f.fileOffset += n;
        f.fileLength -= n;
        c.next = f;
        head = c;
        memoryLength = n; // the range was first: nothing was before it
        if (f.fileLength == 0) {
            c.next = f.next;
            if (tail == f) {
                tail = c;
            }
            fileRanges--;
            memoryLength = fileRanges == 0 ? length : n + memoryBeforeFirstFile(c.next);
            f.free(); // its release
        }
    }

    void lockHead(boolean locked) {
        headLocked = locked;
    }

    /** Drains what a write sent, the head being locked by that write. */
    void drainSent(long n) {
        drainUnchecked(n);
        shrank();
    }

    // ------------------------------------------------------------------ internals

    /** The tail if it is a memory chunk with room, else a new chunk linked after it. */
    private Chunk writableTail() {
        invalidateReservation();
        Chunk t = tail;
        if (t != null && !t.isFile() && t.room() > 0) {
            return t;
        }
        Chunk c = pool.take();
        if (t == null) {
            head = c;
        } else {
            t.next = c;
        }
        tail = c;
        return c;
    }

    private void grew(long n) {
        length += n;
        if (fileRanges == 0) {
            memoryLength = length;
        }
        notifyGrew();
    }

    private void notifyGrew() {
        BufferEvent w = watcher;
        if (w != null) {
            w.bufferGrew(this);
        }
    }

    private void shrank() {
        BufferEvent w = watcher;
        if (w != null) {
            w.bufferShrank(this);
        }
    }

    private void checkHead() {
        if (headLocked) {
            throw new IllegalStateException("a write in flight owns the head of this buffer: only appending is allowed");
        }
    }

    private void checkMemory(long from, long len) {
        if (from + len > memoryLength()) {
            throw new IllegalStateException("bytes [" + from + ", " + (from + len)
                    + ") reach a file range, which is sent by sendfile and cannot be read through the buffer");
        }
    }

    @Override
    public String toString() {
        return "EvBuffer[" + length + " bytes" + (fileRanges > 0 ? ", " + fileRanges + " file ranges" : "") + "]";
    }
}
