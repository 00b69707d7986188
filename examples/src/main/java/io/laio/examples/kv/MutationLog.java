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

import io.laio.abi.OpenFlags;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only mutation log: its record format, its replay at start and its compaction.
 * Appending at run time is {@link GroupCommit}'s job.
 *
 * <pre>
 * file   := "LAIOKV1\n" record*
 * record := u32 bodyLength, u32 crc32c(body), body
 * body   := 1 SET    u64 cas, u32 flags, i64 expiresAt, i64 storedAt, u16 keyLen, key, u32 valueLen, value
 *         | 2 DELETE u16 keyLen, key
 *         | 3 TOUCH  i64 expiresAt, u16 keyLen, key
 *         | 4 FLUSH  i64 at          (delayed flush_all: items stored up to {@code at} vanish at {@code at})
 *         | 5 FLUSH_NOW              (flush_all now: every item goes)
 * </pre>
 * Records describe the resulting state (an {@code incr} or {@code append} logs the whole new
 * item), so replay is a plain re-application. A torn or corrupt tail (a crash mid-write) ends
 * the replay and is cut off, so later appends follow the last good record.
 */
final class MutationLog {
    static final String FILE = "kv.log";
    static final byte[] MAGIC = "LAIOKV1\n".getBytes(StandardCharsets.US_ASCII);
    static final int SET = 1;
    static final int DELETE = 2;
    static final int TOUCH = 3;
    static final int FLUSH = 4;
    static final int FLUSH_NOW = 5;
    private static final int HEADER = 8;
    private static final int MAX_BODY = 64 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(MutationLog.class);

    private MutationLog() {
    }

    // ------------------------------------------------------------------ encoding

    static void set(RecordBuffer out, Item it) {
        int at = begin(out, SET);
        out.putLong(it.cas);
        out.putInt(it.flags);
        out.putLong(it.expiresAt);
        out.putLong(it.storedAt);
        out.putShort(it.key.length);
        out.putBytes(it.key, 0, it.key.length);
        out.putInt(it.value.length);
        out.putBytes(it.value);
        end(out, at);
    }

