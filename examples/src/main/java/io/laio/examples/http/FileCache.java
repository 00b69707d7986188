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

package io.laio.examples.http;

import io.laio.Laio;
import io.laio.abi.AtFlags;
import io.laio.abi.StatxLayout;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;

/**
 * One loop's open files, kept between requests: the descriptor {@code openat2} gave for a path
 * beneath the root, and the {@code statx} identity of that descriptor (device, inode, size,
 * mode, mtime and ctime), keyed by the path's bytes as they were handed to {@code openat2}.
 * The sendfile analogue of thttpd's mmap cache ({@code mmc.c}), nginx's
 * {@code open_file_cache} and lighttpd's stat cache.
 *
 * <p>A request for a cached path costs one {@code statx} of the path beneath the root (the
 * connection's, {@link #STATX_FLAGS}; a plain call in the lazy modes, see
 * {@link ServeMode#laioConfig(int, int, Duration, Duration, boolean)}); when its identity is the
 * entry's, the file is served from the entry's descriptor: no {@code openat2}, no {@code close}.
 * Anything else is a miss: the entry is dropped and the path opened as without the cache.
 *
 * <p>Why a path {@code statx} that follows symlinks, with no {@code RESOLVE_BENEATH}, is safe:
 * a hit needs the very inode {@code openat2 RESOLVE_BENEATH} opened for this path, with the
 * same size, mtime and ctime. Every way to make the path lead elsewhere leads to another inode
 * (a renamed-over file, a symlink swapped to point outside the root, a directory replaced) and
 * is a miss, which {@code openat2} decides as it always has (403 outside the root). The
 * inode's ctime moves with every change to it — a write, truncate, chmod, link, unlink, or
 * rename of the file itself — so a file moved out of the root under its own name, or a hard
 * link made to it outside, is a miss too. What is left is a path whose parent directory was
 * moved out of the root and replaced by a symlink to its new place: the hit then serves the
 * same unchanged bytes this path served before the move, and the first change to the file
 * (its ctime) ends it. The size and mtime the response states are always the fresh
 * {@code statx}'s; the body is read from the same inode, so a rewrite in place is seen at once.
 *
 * <p>Bounds: at most {@code capacity} descriptors, replaced by CLOCK (second chance); an entry
 * in use by a connection ({@link #acquire}/{@link #release}, a sendfile maybe on a helper) is
 * never closed under it: dropped while in use it leaves the table at once and is closed when
 * its last user releases it. {@link #shed()} closes every idle entry when descriptors run
 * short; a sweep every {@link #SWEEP} closes the entries no request used since the last one,
 * so a deleted or idle file's descriptor (and a deleted file's blocks) are let go within two
 * sweeps. Closes go through the loop's {@link Laio} ({@link DescriptorCloser}), as the
 * connections' do. Loop thread only; nothing is shared between loops, so nothing is locked.
 * A lookup, a hit and a release allocate nothing; an insert allocates only for a path longer
 * than any its slot held before.
 */
final class FileCache {
    /**
     * The path {@code statx}'s flags: follow symlinks, as {@code openat2} does (its
     * {@code RESOLVE_BENEATH} is not needed: only an identity equal to what it opened is a hit),
     * and trigger no automount (a mount point reached is another device: a miss, left to
     * {@code openat2}).
     */
    static final int STATX_FLAGS = AtFlags.AT_NO_AUTOMOUNT;
    /** What the identity needs of {@code statx}. */
    static final int STATX_MASK = StatxLayout.STATX_TYPE | StatxLayout.STATX_MODE | StatxLayout.STATX_SIZE
            | StatxLayout.STATX_MTIME | StatxLayout.STATX_CTIME | StatxLayout.STATX_INO;
    /** How often entries nobody used since the last sweep are closed. */
    static final Duration SWEEP = Duration.ofSeconds(30);

    private static final long ENTRY = StatxLayout.SIZE;
    private static final long MASK_AT = offset("stx_mask");
    private static final long MODE_AT = offset("stx_mode");
    private static final long INO_AT = offset("stx_ino");
    /** stx_ino and stx_size, adjacent. */
    private static final long INO_SIZE_END = offset("stx_blocks");
    private static final long CTIME_AT = offset("stx_ctime");
    /** stx_ctime and stx_mtime, adjacent (their reserved words the kernel zeroes). */
    private static final long TIMES_END = offset("stx_rdev_major");
    /** stx_dev_major and stx_dev_minor, adjacent: one word names a device. */
    static final long DEV_AT = offset("stx_dev_major");
    private static final long DEV_END = offset("stx_mnt_id");

    private static final byte FREE = 0;
    /** In the table. */
    private static final byte LIVE = 1;
    /** Out of the table, still in use: closed when its last user releases it. */
    private static final byte DETACHED = 2;

    /** {@link FileCache#FileCache}'s {@code onlyDevice} for "any device". */
    static final long ANY_DEVICE = -1;

