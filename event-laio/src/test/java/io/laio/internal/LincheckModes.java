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

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * How long the Lincheck model checks of event-laio run. Short by default (the CI budget: 8
 * scenarios of 150 interleavings each, a few seconds per test on top of Lincheck's start-up,
 * which is 15-30 s per test JVM on a loaded 2-core machine); {@code -Dlaio.lincheck.long=true}
 * explores 50 scenarios of 2,000 interleavings, with more operations per thread (minutes per
 * test; tens of minutes in all on a loaded machine):
 * <pre>
 *   mvn -B -pl event-core,event-nio,event-laio test -Dtest='*Lincheck*' \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dlaio.lincheck.long=true
 * </pre>
 */
public final class LincheckModes {
    public static final boolean LONG = Boolean.getBoolean("laio.lincheck.long");

    private LincheckModes() {}

    /** Model checking with {@code threads} threads of {@code actors} operations each. */
    public static ModelCheckingOptions modelChecking(int threads, int actors) {
        return new ModelCheckingOptions()
                .iterations(LONG ? 50 : 8)
                .invocationsPerIteration(LONG ? 2_000 : 150)
                .threads(threads)
                .actorsPerThread(actors)
                .actorsBefore(LONG ? 2 : 1)
                .actorsAfter(LONG ? 2 : 1);
    }
}
