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

package io.laio.internal.lanes;

/**
 * When a spinner whose spins keep missing stops spinning every time: after
 * {@link #MISSES_BEFORE_BACKOFF} spins in a row that found nothing, it spins only every
 * {@link #BACKOFF_EVERY}th time it could, until one finds work again. Work that comes further
 * apart than a spin then costs a spin now and then instead of one per wait, which on a machine
 * with few cores is CPU taken from the threads doing the work (docs/design/wakeup.md).
 *
 * <p>Threading: one instance per spinning thread (a helper, a loop), used by that thread only;
 * plain fields.
 */
public final class SpinBackoff {
    static final int MISSES_BEFORE_BACKOFF = 8;
    static final int BACKOFF_EVERY = 8; // a power of two

    private int misses;
    private int skips;

    /** Whether to spin now (counts a skipped turn when not). */
    public boolean shouldSpin() {
        return misses < MISSES_BEFORE_BACKOFF || (++skips & (BACKOFF_EVERY - 1)) == 0;
    }

    /** The spin {@link #shouldSpin} allowed ended; {@code hit}: it found work. */
    public void ended(boolean hit) {
        misses = hit ? 0 : misses + 1;
    }
}
