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

package io.laio.buffer;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventCallback;
import java.util.concurrent.CompletableFuture;

/**
 * {@link java.util.concurrent.CompletionStage}s for LAIO calls: the Java-style way to wait for
 * a call that may finish in the background. Allocates a future (and, for a background call, an
 * event) per call: for hot paths use {@link Ev#LAIO} events directly.
 */
public final class LaioStages {
    private static final EventCallback ON_DONE = (ev, what, arg) -> {
        @SuppressWarnings("unchecked")
        CompletableFuture<Long> f = (CompletableFuture<Long>) arg;
        complete(f, ev.result(), ev.error(), ((LaioHandle) ev.source()).exception());
    };

    private LaioStages() {}

    /**
     * Turns what a call on {@code laio} just returned on this thread into a stage: pass the
     * return value straight from the call, e.g.
     * {@code LaioStages.of(laio, laio.syscall(Sys.SYS_fsync, fd))}. A call that completed inline
     * gives a completed stage; a background call's stage completes on the loop thread of
     * {@code laio}'s base when its {@link Ev#LAIO} event would run.
     *
     * @param laio     the Laio the call was made on; attached to a base
     * @param returned the call's return value
     * @return a stage with the call's result (never -1), or completed exceptionally with an
     *         {@link ErrnoException} for a failed call (the cause, for a failed
     *         {@link Laio#call Java call} that threw)
     * @throws IllegalArgumentException if {@code laio} is standalone and the call went to the background
     */
    public static CompletableFuture<Long> of(Laio laio, long returned) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        if (returned != -1) {
            f.complete(returned);
            return f;
        }
        int e = Laio.errno();
        if (e != Errno.EINPROGRESS) {
            f.completeExceptionally(new ErrnoException("system call", e));
            return f;
        }
        if (laio.base() == null) {
            throw new IllegalArgumentException("a standalone Laio reports background calls through poll(), not events");
        }
        Event.set(laio.base(), laio.gethandle(), Ev.LAIO, ON_DONE, f).add();
        return f;
    }

    private static void complete(CompletableFuture<Long> f, long result, int errno, Throwable thrown) {
        if (result != -1) {
            f.complete(result);
            return;
        }
        ErrnoException e = new ErrnoException("system call", errno);
        if (thrown != null) {
            e.initCause(thrown);
        }
        f.completeExceptionally(e);
    }
}