    private final int capacity;
    private final long onlyDevice;
    private final DescriptorCloser closer;
    private final Event sweeper;
    private final byte[] state;
    private final int[] fds;
    private final int[] refs;
    private final boolean[] used;
    private final int[] hashes;
    private final byte[][] keys;
    private final int[] keyLengths;
    /** Chains of the hash table: the next entry of a bucket, or -1. */
    private final int[] next;
    private final int[] buckets;
    /** Every entry's identity: its descriptor's statx at {@code ENTRY * i}. */
    private final MemorySegment ids;
    private int hand;
    private int live;
    /** Counted on the loop thread, read by tests and the exit line. */
    private volatile long hits;
    private volatile long misses;

    /**
     * {@code capacity} entries at most; 0 caches nothing (every call then does nothing). With
     * {@code onlyDevice} other than {@link #ANY_DEVICE} only files on that device are cached: the
     * root's, when the check's {@code statx} is a plain call on the loop, which is safe only on
     * the root's own file system ({@link DocRoot#dentriesStayLocal}); a file reached through a
     * mount beneath the root (a FUSE or NFS mount, say) is then served uncached, its opens lazy.
     */
    FileCache(int capacity, EventBase base, Laio laio, Arena arena, long onlyDevice) {
        this.capacity = capacity;
        this.onlyDevice = onlyDevice;
        this.closer = new DescriptorCloser(base, laio);
        this.state = new byte[capacity];
        this.fds = new int[capacity];
        this.refs = new int[capacity];
        this.used = new boolean[capacity];
        this.hashes = new int[capacity];
        this.keys = new byte[capacity][];
        this.keyLengths = new int[capacity];
        this.next = new int[capacity];
        this.buckets = new int[capacity == 0 ? 1 : Integer.highestOneBit(capacity * 2 - 1) << 1];
        Arrays.fill(buckets, -1);
        this.ids = capacity == 0 ? MemorySegment.NULL : arena.allocate(ENTRY * capacity, 8);
        this.sweeper = capacity == 0 ? null : Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> sweep(), null);
        if (sweeper != null) {
            sweeper.add(SWEEP);
        }
    }

    private static long offset(String field) {
        return StatxLayout.LAYOUT.byteOffset(PathElement.groupElement(field));
    }

    boolean enabled() {
        return capacity > 0;
    }

    /** The live entry for {@code key[0..length)}, acquired for the caller, or -1. */
    int acquire(byte[] key, int length) {
        if (capacity == 0) {
            return -1;
        }
        int h = hash(key, length);
        for (int e = buckets[h & (buckets.length - 1)]; e >= 0; e = next[e]) {
            if (hashes[e] == h && Arrays.equals(keys[e], 0, keyLengths[e], key, 0, length)) {
                refs[e]++;
                return e;
            }
        }
        misses++;
        return -1;
    }

    /**
     * Whether {@code statx} (the path's, just made) names entry {@code e}'s file unchanged. A
     * match counts as a hit and marks the entry used; a mismatch drops it ({@link #drop}).
     */
    boolean validate(int e, MemorySegment statx) {
        long base = ENTRY * e;
        boolean same = (statx.get(ValueLayout.JAVA_INT, MASK_AT) & STATX_MASK) == STATX_MASK
                && MemorySegment.mismatch(statx, INO_AT, INO_SIZE_END, ids, base + INO_AT, base + INO_SIZE_END) < 0
                && MemorySegment.mismatch(statx, CTIME_AT, TIMES_END, ids, base + CTIME_AT, base + TIMES_END) < 0
                && MemorySegment.mismatch(statx, DEV_AT, DEV_END, ids, base + DEV_AT, base + DEV_END) < 0
                && MemorySegment.mismatch(statx, MODE_AT, MODE_AT + 2, ids, base + MODE_AT, base + MODE_AT + 2) < 0;
        if (same) {
            used[e] = true;
            hits++;
        } else {
            misses++;
            drop(e);
        }
        return same;
    }

    int fd(int e) {
        return fds[e];
    }

    /** The caller is done with entry {@code e}; a dropped entry's descriptor is closed with its last user. */
    void release(int e) {
        if (--refs[e] == 0 && state[e] == DETACHED) {
            free(e);
        }
    }

    /**
     * Caches {@code fd}, just opened for {@code key[0..length)} and described by {@code statx}
     * (its own, a regular file), acquired for the caller; -1 when it is not cached (no slot
     * free of users, the key cached meanwhile by another connection, a file on another device
     * than the one it is confined to, or an identity the file
     * system does not give in full): the caller then closes {@code fd} itself, as without a cache.
     */
    int insert(byte[] key, int length, int fd, MemorySegment statx) {
        if (capacity == 0 || (statx.get(ValueLayout.JAVA_INT, MASK_AT) & STATX_MASK) != STATX_MASK
                || onlyDevice != ANY_DEVICE && statx.get(ValueLayout.JAVA_LONG_UNALIGNED, DEV_AT) != onlyDevice) {
            return -1;
        }
        int h = hash(key, length);
        int bucket = h & (buckets.length - 1);
        for (int e = buckets[bucket]; e >= 0; e = next[e]) {
            if (hashes[e] == h && Arrays.equals(keys[e], 0, keyLengths[e], key, 0, length)) {
                return -1;
            }
        }
        int e = victim();
        if (e < 0) {
            return -1;
        }
        if (keys[e] == null || keys[e].length < length) {
            keys[e] = new byte[Math.max(length, 64)];
        }
        System.arraycopy(key, 0, keys[e], 0, length);
        keyLengths[e] = length;
        hashes[e] = h;
        fds[e] = fd;
        refs[e] = 1;
        used[e] = false; // a second request gives it its second chance
        state[e] = LIVE;
        MemorySegment.copy(statx, 0, ids, ENTRY * e, ENTRY);
        next[e] = buckets[bucket];
        buckets[bucket] = e;
        live++;
        return e;
    }

    /** CLOCK: a free slot, or the first idle entry not used since the hand last passed it (closed); -1 if all are in use. */
    private int victim() {
        for (int steps = 0; steps < 2 * capacity; steps++) {
            int e = hand;
            hand = hand + 1 == capacity ? 0 : hand + 1;
            if (state[e] == FREE || closedUnlessUsed(e)) {
                return e;
            }
        }
        return -1;
    }

    /**
     * CLOCK's step at entry {@code e}: an idle live entry used since the last step loses its mark
     * and stays, one not used is closed; an entry in use or not live is left. True if closed.
     */
    private boolean closedUnlessUsed(int e) {
        if (state[e] != LIVE || refs[e] != 0) {
            return false;
        }
        if (used[e]) {
            used[e] = false;
            return false;
        }
        unlink(e);
        free(e);
        return true;
    }

    /** Takes entry {@code e} out of the table; closed now if idle, else by its last user's release. */
    void drop(int e) {
        if (state[e] != LIVE) {
            return;
        }
        unlink(e);
        if (refs[e] == 0) {
            free(e);
        } else {
            state[e] = DETACHED;
        }
    }

    /** Descriptors are short: closes every idle entry. Returns how many it closed. */
    int shed() {
        int n = 0;
        for (int e = 0; e < capacity; e++) {
            if (state[e] == LIVE && refs[e] == 0) {
                unlink(e);
                free(e);
                n++;
            }
        }
        return n;
    }

    /** Closes the entries no request has used since the last sweep; the others lose their mark. */
    private void sweep() {
        for (int e = 0; e < capacity; e++) {
            closedUnlessUsed(e);
        }
    }

    /** Stopping: no more sweeps. */
    void stopSweeping() {
        if (sweeper != null) {
            sweeper.del();
        }
    }

    /**
     * Shutdown, on the loop thread once no connection is left: closes every descriptor with a
     * plain close through {@code laio} (a deferred close would wait for a pass that never
     * comes), as the root's is closed. An entry still in use (a connection that outlived the
     * shutdown wait) is left to the process's exit and logged.
     */
    void closeAll(Laio laio) {
        stopSweeping();
        for (int e = 0; e < capacity; e++) {
            if (state[e] == FREE) {
                continue;
            }
            if (refs[e] > 0) {
                ThttpdServer.LOG.warn("cached file descriptor {} still in use at shutdown", fds[e]);
                continue;
            }
            if (state[e] == LIVE) {
                unlink(e);
            }
            if (laio.close(fds[e]) != 0) {
                ThttpdServer.LOG.debug("closing cached fd {}: errno {}", fds[e], Laio.errno());
            }
            state[e] = FREE;
        }
    }

    private void unlink(int e) {
        int bucket = hashes[e] & (buckets.length - 1);
        if (buckets[bucket] == e) {
            buckets[bucket] = next[e];
        } else {
            int p = buckets[bucket];
            while (next[p] != e) {
                p = next[p];
            }
            next[p] = next[e];
        }
        live--;
    }

    private void free(int e) {
        closer.close(fds[e]);
        fds[e] = -1;
        state[e] = FREE;
    }

    private static int hash(byte[] key, int length) {
        int h = 0x811c9dc5;
        for (int i = 0; i < length; i++) {
            h = (h ^ key[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }

    /** Descriptors held now (in the table, and dropped ones still in use). */
    int descriptors() {
        int n = 0;
        for (int e = 0; e < capacity; e++) {
            n += state[e] != FREE ? 1 : 0;
        }
        return n;
    }

    int capacity() {
        return capacity;
    }

    /** Requests served from an entry. */
    long hits() {
        return hits;
    }

    /** Lookups that found no entry, or one whose file had changed. */
    long misses() {
        return misses;
    }
}
