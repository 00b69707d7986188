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

package io.laio.internal.completion;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The background's two bounds, counted at submission and released at completion: calls on
 * helpers ({@code maxHelpers + maxQueued}), and socket waits ({@link #MAX_SOCKET_WAITS}: they
 * hold no thread, so their bound is far higher). Any thread.
 */
public final class InFlight {
    /** Socket calls waiting for readiness hold no thread: their own, much higher bound. */
    static final int MAX_SOCKET_WAITS = 1 << 20;

    private final AtomicInteger helpers = new AtomicInteger();
    private final AtomicInteger socketWaits = new AtomicInteger();
    private final int maxHelpers;
    /** {@link #MAX_SOCKET_WAITS}, lowered by tests that need a refused wait. */
    public int maxSocketWaits = MAX_SOCKET_WAITS;

    public InFlight(int maxHelpers) {
        this.maxHelpers = maxHelpers;
    }

    /** Counts one more call of the kind; {@code false} (nothing counted) when its bound is reached. */
    public boolean tryAcquire(boolean socketWait) {
        AtomicInteger count = socketWait ? socketWaits : helpers;
        if (count.incrementAndGet() > (socketWait ? maxSocketWaits : maxHelpers)) {
            count.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release(boolean socketWait) {
        (socketWait ? socketWaits : helpers).decrementAndGet();
    }

    /** Whether a helper call is in flight: the loop may spin for its completion. */
    boolean onHelpers() {
        return helpers.get() != 0;
    }

    public int total() {
        return helpers.get() + socketWaits.get();
    }
}
