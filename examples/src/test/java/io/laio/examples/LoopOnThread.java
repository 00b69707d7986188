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

package io.laio.examples;

import io.laio.event.Ev;
import io.laio.event.EventBase;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A base's loop running on a thread of its own for the length of a test: work handed to it with
 * its result (or failure) brought back to the test thread, and a stop that runs a last piece of
 * work on the loop, ends it, and fails if it does not end or failed.
 */
public final class LoopOnThread {
    private final EventBase base;
    private final Thread thread;
    private volatile Throwable failure;

    private LoopOnThread(EventBase base, String name) {
        this.base = base;
        this.thread = Thread.ofPlatform().name(name).start(() -> {
            try {
                base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            } catch (Throwable t) {
                failure = t;
            }
        });
    }

    /** Runs {@code base}'s loop on a new thread named {@code name} until {@link #stop}. */
    public static LoopOnThread start(EventBase base, String name) {
        return new LoopOnThread(base, name);
    }

    /** Runs {@code work} on the loop thread and returns its result here (10 s at most). */
    public <T> T onLoop(Callable<T> work) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        base.execute(() -> {
            try {
                f.complete(work.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Runs {@code last} on the loop thread, ends the loop and closes the base. */
    public void stop(Runnable last) throws Exception {
        onLoop(() -> {
            last.run();
            return null;
        });
        base.execute(base::loopBreak);
        thread.join(10_000);
        base.close();
        if (thread.isAlive()) {
            throw new AssertionError("the loop did not end within 10 s");
        }
        if (failure != null) {
            throw new AssertionError("the loop failed", failure);
        }
    }
}
