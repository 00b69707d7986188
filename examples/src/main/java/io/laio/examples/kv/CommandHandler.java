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

import io.laio.LaioStats;
import io.laio.Sys;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Executes parsed commands against the {@link ItemStore}, logs every mutation through
 * {@link GroupCommit} and writes memcached's replies. A reply to a mutation (and every reply
 * after it on that connection, even after a {@code noreply} mutation) is held behind a
 * durability mark until the mutation is acknowledged by the log; a {@code get} hit on an item
 * whose mutation is not yet acknowledged waits for it too, so no client sees a state that a
 * crash could take back.
 *
 * <p>One per loop; the {@link ItemStore} and the log are shared by every loop. Each command
 * holds its key's stripe lock from its lookup through its log append, so a key's mutations are
 * applied, numbered and logged in one order (what a replay re-applies is what clients saw), and
 * a read-modify-write ({@code cas}, {@code incr}, {@code append}) is atomic across loops. Loop
 * thread only.
 */
final class CommandHandler {
    static final String VERSION = "1.6.0-laio";
    private static final long THIRTY_DAYS = 60L * 60 * 24 * 30;
    private static final String OUT_OF_MEMORY = "SERVER_ERROR out of memory storing object";
    private static final String TOO_LARGE = "SERVER_ERROR object too large for cache";
    private static final String LOG_FAILED = "SERVER_ERROR mutation log failed";
    private static final String NON_NUMERIC = "CLIENT_ERROR cannot increment or decrement non-numeric value";

    private static final byte[] STORED = ascii("STORED\r\n");
    private static final byte[] VALUE = ascii("VALUE ");
    private static final byte[] SPACE = ascii(" ");
    private static final byte[] END = ascii("END\r\n");

    private final ItemStore store;
    private final GroupCommit log;
    private final KvStats stats;
    private final int maxItem;
    /** Every loop's counters, for {@code stats} (this loop's alone on one loop). */
    private final List<KvStats> allStats;

    CommandHandler(ItemStore store, GroupCommit log, KvStats stats, int maxItem) {
        this(store, log, stats, maxItem, List.of(stats));
    }

