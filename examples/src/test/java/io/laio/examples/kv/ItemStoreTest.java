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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ItemStoreTest {
    private static Item item(String key, int size, long now) {
        return new Item(key, new byte[size], 0, 0, 1, now);
    }

    @Test
    void storingPastTheLimitEvictsTheLeastRecentlyUsed() {
        long one = Item.size(1, 100);
        ItemStore s = new ItemStore(3 * one);
        s.put(item("a", 100, 0));
        s.put(item("b", 100, 0));
        s.put(item("c", 100, 0));
        assertNotNull(s.get("a", 0)); // a is now the most recently used
        s.put(item("d", 100, 0));
        assertNull(s.get("b", 0));
        assertEquals(List.of("c", "a", "d"), s.liveItems(0).stream().map(i -> i.key).toList());
        assertEquals(1, s.evictions());
        assertEquals(3 * one, s.bytes());
        assertFalse(s.put(item("e", (int) (3 * one), 0)), "larger than all memory");
        assertEquals(3, s.size(), "and evicts nothing");
    }

    @Test
    void replacingAnItemAccountsItsSizeOnce() {
        ItemStore s = new ItemStore(1 << 20);
        s.put(item("a", 100, 0));
        s.put(item("a", 10, 0));
        assertEquals(Item.size(1, 10), s.bytes());
        assertTrue(s.remove("a", 0));
        assertEquals(0, s.bytes());
        assertFalse(s.remove("a", 0));
    }

    @Test
    void expiredItemsAreGoneWhenLookedUp() {
        ItemStore s = new ItemStore(1 << 20);
        s.put(new Item("a", new byte[1], 0, 1000, 1, 0));
        assertNotNull(s.get("a", 999));
        assertNull(s.get("a", 1000));
        assertEquals(0, s.size());
    }

    @Test
    void aDelayedFlushHidesItemsStoredBeforeItsDeadlineFromThenOn() {
        ItemStore s = new ItemStore(1 << 20);
        s.put(item("old", 1, 100));
        s.flush(500, 200);
        s.put(item("mid", 1, 300));
        assertNotNull(s.get("old", 499));
        assertNull(s.get("old", 500));
        assertNull(s.get("mid", 500));
        s.put(item("new", 1, 600));
        assertNotNull(s.get("new", 700));
        s.flush(700, 700);
        assertNull(s.get("new", 700));
        assertEquals(0, s.oldestLive());
    }

    @Test
    void casValuesOnlyGrow() {
        ItemStore s = new ItemStore(1 << 20);
        s.seenCas(41);
        assertEquals(42, s.nextCas());
        s.put(new Item("a", new byte[1], 0, 0, 100, 0));
        assertEquals(101, s.nextCas());
    }

    @Test
    void stripesNeverGetTooSmallForTheLargestItem() {
        assertEquals(1, ItemStore.stripesFor(1, 64L << 20, 1 << 20), "one loop: one global LRU");
        assertEquals(16, ItemStore.stripesFor(2, 64L << 20, 1 << 20));
        assertEquals(1, ItemStore.stripesFor(2, 1L << 20, 1 << 20), "a 1 MiB budget holds one 1 MiB item only whole");
        assertEquals(2, ItemStore.stripesFor(64, 4L << 20, 1 << 20), "4 MiB / 4 is just short of a 1 MiB item with its key");
        ItemStore s = new ItemStore(4L << 20, ItemStore.stripesFor(64, 4L << 20, 1 << 20));
        assertTrue(s.fits(250, 1 << 20));
    }

    @Test
    void eachStripeEvictsWithinItsShareOfTheBudget() {
        long one = Item.size(3, 100);
        ItemStore s = new ItemStore(2 * 2 * one, 2); // two stripes, two items each
        for (int i = 0; i < 40; i++) {
            s.put(item(String.format("x%02d", i), 100, 0));
        }
        assertTrue(s.size() >= 2 && s.size() <= 4, "at most two items a stripe: " + s.size());
        assertEquals(s.size() * one, s.bytes());
        assertEquals(40, s.evictions() + s.size());
    }

    /**
     * memcaslap's keys (eight bytes of a counter, then 56 characters) over 16 stripes (two loops):
     * the keys of each stripe fall into every residue of the low bits its {@code HashMap} takes
     * its bucket from, so no stripe crowds its keys into a fraction of its buckets.
     */
    @Test
    void theKeysOfAStripeSpreadOverItsMapsBuckets() {
        int stripes = 16;
        String suffix = "aerGoHfjogXv-2ynmDLpGRqo5HxXErMpTB3GTizFMU8LW57HIS4ZtuLy";
        java.util.Map<Integer, java.util.Set<Integer>> residues = new java.util.HashMap<>();
        java.util.Map<Integer, Integer> perStripe = new java.util.HashMap<>();
        for (long counter = 0; counter < 50_000; counter++) {
            StringBuilder key = new StringBuilder();
            for (int b = 0; b < 8; b++) {
                key.append((char) (b < 3 ? (counter >>> (8 * b)) & 0xff : 0x10));
            }
            String k = key.append(suffix, 0, 56 - (int) (counter % 7)).toString();
            int h = k.hashCode();
            int stripe = ItemStore.stripeOf(h, stripes - 1);
            assertTrue(stripe >= 0 && stripe < stripes);
            residues.computeIfAbsent(stripe, x -> new java.util.HashSet<>()).add((h ^ (h >>> 16)) & (stripes - 1));
            perStripe.merge(stripe, 1, Integer::sum);
        }
        assertEquals(stripes, perStripe.size(), "every stripe gets keys");
        for (var e : perStripe.entrySet()) {
            assertTrue(e.getValue() > 50_000 / stripes / 2, "stripe " + e.getKey() + " holds " + e.getValue() + " keys");
            assertEquals(stripes, residues.get(e.getKey()).size(), "stripe " + e.getKey() + "'s keys use every bucket residue");
        }
        assertEquals(0, ItemStore.stripeOf(12345, 0), "one stripe");
    }
}
