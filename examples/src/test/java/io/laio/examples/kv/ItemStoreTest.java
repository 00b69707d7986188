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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ItemStoreTest {
    private static Item item(String key, int size, long now) {
        return new Item(key, new byte[size], 0, 0, 1, now);
    }

    /**
     * A hit marks its item instead of relinking it; the old end of the LRU gives a marked item a
     * second chance (to the new end, unmarked), so a looked-up item outlives the items stored
     * before it and after it that nobody looked up.
     */
    @Test
    void storingPastTheLimitEvictsTheLeastRecentlyUsed() {
        long one = Item.size(1, 100);
        ItemStore s = new ItemStore(3 * one);
        s.put(item("a", 100, 0));
        s.put(item("b", 100, 0));
        s.put(item("c", 100, 0));
        assertNotNull(s.get("a", 0)); // a is now the most recently used
        assertEquals(List.of("a", "b", "c"), keys(s), "a hit relinks nothing");
        s.put(item("d", 100, 0));
        assertNull(s.get("b", 0));
        assertEquals(List.of("c", "a", "d"), keys(s));
        assertEquals(1, s.evictions());
        assertEquals(3 * one, s.bytes());
        assertFalse(s.put(item("e", (int) (3 * one), 0)), "larger than all memory");
        assertEquals(3, s.size(), "and evicts nothing");
    }

    @Test
    void anItemIsSparedOncePerLookupThenEvictedInItsTurn() {
        long one = Item.size(1, 100);
        ItemStore s = new ItemStore(3 * one);
        s.put(item("a", 100, 0));
        s.put(item("b", 100, 0));
        s.put(item("c", 100, 0));
        assertNotNull(s.get("a", 0));
        assertNotNull(s.get("a", 0)); // a second hit marks nothing more: a is spared once
        assertNotNull(s.get("c", 0));
        s.put(item("d", 100, 0)); // a spared, b evicted
        assertEquals(List.of("c", "a", "d"), keys(s));
        s.put(item("e", 100, 0)); // c spared, a's mark was used up: a evicted
        assertEquals(List.of("d", "c", "e"), keys(s));
        assertNull(s.get("a", 0));
        assertNull(s.get("b", 0));
        s.put(item("f", 100, 0)); // nothing marked: the oldest goes
        assertEquals(List.of("c", "e", "f"), keys(s));
        assertEquals(3, s.evictions());
    }

    /** A second chance uses the mark up: with every item marked, one pass unmarks them all and the oldest goes. */
    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a mark never used up would spin forever
    void whenEveryItemIsMarkedTheOldestIsEvictedAfterOnePass() {
        long one = Item.size(1, 100);
        ItemStore s = new ItemStore(3 * one);
        for (String k : List.of("a", "b", "c")) {
            s.put(item(k, 100, 0));
            assertNotNull(s.get(k, 0));
        }
        s.put(item("d", 100, 0));
        assertEquals(List.of("b", "c", "d"), keys(s));
        assertEquals(3 * one, s.bytes());
    }

    private static List<String> keys(ItemStore s) {
        return s.liveItems(0).stream().map(Item::keyString).toList();
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
     * the keys of each stripe fall into every residue of the low bits its table takes its bucket
     * from, so no stripe crowds its keys into a fraction of its buckets (about 3,100 keys fill 976
     * of 1,024 buckets at random; with the bits the stripe is picked by, they would fill 64).
     */
    @Test
    void theKeysOfAStripeSpreadOverItsBuckets() {
        int stripes = 16;
        String suffix = "aerGoHfjogXv-2ynmDLpGRqo5HxXErMpTB3GTizFMU8LW57HIS4ZtuLy";
        Map<Integer, Set<Integer>> residues = new HashMap<>();
        Map<Integer, Integer> perStripe = new HashMap<>();
        for (long counter = 0; counter < 50_000; counter++) {
            StringBuilder key = new StringBuilder();
            for (int b = 0; b < 8; b++) {
                key.append((char) (b < 3 ? (counter >>> (8 * b)) & 0xff : 0x10));
            }
            byte[] k = latin1(key.append(suffix, 0, 56 - (int) (counter % 7)).toString());
            int h = ItemStore.hash(k, 0, k.length);
            int stripe = ItemStore.stripeOf(h, stripes - 1);
            assertTrue(stripe >= 0 && stripe < stripes);
            residues.computeIfAbsent(stripe, x -> new HashSet<>()).add(h & 1023);
            perStripe.merge(stripe, 1, Integer::sum);
        }
        assertEquals(stripes, perStripe.size(), "every stripe gets keys");
        for (var e : perStripe.entrySet()) {
            assertTrue(e.getValue() > 50_000 / stripes / 2, "stripe " + e.getKey() + " holds " + e.getValue() + " keys");
            assertTrue(residues.get(e.getKey()).size() > 900, "stripe " + e.getKey() + "'s keys use "
                    + residues.get(e.getKey()).size() + " of 1024 buckets");
        }
        assertEquals(0, ItemStore.stripeOf(12345, 0), "one stripe");
    }

    @Test
    void aKeysHashDoesNotDependOnWhereItsBytesLie() {
        Random rnd = new Random(7);
        byte[] b = new byte[400];
        rnd.nextBytes(b);
        for (int len = 0; len <= 260; len++) {
            byte[] alone = Arrays.copyOfRange(b, 0, len);
            int h = ItemStore.hash(alone, 0, len);
            for (int off = 1; off < 16; off++) {
                System.arraycopy(alone, 0, b, off, len);
                assertEquals(h, ItemStore.hash(b, off, len), "length " + len + " at " + off);
            }
            b = new byte[400];
            rnd.nextBytes(b);
        }
        assertNotEquals(ItemStore.hash(latin1("ab"), 0, 2), ItemStore.hash(latin1("ab\0"), 0, 3), "length counts");
    }

    /** Two keys of one 32-bit hash (found by a birthday search) share a bucket and stay two items. */
    @Test
    void keysOfTheSameHashAreDifferentItems() {
        Map<Integer, String> seen = new HashMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) {
            String k = "collide-" + i;
            byte[] kb = latin1(k);
            String other = seen.putIfAbsent(ItemStore.hash(kb, 0, kb.length), k);
            if (other != null) {
                a = other;
                b = k;
            }
        }
        ItemStore s = new ItemStore(1 << 20);
        s.put(new Item(a, latin1("A"), 0, 0, 1, 0));
        s.put(new Item(b, latin1("B"), 0, 0, 2, 0));
        assertEquals(2, s.size());
        assertEquals("A", new String(s.get(a, 0).value, StandardCharsets.ISO_8859_1));
        assertEquals("B", new String(s.get(b, 0).value, StandardCharsets.ISO_8859_1));
        assertTrue(s.remove(a, 0));
        assertNull(s.get(a, 0));
        assertEquals("B", new String(s.get(b, 0).value, StandardCharsets.ISO_8859_1), "the other stays");
        s.put(new Item(a, latin1("A2"), 0, 0, 3, 0));
        assertTrue(s.remove(b, 0), "removed from behind another in its bucket");
        assertEquals("A2", new String(s.get(a, 0).value, StandardCharsets.ISO_8859_1));
        assertEquals(Item.size(a.length(), 2), s.bytes());
    }

    @Test
    void everyKeyIsFoundAsTheTablesGrow() {
        ItemStore s = new ItemStore(1L << 30, 4);
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            s.put(item("key" + i, 1, 0));
        }
        assertEquals(n, s.size());
        for (int i = 0; i < n; i += 2) {
            assertTrue(s.remove("key" + i, 0), "key" + i);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i % 2 == 1, s.get("key" + i, 0) != null, "key" + i);
        }
        assertEquals(n / 2, s.size());
        assertEquals(n / 2 * Item.size(0, 1) + bytesOfKeys(n), s.bytes());
        s.flush(0, 0);
        assertEquals(0, s.size());
        assertNull(s.get("key1", 0));
        s.put(item("key1", 1, 0));
        assertNotNull(s.get("key1", 0), "usable after a flush");
    }

    private static long bytesOfKeys(int n) {
        long b = 0;
        for (int i = 1; i < n; i += 2) {
            b += ("key" + i).length();
        }
        return b;
    }

    /** Keys are bytes: any byte but the protocol's separators, up to memcached's 250, compared in full. */
    @Test
    void keysAreBinaryBytesComparedInFull() {
        ItemStore s = new ItemStore(1 << 20);
        byte[] key = new byte[250];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (0x80 + i % 128); // every high byte: not text in any charset
        }
        byte[] lastDiffers = key.clone();
        lastDiffers[249] ^= 1;
        byte[] shorter = Arrays.copyOf(key, 249);
        s.put(new Item(key, latin1("full"), 0, 0, 1, 0));
        s.put(new Item(lastDiffers, latin1("last"), 0, 0, 2, 0));
        s.put(new Item(shorter, latin1("short"), 0, 0, 3, 0));
        assertEquals(3, s.size());
        byte[] request = new byte[300];
        System.arraycopy(key, 0, request, 17, 250); // looked up where a request line has it
        int h = ItemStore.hash(request, 17, 250);
        assertEquals("full", new String(s.get(h, request, 17, 250, 0).value, StandardCharsets.ISO_8859_1));
        assertEquals("short", new String(s.get(ItemStore.hash(request, 17, 249), request, 17, 249, 0).value,
                StandardCharsets.ISO_8859_1));
        request[17 + 249] ^= 1;
        assertEquals("last", new String(s.get(ItemStore.hash(request, 17, 250), request, 17, 250, 0).value,
                StandardCharsets.ISO_8859_1));
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