    CommandHandler(ItemStore store, GroupCommit log, KvStats stats, int maxItem, List<KvStats> allStats) {
        this.store = store;
        this.log = log;
        this.stats = stats;
        this.maxItem = maxItem;
        this.allStats = allStats;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    int maxItem() {
        return maxItem;
    }

    /** Whether a storage command's data can be stored at all (else it is swallowed: {@link #tooLarge}). */
    boolean acceptsLength(Request r) {
        return r.length <= maxItem && store.fits(r.keyLen[0], r.length);
    }

    /** memcached's exptime: 0 never, negative already past, up to 30 days relative, else a Unix time. */
    static long deadline(long exptime, long now) {
        if (exptime == 0) {
            return 0;
        }
        if (exptime < 0) {
            return 1; // long past
        }
        if (exptime > THIRTY_DAYS) {
            return Math.max(1, exptime * 1000);
        }
        return now + exptime * 1000;
    }

    /** A storage command whose data is larger than can be stored; its data is swallowed. */
    void tooLarge(Request r, Replies out) {
        stats.storeTooLarge++;
        if (r.kind == Request.Kind.SET) {
            // memcached drops the old value so a failed set leaves no stale data behind
            long now = System.currentTimeMillis();
            int h = r.keyHash(0);
            ReentrantLock lock = store.lock(h);
            try {
                if (store.remove(h, r.keyBytes, r.keyOff[0], r.keyLen[0], now)) {
                    out.awaitLsn(log.appendDelete(r.keyBytes, r.keyOff[0], r.keyLen[0]));
                }
            } finally {
                lock.unlock();
            }
        }
        reply(r, out, TOO_LARGE);
    }

    /** A storage command whose data line did not end in CRLF. */
    void badDataChunk(Request r, Replies out) {
        reply(r, out, "CLIENT_ERROR bad data chunk");
    }

    private static void reply(Request r, Replies out, String line) {
        if (!r.noreply) {
            out.putLine(line);
        }
    }

    /**
     * Once the mutation log has failed, no change can be made durable: every mutation is refused
     * with {@link #LOG_FAILED} (written to {@code out}), reads go on.
     *
     * @return whether {@code r} was refused
     */
    private boolean refusedForFailedLog(Request r, Replies out) {
        if (!log.failed()) {
            return false;
        }
        reply(r, out, LOG_FAILED);
        return true;
    }

    /** A storage command with its data. */
    void store(Request r, byte[] data, Replies out) {
        stats.cmdSet++;
        if (refusedForFailedLog(r, out)) {
            return;
        }
        int h = r.keyHash(0);
        ReentrantLock lock = store.lock(h);
        try {
            storeLocked(r, h, data, out);
        } finally {
            lock.unlock();
        }
    }

    private void storeLocked(Request r, int h, byte[] data, Replies out) {
        long now = System.currentTimeMillis();
        Item old = null;
        byte[] key = null;
        switch (r.kind) {
            case SET -> { } // the common case: whatever is there is replaced, no lookup first
            default -> {
                old = store.get(h, r.keyBytes, r.keyOff[0], r.keyLen[0], now);
                key = old != null ? old.key : r.keyCopy();
            }
        }
        Item item;
        switch (r.kind) {
            case SET -> item = new Item(r.keyCopy(), h, data, r.flags, deadline(r.exptime, now), store.nextCas(), now);
            case ADD -> {
                if (old != null) {
                    reply(r, out, "NOT_STORED");
                    return;
                }
                item = new Item(key, h, data, r.flags, deadline(r.exptime, now), store.nextCas(), now);
            }
            case REPLACE -> {
                if (old == null) {
                    reply(r, out, "NOT_STORED");
                    return;
                }
                item = new Item(key, h, data, r.flags, deadline(r.exptime, now), store.nextCas(), now);
            }
            case APPEND, PREPEND -> {
                if (old == null) {
                    reply(r, out, "NOT_STORED");
                    return;
                }
                int total = old.value.length + data.length;
                if (total > maxItem || !store.fits(key.length, total)) {
                    reply(r, out, "NOT_STORED");
                    return;
                }
                byte[] v = new byte[total];
                byte[] first = r.kind == Request.Kind.APPEND ? old.value : data;
                byte[] second = r.kind == Request.Kind.APPEND ? data : old.value;
                System.arraycopy(first, 0, v, 0, first.length);
                System.arraycopy(second, 0, v, first.length, second.length);
                item = new Item(key, h, v, old.flags, old.expiresAt, store.nextCas(), now);
            }
            case CAS -> {
                if (old == null) {
                    stats.casMisses++;
                    reply(r, out, "NOT_FOUND");
                    return;
                }
                if (old.cas != r.cas) {
                    stats.casBadval++;
                    reply(r, out, "EXISTS");
                    return;
                }
                stats.casHits++;
                item = new Item(key, h, data, r.flags, deadline(r.exptime, now), store.nextCas(), now);
            }
            default -> throw new IllegalArgumentException("not a storage command: " + r.kind);
        }
        putAndLog(r, item, out);
    }

    private void putAndLog(Request r, Item item, Replies out) {
        if (!store.put(item)) {
            reply(r, out, OUT_OF_MEMORY);
            return;
        }
        logSet(item, out);
        if (!r.noreply) {
            out.put(STORED);
        }
    }

    /** Under the item's key lock: its lsn is set before another loop can look it up. */
    private void logSet(Item item, Replies out) {
        item.lsn = log.appendSet(item);
        out.awaitLsn(item.lsn);
    }

    /** Every command but the storage ones and {@code quit}. */
    void execute(Request r, Replies out) {
        switch (r.kind) {
            case GET, GETS -> get(r, out);
            case DELETE -> delete(r, out);
            case INCR, DECR -> arithmetic(r, out);
            case TOUCH -> touch(r, out);
            case FLUSH_ALL -> flushAll(r, out);
            case VERSION -> out.putLine("VERSION " + VERSION);
            case VERBOSITY -> reply(r, out, "OK");
            case STATS -> stats(out);
            case STATS_RESET -> {
                allStats.forEach(KvStats::reset); // another loop's increment racing this may survive it
                out.putLine("RESET");
            }
            case INVALID -> {
                if (!r.noreply) {
                    out.putLine(r.error);
                }
            }
            default -> throw new IllegalArgumentException("not executed here: " + r.kind);
        }
    }

    private void get(Request r, Replies out) {
        long now = System.currentTimeMillis();
        boolean withCas = r.kind == Request.Kind.GETS;
        byte[] keys = r.keyBytes;
        for (int i = 0, n = r.keyCount; i < n; i++) {
            stats.cmdGet++;
            int h = r.keyHash(i);
            Item it;
            ReentrantLock lock = store.lock(h);
            try {
                it = store.get(h, keys, r.keyOff[i], r.keyLen[i], now);
            } finally {
                lock.unlock();
            }
            if (it == null) {
                stats.getMisses++;
                continue;
            }
            stats.getHits++;
            if (it.lsn > log.ackedLsn()) {
                out.awaitLsn(it.lsn); // its mutation is not in the log yet
            }
            out.put(VALUE);
            out.put(it.key);
            out.put(SPACE);
            out.putUnsigned(it.flags & 0xFFFF_FFFFL);
            out.put(SPACE);
            out.putUnsigned(it.value.length);
            if (withCas) {
                out.put(SPACE);
                out.putUnsigned(it.cas);
            }
            out.crlf();
            out.put(it.value);
            out.crlf();
        }
        out.put(END);
    }

    private void delete(Request r, Replies out) {
        if (refusedForFailedLog(r, out)) {
            return;
        }
        boolean removed;
        int h = r.keyHash(0);
        ReentrantLock lock = store.lock(h);
        try {
            removed = store.remove(h, r.keyBytes, r.keyOff[0], r.keyLen[0], System.currentTimeMillis());
            if (removed) {
                out.awaitLsn(log.appendDelete(r.keyBytes, r.keyOff[0], r.keyLen[0]));
            }
        } finally {
            lock.unlock();
        }
        if (removed) {
            stats.deleteHits++;
            reply(r, out, "DELETED");
        } else {
            stats.deleteMisses++;
            reply(r, out, "NOT_FOUND");
        }
    }

    private void arithmetic(Request r, Replies out) {
        if (refusedForFailedLog(r, out)) {
            return;
        }
        int h = r.keyHash(0);
        ReentrantLock lock = store.lock(h);
        try {
            arithmeticLocked(r, h, out);
        } finally {
            lock.unlock();
        }
    }

    private void arithmeticLocked(Request r, int h, Replies out) {
        boolean incr = r.kind == Request.Kind.INCR;
        long now = System.currentTimeMillis();
        Item old = store.get(h, r.keyBytes, r.keyOff[0], r.keyLen[0], now);
        if (old == null) {
            if (incr) {
                stats.incrMisses++;
            } else {
                stats.decrMisses++;
            }
            reply(r, out, "NOT_FOUND");
            return;
        }
        Long current = old.value.length == 0 ? null : CommandParser.parseCounter(old.value);
        if (current == null) {
            reply(r, out, NON_NUMERIC);
            return;
        }
        long value = current;
        if (incr) {
            stats.incrHits++;
            value += r.delta; // wraps at 2^64, as memcached
        } else {
            stats.decrHits++;
            value = Long.compareUnsigned(r.delta, value) > 0 ? 0 : value - r.delta;
        }
        String text = Long.toUnsignedString(value);
        byte[] v;
        if (text.length() <= old.value.length) {
            // memcached rewrites in place, padding with spaces to the old length
            v = new byte[old.value.length];
            Arrays.fill(v, (byte) ' ');
            Latin1.copy(text, v, 0);
        } else {
            v = new byte[text.length()];
            Latin1.copy(text, v, 0);
        }
        Item item = new Item(old.key, old.hash, v, old.flags, old.expiresAt, store.nextCas(), now);
        if (!store.put(item)) {
            reply(r, out, OUT_OF_MEMORY);
            return;
        }
        logSet(item, out);
        reply(r, out, text);
    }

    private void touch(Request r, Replies out) {
        stats.cmdTouch++;
        if (refusedForFailedLog(r, out)) {
            return;
        }
        long now = System.currentTimeMillis();
        int h = r.keyHash(0);
        ReentrantLock lock = store.lock(h);
        try {
            Item old = store.get(h, r.keyBytes, r.keyOff[0], r.keyLen[0], now);
            if (old == null) {
                stats.touchMisses++;
                reply(r, out, "NOT_FOUND");
                return;
            }
            stats.touchHits++;
            long expiresAt = deadline(r.exptime, now);
            Item item = old.withExpiry(expiresAt, old.cas);
            store.put(item);
            item.lsn = log.appendTouch(item.key, expiresAt);
            out.awaitLsn(item.lsn);
        } finally {
            lock.unlock();
        }
        reply(r, out, "TOUCHED");
    }

    private void flushAll(Request r, Replies out) {
        stats.cmdFlush++;
        if (refusedForFailedLog(r, out)) {
            return;
        }
        long now = System.currentTimeMillis();
        long at = r.exptime <= 0 ? now : deadline(r.exptime, now);
        boolean immediate = at <= now;
        store.lockAll();
        try {
            store.flush(at, now);
            out.awaitLsn(log.appendFlush(at, immediate));
        } finally {
            store.unlockAll();
        }
        reply(r, out, "OK");
    }

    private void stats(Replies out) {
        long now = System.currentTimeMillis();
        KvStats t = KvStats.total(allStats); // other loops' counters read as they are: approximate while they run
        stat(out, "pid", ProcessHandle.current().pid());
        stat(out, "uptime", (now - t.startedMillis) / 1000);
        stat(out, "time", now / 1000);
        out.putLine("STAT version " + VERSION);
        stat(out, "pointer_size", 64);
        stat(out, "curr_connections", t.currConnections);
        stat(out, "total_connections", t.totalConnections);
        stat(out, "cmd_get", t.cmdGet);
        stat(out, "cmd_set", t.cmdSet);
        stat(out, "cmd_flush", t.cmdFlush);
        stat(out, "cmd_touch", t.cmdTouch);
        stat(out, "get_hits", t.getHits);
        stat(out, "get_misses", t.getMisses);
        stat(out, "delete_misses", t.deleteMisses);
        stat(out, "delete_hits", t.deleteHits);
        stat(out, "incr_misses", t.incrMisses);
        stat(out, "incr_hits", t.incrHits);
        stat(out, "decr_misses", t.decrMisses);
        stat(out, "decr_hits", t.decrHits);
        stat(out, "cas_misses", t.casMisses);
        stat(out, "cas_hits", t.casHits);
        stat(out, "cas_badval", t.casBadval);
        stat(out, "touch_hits", t.touchHits);
        stat(out, "touch_misses", t.touchMisses);
        stat(out, "store_too_large", t.storeTooLarge);
        stat(out, "bytes_read", t.bytesRead);
        stat(out, "bytes_written", t.bytesWritten);
        stat(out, "limit_maxbytes", store.limit());
        stat(out, "threads", allStats.size());
        stat(out, "bytes", store.bytes());
        stat(out, "curr_items", store.size());
        stat(out, "total_items", store.totalItems());
        stat(out, "evictions", store.evictions());
        out.putLine("STAT log_sync " + log.mode().name().toLowerCase(Locale.ROOT));
        stat(out, "log_mutations", log.lastLsn());
        stat(out, "log_acked", log.ackedLsn());
        stat(out, "log_writes", log.writes());
        stat(out, "log_fsyncs", log.fsyncs());
        stat(out, "log_bytes_written", log.bytesWritten());
        LaioStats laio = log.laioStats();
        // the log's writes are pwrite64 calls (GroupCommit); the names stay memcached-style and stable
        stat(out, "laio_write_calls", laio.calls(Sys.SYS_pwrite64));
        stat(out, "laio_write_inline", laio.inline(Sys.SYS_pwrite64));
        stat(out, "laio_write_background", laio.background(Sys.SYS_pwrite64));
        stat(out, "laio_fsync_calls", laio.calls(Sys.SYS_fsync));
        stat(out, "laio_fsync_inline", laio.inline(Sys.SYS_fsync));
        stat(out, "laio_fsync_background", laio.background(Sys.SYS_fsync));
        out.putLine("END");
    }

    private static void stat(Replies out, String name, long value) {
        out.put("STAT ");
        out.put(name);
        out.put(" ");
        out.put(Long.toString(value));
        out.crlf();
    }
}
