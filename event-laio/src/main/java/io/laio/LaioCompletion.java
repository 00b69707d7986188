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

package io.laio;

import io.laio.internal.LaioCall;

/**
 * A reusable slot that {@link Laio#poll} fills with one completed background call. Allocate an
 * array of them once and pass it to every poll: nothing is allocated per completion.
 * {@link #returnValue()} and {@link #errno()} are copies and stay; {@link #handle()} is valid
 * until the next {@code poll} on the same Laio (then it is stale, see {@link LaioHandle}).
 */
public final class LaioCompletion {
    private LaioCall call;
    private long generation;
    private long returnValue;
    private int errno;

    /** An empty slot: {@link #handle()} is {@code null} until a {@link Laio#poll} fills it. */
    public LaioCompletion() {}

    void fill(LaioCall c) {
        call = c;
        generation = c.generation();
        returnValue = c.result;
        errno = c.errno;
    }

    /**
     * The handle {@link Laio#gethandle()} returned for the call (the same object), or {@code null}
     * if this slot was never filled. Made on demand: a caller that never asks allocates nothing.
     */
    public LaioHandle handle() {
        return call == null ? null : call.handle(generation);
    }

    /** The call's return value ({@code -1} on failure). */
    public long returnValue() {
        return returnValue;
    }

    /** The call's errno: 0 on success, {@link Errno#ECANCELED} if it was cancelled while queued. */
    public int errno() {
        return errno;
    }

    @Override
    public String toString() {
        return "LaioCompletion[" + handle() + " returnValue=" + returnValue + " errno=" + Errno.name(errno) + "]";
    }
}
