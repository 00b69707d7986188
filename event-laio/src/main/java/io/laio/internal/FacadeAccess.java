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

import io.laio.LaioCompletion;
import io.laio.LaioHandle;
import java.lang.invoke.MethodHandles;

/**
 * The bridge from the engine's packages to the package-private parts of the public facade
 * ({@link LaioHandle}'s constructor, identity and re-pointing, {@link LaioCompletion}'s filling), so that
 * neither needs a public member that is not API (event-core's {@code LoopAccess} is the model).
 * Not exported: only this module installs or reads it. {@code LaioHandle}'s static initialiser
 * installs it; {@link #get()} makes sure that has run.
 */
public interface FacadeAccess {
    /** A new handle for generation {@code gen} of {@code call}. */
    LaioHandle newHandle(LaioCall call, long gen);

    /** Whether {@code h} names generation {@code gen} of {@code call} now (a reused handle may name another call). */
    boolean names(LaioHandle h, LaioCall call, long gen);

    /**
     * Makes {@code h} name generation {@code gen} of {@code call} ({@code Laio.gethandle(reuse)},
     * after the handle's previous call was found reusable).
     */
    void repoint(LaioHandle h, LaioCall call, long gen);

    /** Copies {@code call}'s outcome into {@code slot} (the consumer's thread). */
    void fill(LaioCompletion slot, LaioCall call);

    /** The installed bridge, initialising {@link LaioHandle} first if nothing has yet. */
    static FacadeAccess get() {
        FacadeAccess a = Holder.access;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(LaioHandle.class);
            } catch (IllegalAccessException e) {
                throw new AssertionError("io.laio.LaioHandle is public in this module", e);
            }
            a = Holder.access;
        }
        return a;
    }

    /** Called once, from {@code LaioHandle}'s static initialiser. */
    static void install(FacadeAccess access) {
        Holder.access = access;
    }

    /** Holds the bridge (an interface has no private static fields). */
    final class Holder {
        private static volatile FacadeAccess access;

        private Holder() {}
    }
}
