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

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The items in memory, in LRU order, within a memory budget: storing past the budget evicts the
 * least recently used items. Expired and flushed items are dropped lazily, when looked up.
 *
 * <p>Shared by every loop, it is split into stripes by key hash, each with its own lock, LRU
 * and {@code 1/stripes} of the budget (so eviction is per stripe, as memcached's is per slab
 * class). A caller holds {@link #lock(String)} of a key around every call about that key, and
 * {@link #lockAll()} around {@link #flush}; it logs the mutation before it unlocks, so the log
 * holds each key's mutations in the order the store applied them. One stripe (one loop) keeps
 * the single global LRU of a one-loop server. Counters summed over stripes are read without the
 * locks and are approximate while other loops run.
 */
final class ItemStore {
    /** Stripes per loop: enough that two loops rarely meet on one lock. */
    static final int STRIPES_PER_LOOP = 8;

    private final Stripe[] stripes;
    private final int mask;
    private final long limit;
    private final AtomicLong lastCas = new AtomicLong();
    /** A delayed {@code flush_all}: from this time (ms) on, items stored at or before it are gone; 0 if none. */
    private volatile long oldestLive;

    /** One lock's share: its items in LRU order and its part of the budget. */
    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        final LinkedHashMap<String, Item> items = new LinkedHashMap<>(1024, 0.75f, true);
        final long limit;
        volatile long bytes;
        volatile long evictions;
        volatile long totalItems;
        volatile int size;

        Stripe(long limit) {
            this.limit = limit;
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

    private Stripe stripe(String key) {
        return stripes[stripeOf(key.hashCode(), mask)];
    }

    /**
     * The stripe of a key whose hash is {@code h}, of {@code mask + 1} (a power of two): the top
     * bits of the hash times the golden ratio. Not the low bits of {@code h ^ (h >>> 16)}: those
     * are the ones the stripe's {@link java.util.HashMap} picks its bucket by, so every key of a
     * stripe would share them and use only one bucket in {@code mask + 1}, with chains (and
     * treeified bins) that many times longer: with 16 stripes (two loops), memcaslap's keys met
     * 13 to a bucket and a {@code get} spent its time in {@code HashMap.TreeNode.getTreeNode}.
     */
    static int stripeOf(int h, int mask) {
        return mask == 0 ? 0 : (h * 0x9E3779B9) >>> Integer.numberOfLeadingZeros(mask);
    }

    /** Locks the stripe of {@code key} and returns its lock: the caller unlocks it. */
    ReentrantLock lock(String key) {
        ReentrantLock l = stripe(key).lock;
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

    /** The live item under {@code key} (marked recently used), or {@code null}. Under its lock. */
    Item get(String key, long now) {
        Stripe s = stripe(key);
        Item it = s.items.get(key);
        if (it != null && !live(it, now)) {
            unlink(s, key);
            return null;
        }
        return it;
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
     * Stores {@code it}, replacing any item under its key and evicting least recently used items
     * of its stripe until it fits. Returns false (and stores nothing) if it alone exceeds the
     * stripe's budget. Under its key's lock.
     */
    boolean put(Item it) {
        Stripe s = stripe(it.key);
        long size = it.size();
        if (size > s.limit) {
            return false;
        }
        unlink(s, it.key);
        long bytes = s.bytes;
        Iterator<Item> lru = s.items.values().iterator();
        while (bytes + size > s.limit && lru.hasNext()) {
            Item victim = lru.next();
            lru.remove();
            bytes -= victim.size();
            s.evictions++;
        }
        s.items.put(it.key, it);
        s.bytes = bytes + size;
        s.size = s.items.size();
        s.totalItems++;
        if (it.cas > lastCas.get()) {
            seenCas(it.cas); // a replayed item: runtime cas values come from nextCas, already counted
        }
        return true;
    }

    /** Removes the item under {@code key}; whether a live one was there. Under its lock. */
    boolean remove(String key, long now) {
        Stripe s = stripe(key);
        Item it = s.items.get(key);
        if (it == null) {
            return false;
        }
        unlink(s, key);
        return live(it, now);
    }

    private static void unlink(Stripe s, String key) {
        Item old = s.items.remove(key);
        if (old != null) {
            s.bytes -= old.size();
            s.size = s.items.size();
        }
    }

    /**
     * {@code flush_all}: with {@code at <= now} every item goes at once; with a later {@code at},
     * items stored up to then become invisible from then on. Under {@link #lockAll()}.
     */
    void flush(long at, long now) {
        if (at <= now) {
            for (Stripe s : stripes) {
                s.items.clear();
                s.bytes = 0;
                s.size = 0;
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
            n += s.size;
        }
        return n;
    }

    long bytes() {
        long n = 0;
        for (Stripe s : stripes) {
            n += s.bytes;
        }
        return n;
    }

    long limit() {
        return limit;
    }

    long evictions() {
        long n = 0;
        for (Stripe s : stripes) {
            n += s.evictions;
        }
        return n;
    }

    long totalItems() {
        long n = 0;
        for (Stripe s : stripes) {
            n += s.totalItems;
        }
        return n;
    }

    /**
     * The live items, least recently used first within each stripe (the order that rebuilds the
     * same LRUs on replay). Start-up only, when no loop serves.
     */
    List<Item> liveItems(long now) {
        List<Item> out = new ArrayList<>(size());
        for (Stripe s : stripes) {
            for (Item it : s.items.values()) {
                if (live(it, now)) {
                    out.add(it);
                }
            }
        }
        return out;
    }
}
