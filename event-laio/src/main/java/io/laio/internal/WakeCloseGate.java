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

package io.laio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A backend's wake-up racing its {@code close()}: a wake-up writes to a descriptor (an eventfd,
 * a ring) that close frees, and the kernel gives a freed number to the next {@code open} (a
 * socket, a file), so a late write would land in that stranger. One word counts the wake-ups in
 * flight and holds {@link #CLOSED} once close began: a wake-up that sees {@code CLOSED} does
 * nothing, and close frees the descriptors only after the count fell to zero.
 *
 * <p>A wake-up counts itself in before the {@code CLOSED} check that decides: close either sees
 * it in flight and waits for it, or set {@code CLOSED} first and the wake-up sees it (both are
 * volatile read-modify-writes). Two atomic adds per wake-up, which the base's wake-up protocol
 * makes one per sleep at most.
 */
public final class WakeCloseGate {
    /** Bit of {@link #state}: close() began; the low bits count wake-ups in flight. */
    private static final int CLOSED = 1 << 30;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(WakeCloseGate.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Runnable signal;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** A gate whose wake-ups run {@code signal} (the write to the descriptor close frees). */
    public WakeCloseGate(Runnable signal) {
        this.signal = signal;
    }

    /** Any thread: runs the signal, or does nothing once {@link #close()} began. */
    public void wake() {
        if (enter()) {
            try {
                signal.run();
            } finally {
                exit();
            }
        }
    }

    /**
     * Any thread: counts a use of the descriptors in flight (then {@link #exit()} must follow),
     * or refuses it once {@link #close()} began. For a use other than the signal, such as an
     * {@code epoll_ctl} on the descriptor close frees.
     *
     * @return true if the descriptors stay open until {@link #exit()}
     */
    public boolean enter() {
        if (((int) STATE.getVolatile(this) & CLOSED) != 0) {
            return false; // closed long since: not even counted, so callers that go on cannot keep close() waiting
        }
        if (((int) STATE.getAndAdd(this, 1) & CLOSED) == 0) {
            return true;
        }
        exit();
        return false;
    }

    /** Ends a use that {@link #enter()} admitted. */
    public void exit() {
        STATE.getAndAdd(this, -1);
    }

    /**
     * Begins closing and waits for the wake-ups in flight to finish their signal.
     *
     * @return true for the call that closed (it frees the descriptors now); false if close had begun before
     */
    public boolean close() {
        if (((int) STATE.getAndBitwiseOr(this, CLOSED) & CLOSED) != 0) {
            return false;
        }
        while ((int) STATE.getVolatile(this) != CLOSED) {
            Thread.yield(); // a wake-up is signalling: one system call (yield: its thread may be descheduled)
        }
        return true;
    }

    /** Wake-ups counted in flight (0 or more), for tests. */
    public int inFlight() {
        return (int) STATE.getVolatile(this) & ~CLOSED;
    }
}
