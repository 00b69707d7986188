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

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection limit of a hand-off group, held across all its loops: one count of the
 * connections open on any loop, which the accepting loop raises for each connection it takes
 * (before handing it on) and checks before each accept, and which the loop that serves a
 * connection lowers when it closes. At the limit the accepting loop pauses its listener,
 * newcomers waiting in the kernel's backlog; the close that brings the count under the limit
 * again, on whichever loop, has the listener resumed on the accepting loop.
 *
 * <p>Threading: {@link #full()} and {@link #opened()} on the accepting loop only (so the count
 * rises only there, and a check then a raise cannot overshoot); {@link #closed()} on any loop.
 */
final class ConnectionGate {
    private final int limit;
    private final Runnable resume;
    private final Runnable afterCheck;
    private final AtomicInteger open = new AtomicInteger();
    /** Set by the accepting loop as it pauses; whichever close clears it posts the one resume. */
    private final AtomicBoolean paused = new AtomicBoolean();

    /**
     * @param limit  connections open at once on all loops; 0 or less: no limit (only counted)
     * @param resume posts the listener's resume to the accepting loop; called from any loop
     */
    ConnectionGate(int limit, Runnable resume) {
        this(limit, resume, () -> { });
    }

    /** Tests: {@code afterCheck} runs in {@link #full()} between the check and the pause, where a close may land. */
    ConnectionGate(int limit, Runnable resume, Runnable afterCheck) {
        this.limit = limit > 0 ? limit : Integer.MAX_VALUE;
        this.resume = resume;
        this.afterCheck = afterCheck;
    }

    /**
     * Accepting loop: whether the limit is reached; if so the caller pauses its listener, and
     * {@code resume} runs once a connection closes.
     */
    boolean full() {
        if (open.get() < limit) {
            return false;
        }
        afterCheck.run();
        paused.set(true);
        // a close between the check and the flag saw no pause to end: look again
        if (open.get() < limit && paused.compareAndSet(true, false)) {
            return false;
        }
        return true; // paused; or a close cleared the flag just now and has posted the resume
    }

    /** Accepting loop: it took a connection (to serve, or to hand to another loop). */
    void opened() {
        open.incrementAndGet();
    }

    /** Any loop: a connection counted by {@link #opened()} has closed (or was dropped unserved). */
    void closed() {
        open.decrementAndGet();
        if (paused.get() && paused.compareAndSet(true, false)) {
            resume.run();
        }
    }

    /** Connections open now on all loops. */
    int open() {
        return open.get();
    }

    /** The limit held; {@link Integer#MAX_VALUE} for none. */
    int limit() {
        return limit;
    }
}