    static void delete(RecordBuffer out, String key) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        delete(out, k, 0, k.length);
    }

    static void delete(RecordBuffer out, byte[] k, int off, int len) {
        int at = begin(out, DELETE);
        out.putShort(len);
        out.putBytes(k, off, len);
        end(out, at);
    }

    static void touch(RecordBuffer out, byte[] key, long expiresAt) {
        int at = begin(out, TOUCH);
        out.putLong(expiresAt);
        out.putShort(key.length);
        out.putBytes(key, 0, key.length);
        end(out, at);
    }

    static void flush(RecordBuffer out, long at, boolean now) {
        int start = begin(out, now ? FLUSH_NOW : FLUSH);
        if (!now) {
            out.putLong(at);
        }
        end(out, start);
    }

    private static int begin(RecordBuffer out, int op) {
        int at = out.size();
        out.putInt(0); // length, filled in by end()
        out.putInt(0); // crc
        out.putByte(op);
        return at;
    }

    /** One checksum object, reset per record: records are encoded under the shared log's lock, or at start-up before any loop serves. */
    private static final CRC32C RECORD_CRC = new CRC32C();

    private static void end(RecordBuffer out, int at) {
        int bodyStart = at + HEADER;
        int len = out.size() - bodyStart;
        CRC32C crc = RECORD_CRC;
        crc.reset();
        crc.update(out.array(), bodyStart, len);
        out.setInt(at, len);
        out.setInt(at + 4, (int) crc.getValue());
    }

    // ------------------------------------------------------------------ replay

    /** What a replay found. */
    record Replayed(long records, long goodBytes, long fileBytes) {
    }

    /**
     * Replays {@code path} into {@code store} and cuts off a torn tail. A missing or empty file
     * becomes a new log with just its header.
     */
    static Replayed replay(DiskIo io, String path, ItemStore store) throws IOException {
        int fd = io.open(path, OpenFlags.O_RDWR | OpenFlags.O_CREAT, 0644);
        try (Arena arena = Arena.ofConfined()) {
            int chunk = 1 << 20;
            MemorySegment seg = arena.allocate(chunk);
            byte[] win = new byte[chunk * 2];
            int winStart = 0;
            int winEnd = 0;
            long fileOffset = 0; // of win[winEnd]
            long good = 0; // file offset just past the last good record (or the header)
            long records = 0;
            boolean eof = false;
            boolean headerOk = false;
            boolean corrupt = false;
            while (!corrupt) {
                // parse what is in the window
                if (!headerOk) {
                    if (winEnd - winStart >= HEADER) {
                        if (!Arrays.equals(win, winStart, winStart + HEADER, MAGIC, 0, HEADER)) {
                            throw new IOException(path + " is not a laio kv log (bad header)");
                        }
                        headerOk = true;
                        winStart += HEADER;
                        good = HEADER;
                        continue;
                    }
                } else if (winEnd - winStart >= HEADER) {
                    int len = readInt(win, winStart);
                    if (len <= 0 || len > MAX_BODY) {
                        corrupt = true;
                        break;
                    }
                    if (winEnd - winStart >= HEADER + len) {
                        CRC32C crc = new CRC32C();
                        crc.update(win, winStart + HEADER, len);
                        if ((int) crc.getValue() != readInt(win, winStart + 4)) {
                            corrupt = true;
                            break;
                        }
                        apply(win, winStart + HEADER, len, store);
                        records++;
                        winStart += HEADER + len;
                        good += HEADER + len;
                        continue;
                    } else if (HEADER + len > win.length) {
                        win = Arrays.copyOf(win, HEADER + len + chunk);
                    }
                }
                if (eof) {
                    break;
                }
                // need more bytes: compact the window, then read the next chunk
                System.arraycopy(win, winStart, win, 0, winEnd - winStart);
                winEnd -= winStart;
                winStart = 0;
                int want = Math.min(chunk, win.length - winEnd);
                long n = io.pread(fd, seg, want, fileOffset);
                if (n == 0) {
                    eof = true;
                    continue;
                }
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, win, winEnd, (int) n);
                winEnd += (int) n;
                fileOffset += n;
            }
            long fileBytes = fileOffset;
            if (!headerOk) {
                // empty, or a crash before the header was complete: start a fresh log
                io.ftruncate(fd, 0);
                MemorySegment h = arena.allocate(HEADER);
                MemorySegment.copy(MAGIC, 0, h, ValueLayout.JAVA_BYTE, 0, HEADER);
                io.writeFully(fd, h, HEADER);
                io.fsync(fd);
                return new Replayed(0, HEADER, fileBytes);
            }
            if (corrupt || good < fileOffset) {
                LOG.warn("{}: cutting off a torn or corrupt tail at byte {} (after {} records)", path, good, records);
                io.ftruncate(fd, good);
                io.fsync(fd);
            }
            return new Replayed(records, good, Math.max(fileBytes, good));
        } finally {
            io.close(fd);
        }
    }

    private static void apply(byte[] b, int p, int len, ItemStore store) throws IOException {
        int op = b[p++];
        switch (op) {
            case SET -> {
                long cas = readLong(b, p);
                int flags = readInt(b, p + 8);
                long expiresAt = readLong(b, p + 12);
                long storedAt = readLong(b, p + 20);
                int keyLen = readShort(b, p + 28);
                byte[] key = Arrays.copyOfRange(b, p + 30, p + 30 + keyLen);
                int valueLen = readInt(b, p + 30 + keyLen);
                int v = p + 34 + keyLen;
                byte[] value = Arrays.copyOfRange(b, v, v + valueLen);
                store.put(new Item(key, value, flags, expiresAt, cas, storedAt));
                store.seenCas(cas);
            }
            case DELETE -> {
                int keyLen = readShort(b, p);
                store.remove(ItemStore.hash(b, p + 2, keyLen), b, p + 2, keyLen, Long.MIN_VALUE);
            }
            case TOUCH -> {
                long expiresAt = readLong(b, p);
                int keyLen = readShort(b, p + 8);
                Item it = store.get(ItemStore.hash(b, p + 10, keyLen), b, p + 10, keyLen, Long.MIN_VALUE);
                if (it != null) {
                    store.put(it.withExpiry(expiresAt, it.cas));
                }
            }
            case FLUSH -> store.flush(readLong(b, p), Long.MIN_VALUE);
            case FLUSH_NOW -> store.flush(Long.MIN_VALUE, Long.MAX_VALUE);
            default -> throw new IOException("unknown log record type " + op);
        }
    }

    // ------------------------------------------------------------------ compaction

    /**
     * Rewrites the log as one SET per live item (least recently used first) plus a pending
     * delayed flush: written to a temporary file, fsynced, renamed over the log, the directory
     * fsynced. Returns the new log's size.
     */
    static long compact(DiskIo io, String dir, ItemStore store, long now) throws IOException {
        String path = dir + "/" + FILE;
        String tmp = path + ".compact";
        io.unlinkIfExists(tmp);
        int fd = io.open(tmp, OpenFlags.O_WRONLY | OpenFlags.O_CREAT | OpenFlags.O_TRUNC, 0644);
        long total = 0;
        try (Arena arena = Arena.ofConfined()) {
            RecordBuffer buf = new RecordBuffer(1 << 20);
            buf.putBytes(MAGIC);
            MemorySegment seg = arena.allocate(4 << 20);
            for (Item it : store.liveItems(now)) {
                set(buf, it);
                if (buf.size() >= 1 << 20) {
                    total += drain(io, fd, buf, seg, arena);
                }
            }
            if (store.oldestLive() != 0) {
                flush(buf, store.oldestLive(), false);
            }
            total += drain(io, fd, buf, seg, arena);
            io.fsync(fd);
        } finally {
            io.close(fd);
        }
        io.rename(tmp, path);
        io.fsyncDirectory(dir);
        return total;
    }

    private static long drain(DiskIo io, int fd, RecordBuffer buf, MemorySegment seg, Arena arena) throws IOException {
        int n = buf.size();
        MemorySegment s = n <= seg.byteSize() ? seg : arena.allocate(n);
        MemorySegment.copy(buf.array(), 0, s, ValueLayout.JAVA_BYTE, 0, n);
        io.writeFully(fd, s, n);
        buf.clear();
        return n;
    }

    // ------------------------------------------------------------------ helpers

    static int readInt(byte[] b, int p) {
        return (b[p] & 0xFF) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
    }

    static long readLong(byte[] b, int p) {
        return (long) readInt(b, p) << 32 | (readInt(b, p + 4) & 0xFFFF_FFFFL);
    }

    static int readShort(byte[] b, int p) {
        return (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    }
}
