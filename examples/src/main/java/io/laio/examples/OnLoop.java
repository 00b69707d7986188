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

import io.laio.event.EventLoopGroup;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Set-up work run on one loop of a group, waited for by the caller: what a loop owns (its
 * listener, its server, its {@code Laio}) is made on its own thread, and a failure there is
 * thrown here as it was thrown there.
 */
public final class OnLoop {
    /** The work; it runs on the loop's thread. */
    public interface Work<T> {
        /** Makes what the loop will own. */
        T run() throws IOException;
    }

    private OnLoop() {}

    /**
     * Runs {@code work} on loop {@code index} of {@code group} and returns its result.
     *
     * @throws IOException an {@code IOException} the work threw, one wrapping any other checked
     *                     throwable, or one saying the wait was interrupted (the interrupt is kept)
     */
    public static <T> T call(EventLoopGroup group, int index, Work<T> work) throws IOException {
        CompletableFuture<T> f = new CompletableFuture<>();
        group.execute(index, () -> {
            try {
                f.complete(work.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while loop " + index + " set up", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IOException(e.getCause());
        }
    }
}
