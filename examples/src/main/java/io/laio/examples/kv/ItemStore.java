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

/**
 * The items in memory, in LRU order, within a memory budget: storing past the budget evicts the
 * least recently used items. Expired and flushed items are dropped lazily, when looked up.
 * Loop thread only.
 */
final class ItemStore {
    private final LinkedHashMap<String, Item> items = new LinkedHashMap<>(1024, 0.75f, true);
    private final long limit;
    private long bytes;
    private long evictions;
    private long totalItems;
    private long lastCas;
    /** A delayed {@code flush_all}: from this time (ms) on, items stored at or before it are gone; 0 if none. */
    private long oldestLive;

    ItemStore(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("memory limit must be positive: " + limitBytes);
        }
        this.limit = limitBytes;
    }

    /** The live item under {@code key} (marked recently used), or {@code null}. */
    Item get(String key, long now) {
        Item it = items.get(key);
        if (it != null && !live(it, now)) {
            unlink(key);
            return null;
        }
        return it;
    }

    private boolean live(Item it, long now) {
        if (it.expiresAt != 0 && now >= it.expiresAt) {
            return false;
        }
        return oldestLive == 0 || now < oldestLive || it.storedAt > oldestLive;
    }

    /** Whether an item of this size could be stored at all (it alone fits the budget). */
    boolean fits(int keyLength, int valueLength) {
        return Item.size(keyLength, valueLength) <= limit;
    }

    /**
     * Stores {@code it}, replacing any item under its key and evicting least recently used items
     * until it fits. Returns false (and stores nothing) if it alone exceeds the budget.
     */
    boolean put(Item it) {
        long size = it.size();
        if (size > limit) {
            return false;
        }
        unlink(it.key);
        Iterator<Item> lru = items.values().iterator();
        while (bytes + size > limit && lru.hasNext()) {
            Item victim = lru.next();
            lru.remove();
            bytes -= victim.size();
            evictions++;
        }
        items.put(it.key, it);
        bytes += size;
        totalItems++;
        lastCas = Math.max(lastCas, it.cas);
        return true;
    }

    /** Removes the item under {@code key}; whether a live one was there. */
    boolean remove(String key, long now) {
        Item it = items.get(key);
        if (it == null) {
            return false;
        }
        unlink(key);
        return live(it, now);
    }

    private void unlink(String key) {
        Item old = items.remove(key);
        if (old != null) {
            bytes -= old.size();
        }
    }

    /**
     * {@code flush_all}: with {@code at <= now} every item goes at once; with a later {@code at},
     * items stored up to then become invisible from then on.
     */
    void flush(long at, long now) {
        if (at <= now) {
            items.clear();
            bytes = 0;
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
        return ++lastCas;
    }

    /** Replay: later cas values must stay above every one already handed out. */
    void seenCas(long cas) {
        lastCas = Math.max(lastCas, cas);
    }

    int size() {
        return items.size();
    }

    long bytes() {
        return bytes;
    }

    long limit() {
        return limit;
    }

    long evictions() {
        return evictions;
    }

    long totalItems() {
        return totalItems;
    }

    /** The live items, least recently used first (the order that rebuilds the same LRU on replay). */
    List<Item> liveItems(long now) {
        List<Item> out = new ArrayList<>(items.size());
        for (Item it : items.values()) {
            if (live(it, now)) {
                out.add(it);
            }
        }
        return out;
    }
}
