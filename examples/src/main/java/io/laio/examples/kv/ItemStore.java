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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The items in memory within a memory budget: storing past the budget evicts items from the old
 * end of an LRU list. Expired and flushed items are dropped lazily, when looked up.
 *
 * <p>Shared by every loop, it is split into stripes by key hash, each with its own lock, LRU
 * and {@code 1/stripes} of the budget (so eviction is per stripe, as memcached's is per slab
 * class). A caller holds {@link #lock(int)} of a key's {@link #hash} around every call about
 * that key, and {@link #lockAll()} around {@link #flush}; it logs the mutation before it
 * unlocks, so the log holds each key's mutations in the order the store applied them. One
 * stripe (one loop) keeps the single global LRU of a one-loop server. Counters summed over
 * stripes are read without the locks and are approximate while other loops run.
 *
 * <p><b>Costs.</b> A lookup hashes and compares the request's key bytes where they are (no key
 * object per request): {@link #hash} reads eight bytes a step, a bucket's items are compared by
 * hash first. Each stripe is its own chained hash table whose items are also the nodes of its
 * LRU list, so a hit touches the bucket, the item and its key. A hit does not relink the item
 * (a relink writes to two neighbours, cold cache lines, on every {@code get}): it marks it
 * {@link Item#active}, as memcached's segmented LRU marks a fetched item instead of bumping it,
 * and eviction gives an active item at the old end a second chance (moved to the new end,
 * unmarked) and evicts the first inactive one. The order is therefore CLOCK's, not strict LRU's:
 * an item looked up since it last reached the old end is never evicted before one that was not.
 */
final class ItemStore {
    /** Stripes per loop: enough that two loops rarely meet on one lock. */
    static final int STRIPES_PER_LOOP = 8;
    private static final int INITIAL_BUCKETS = 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /**
     * Mixed into every hash, new in each process (hashes are never stored), so keys that share
     * a bucket cannot be worked out in advance to make a client's keys one long chain.
     */
    private static final long SEED = new SplittableRandom().nextLong();

    private final Stripe[] stripes;
    private final int mask;
    private final long limit;
    private final AtomicLong lastCas = new AtomicLong();
    /** A delayed {@code flush_all}: from this time (ms) on, items stored at or before it are gone; 0 if none. */
    private volatile long oldestLive;

    /**
     * One lock's share: a chained hash table of its items, their LRU list and its part of the
     * budget. All fields but the lock are its holder's; the counters are also read by
     * {@code stats} without it, opaquely (written with {@code setOpaque}: no fence on the path
     * that holds the lock, no torn longs).
     */
    private static final class Stripe {
        private static final VarHandle BYTES;
        private static final VarHandle EVICTIONS;
        private static final VarHandle TOTAL_ITEMS;
        private static final VarHandle SIZE;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                BYTES = l.findVarHandle(Stripe.class, "bytes", long.class);
                EVICTIONS = l.findVarHandle(Stripe.class, "evictions", long.class);
                TOTAL_ITEMS = l.findVarHandle(Stripe.class, "totalItems", long.class);
                SIZE = l.findVarHandle(Stripe.class, "size", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final ReentrantLock lock = new ReentrantLock();
        final long limit;
        Item[] buckets = new Item[INITIAL_BUCKETS];
        /** The LRU list's ends: the next to evict, the last stored. */
        Item oldest;
        Item newest;
        long bytes;
        long evictions;
        long totalItems;
        int size;

        Stripe(long limit) {
            this.limit = limit;
        }

        long bytes() {
            return (long) BYTES.getOpaque(this);
        }

        long evictions() {
            return (long) EVICTIONS.getOpaque(this);
        }

        long totalItems() {
            return (long) TOTAL_ITEMS.getOpaque(this);
        }

        int size() {
            return (int) SIZE.getOpaque(this);
        }

        Item find(int hash, byte[] k, int off, int len) {
            Item[] b = buckets;
            for (Item it = b[hash & (b.length - 1)]; it != null; it = it.chain) {
                if (it.hash == hash && Arrays.equals(it.key, 0, it.key.length, k, off, off + len)) {
                    return it;
                }
            }
            return null;
        }

        /** Adds {@code it} (its key not present) to its bucket and as the newest of the LRU. */
        void link(Item it) {
            if (size >= buckets.length - (buckets.length >>> 2)) {
                grow();
            }
            int i = it.hash & (buckets.length - 1);
            it.chain = buckets[i];
            buckets[i] = it;
            it.newer = null;
            it.older = newest;
            if (newest == null) {
                oldest = it;
            } else {
                newest.newer = it;
            }
            newest = it;
            BYTES.setOpaque(this, bytes + it.size());
            SIZE.setOpaque(this, size + 1);
        }

        /** Takes {@code it} (present) out of its bucket and the LRU. */
        void unlink(Item it) {
            int i = it.hash & (buckets.length - 1);
            Item p = buckets[i];
            if (p == it) {
                buckets[i] = it.chain;
            } else {
                while (p.chain != it) {
                    p = p.chain;
                }
                p.chain = it.chain;
            }
            it.chain = null;
            unlinkLru(it);
            BYTES.setOpaque(this, bytes - it.size());
            SIZE.setOpaque(this, size - 1);
        }

        private void unlinkLru(Item it) {
            if (it.older == null) {
                oldest = it.newer;
            } else {
                it.older.newer = it.newer;
            }
            if (it.newer == null) {
                newest = it.older;
            } else {
                it.newer.older = it.older;
            }
            it.older = null;
            it.newer = null;
        }

        /** Moves {@code it} to the new end of the LRU. */
        void renew(Item it) {
            if (it != newest) {
                unlinkLru(it);
                it.older = newest;
                newest.newer = it;
                newest = it;
            }
        }

        private void grow() {
            Item[] old = buckets;
            Item[] b = new Item[old.length * 2];
            for (Item head : old) {
                for (Item it = head; it != null; ) {
                    Item next = it.chain;
                    int i = it.hash & (b.length - 1);
                    it.chain = b[i];
                    b[i] = it;
                    it = next;
                }
            }
            buckets = b;
        }

        void clear() {
            buckets = new Item[INITIAL_BUCKETS];
            oldest = null;
            newest = null;
            BYTES.setOpaque(this, 0L);
            SIZE.setOpaque(this, 0);
        }

        void evicted() {
            EVICTIONS.setOpaque(this, evictions + 1);
        }

        void stored() {
            TOTAL_ITEMS.setOpaque(this, totalItems + 1);
        }
    }

    /** One stripe: the whole budget under one lock. */
    ItemStore(long limitBytes) {
        this(limitBytes, 1);
    }

    /** {@code stripes} stripes (a power of two), each with {@code limitBytes / stripes}. */
    ItemStore(long limitBytes, int stripes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("memory limit must be positive: " + limitBytes);
        }
        if (stripes < 1 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two: " + stripes);
        }
        this.limit = limitBytes;
        this.stripes = new Stripe[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new Stripe(limitBytes / stripes);
        }
        this.mask = stripes - 1;
    }

    /**
     * The stripes for {@code loops} loops: {@link #STRIPES_PER_LOOP} per loop (one for one loop),
     * a power of two, but never so many that a stripe's budget could not hold one item of
     * {@code maxItem} bytes (which the whole budget could).
     */
    static int stripesFor(int loops, long limitBytes, int maxItem) {
        if (loops <= 1) {
            return 1;
        }
        int n = Integer.highestOneBit(Math.min(loops * STRIPES_PER_LOOP, 1 << 16));
        long biggest = Item.size(250, maxItem); // memcached's longest key
        while (n > 1 && limitBytes / n < biggest) {
            n >>= 1;
        }
        return n;
    }

    int stripes() {
        return stripes.length;
    }

    /**
     * The hash of the key {@code k[off..off+len)}: eight bytes a step, every bit of the result
     * depending on every byte. Its low bits pick a stripe's bucket, {@link #stripeOf} the stripe.
     */
    static int hash(byte[] k, int off, int len) {
        long h = SEED ^ len * 0x9E3779B97F4A7C15L;
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            h = Long.rotateLeft((h ^ (long) LONGS.get(k, i)) * 0xBF58476D1CE4E5B9L, 31);
        }
        if (i < end) {
            long tail = 0;
            for (int shift = 0; i < end; i++, shift += 8) {
                tail |= (k[i] & 0xFFL) << shift;
            }
            h = Long.rotateLeft((h ^ tail) * 0xBF58476D1CE4E5B9L, 31);
        }
        h = (h ^ (h >>> 32)) * 0x94D049BB133111EBL;
        return (int) (h ^ (h >>> 29));
    }

    private Stripe stripe(int hash) {
        return stripes[stripeOf(hash, mask)];
    }

    /**
     * The stripe of a key whose hash is {@code h}, of {@code mask + 1} (a power of two): the top
     * bits of the hash times the golden ratio. Not its low bits: those are the ones the stripe's
     * table picks its bucket by, so every key of a stripe would share them and use only one
     * bucket in {@code mask + 1}, with chains that many times longer (with 16 stripes and a
     * {@code HashMap} per stripe, memcaslap's keys once met 13 to a bucket).
     */
    static int stripeOf(int h, int mask) {
        return mask == 0 ? 0 : (h * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
    }

    /** Locks the stripe of the key whose {@link #hash} is {@code hash} and returns its lock: the caller unlocks it. */
    ReentrantLock lock(int hash) {
        ReentrantLock l = stripe(hash).lock;
        l.lock();
        return l;
    }

    /** Locks every stripe, in index order (the only order taking more than one). */
    void lockAll() {
        for (Stripe s : stripes) {
            s.lock.lock();
        }
    }

    void unlockAll() {
        for (int i = stripes.length - 1; i >= 0; i--) {
            stripes[i].lock.unlock();
        }
    }

    /**
     * The live item under the key {@code k[off..off+len)} whose {@link #hash} is {@code hash}
     * (marked {@link Item#active}), or {@code null}. Under its lock.
     */
    Item get(int hash, byte[] k, int off, int len, long now) {
        Stripe s = stripe(hash);
        Item it = s.find(hash, k, off, len);
        if (it == null) {
            return null;
        }
        if (!live(it, now)) {
            s.unlink(it);
            return null;
        }
        if (!it.active) {
            it.active = true; // written once per trip through the LRU, not on every hit
        }
        return it;
    }

    /** {@link #get(int, byte[], int, int, long)} of a Latin-1 key: replay, tests. */
    Item get(String key, long now) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        return get(hash(k, 0, k.length), k, 0, k.length, now);
    }

    private boolean live(Item it, long now) {
        if (it.expiresAt != 0 && now >= it.expiresAt) {
            return false;
        }
        long flushAt = oldestLive;
        return flushAt == 0 || now < flushAt || it.storedAt > flushAt;
    }

    /** Whether an item of this size could be stored at all (it alone fits a stripe's budget). */
    boolean fits(int keyLength, int valueLength) {
        return Item.size(keyLength, valueLength) <= stripes[0].limit;
    }

    /**
     * Stores {@code it}, replacing any item under its key and evicting items from the old end of
     * its stripe's LRU until it fits (an {@link Item#active} one is spared once: moved to the new
     * end). Returns false (and stores nothing, the old item stays) if it alone exceeds the
     * stripe's budget. Under its key's lock.
     */
    boolean put(Item it) {
        Stripe s = stripe(it.hash);
        long size = it.size();
        if (size > s.limit) {
            return false;
        }
        Item old = s.find(it.hash, it.key, 0, it.key.length);
        if (old != null) {
            s.unlink(old);
        }
        while (s.bytes + size > s.limit && s.oldest != null) {
            Item victim = s.oldest;
            if (victim.active) {
                victim.active = false;
                s.renew(victim);
            } else {
                s.unlink(victim);
                s.evicted();
            }
        }
        s.link(it);
        s.stored();
        if (it.cas > lastCas.get()) {
            seenCas(it.cas); // a replayed item: runtime cas values come from nextCas, already counted
        }
        return true;
    }

    /** Removes the item under the key {@code k[off..off+len)}; whether a live one was there. Under its lock. */
    boolean remove(int hash, byte[] k, int off, int len, long now) {
        Stripe s = stripe(hash);
        Item it = s.find(hash, k, off, len);
        if (it == null) {
            return false;
        }
        s.unlink(it);
        return live(it, now);
    }

    /** {@link #remove(int, byte[], int, int, long)} of a Latin-1 key: replay, tests. */
    boolean remove(String key, long now) {
        byte[] k = key.getBytes(StandardCharsets.ISO_8859_1);
        return remove(hash(k, 0, k.length), k, 0, k.length, now);
    }

    /**
     * {@code flush_all}: with {@code at <= now} every item goes at once; with a later {@code at},
     * items stored up to then become invisible from then on. Under {@link #lockAll()}.
     */
    void flush(long at, long now) {
        if (at <= now) {
            for (Stripe s : stripes) {
                s.clear();
            }
            oldestLive = 0;
        } else {
            oldestLive = at;
        }
    }

    /** The pending delayed flush deadline (ms), or 0. */
    long oldestLive() {
        return oldestLive;
    }

    long nextCas() {
        return lastCas.incrementAndGet();
    }

    /** Replay: later cas values must stay above every one already handed out. */
    void seenCas(long cas) {
        lastCas.accumulateAndGet(cas, Math::max);
    }

    int size() {
        int n = 0;
        for (Stripe s : stripes) {
            n += s.size();
        }
        return n;
    }

    long bytes() {
        long n = 0;
        for (Stripe s : stripes) {
            n += s.bytes();
        }
        return n;
    }

    long limit() {
        return limit;
    }

    long evictions() {
        long n = 0;
        for (Stripe s : stripes) {
            n += s.evictions();
        }
        return n;
    }

    long totalItems() {
        long n = 0;
        for (Stripe s : stripes) {
            n += s.totalItems();
        }
        return n;
    }

    /**
     * The live items, from the old end of each stripe's LRU to the new (the order that rebuilds
     * the same LRUs on replay). Start-up only, when no loop serves.
     */
    List<Item> liveItems(long now) {
        List<Item> out = new ArrayList<>(size());
        for (Stripe s : stripes) {
            for (Item it = s.oldest; it != null; it = it.newer) {
                if (live(it, now)) {
                    out.add(it);
                }
            }
        }
        return out;
    }
}
