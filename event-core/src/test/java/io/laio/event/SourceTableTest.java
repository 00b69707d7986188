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

package io.laio.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The base's source table against {@link HashMap} as the model, with keys built to collide. */
class SourceTableTest {

    /** A key equal by number whose hash is the number modulo {@code buckets}: runs of collisions, wrapping the table's end. */
    private record Key(int n, int buckets) {
        @Override
        public int hashCode() {
            return Math.floorMod(n, buckets);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.n == n;
        }
    }

    @Test
    void equalSourcesAreOneEntry() {
        SourceTable t = new SourceTable();
        SourceRecord rec = new SourceRecord(new Key(7, 64));
        t.put(new Key(7, 64), rec);
        assertSame(rec, t.get(new Key(7, 64)), "another object equal to the key finds its record");
        t.remove(new Key(7, 64));
        assertNull(t.get(new Key(7, 64)));
        assertEquals(0, t.size());
    }

    @Test
    void randomAddsAndRemovesAgreeWithAHashMap() {
        for (int buckets : new int[] {1, 3, 64, 1 << 20}) {
            Random random = new Random(buckets);
            SourceTable table = new SourceTable();
            Map<Key, SourceRecord> model = new HashMap<>();
            for (int step = 0; step < 20_000; step++) {
                Key k = new Key(random.nextInt(300), buckets);
                if (random.nextInt(3) > 0 && !model.containsKey(k)) {
                    SourceRecord rec = new SourceRecord(k);
                    table.put(new Key(k.n, buckets), rec);
                    model.put(k, rec);
                } else {
                    table.remove(new Key(k.n, buckets));
                    model.remove(k);
                }
                assertEquals(model.size(), table.size(), "size at step " + step);
                if (step % 97 == 0) {
                    for (int n = 0; n < 300; n++) {
                        Key probe = new Key(n, buckets);
                        assertSame(model.get(probe), table.get(probe), "source " + n + " at step " + step + ", " + buckets + " buckets");
                    }
                    assertEquals(model.size(), table.snapshot().length);
                }
            }
        }
    }
}
