package io.laio;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

/**
 * How long the Lincheck model checks of event-laio run. Short by default (the CI budget: a few
 * seconds each on a loaded 2-core machine); {@code -Dlaio.lincheck.long=true} explores many more
 * scenarios and interleavings (minutes):
 * <pre>
 *   mvn -B -pl event-core,event-nio,event-laio test -Dtest='*Lincheck*' \
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dlaio.lincheck.long=true
 * </pre>
 */
final class LincheckModes {
    static final boolean LONG = Boolean.getBoolean("laio.lincheck.long");

    private LincheckModes() {}

    /** Model checking with {@code threads} threads of {@code actors} operations each. */
    static ModelCheckingOptions modelChecking(int threads, int actors) {
        return new ModelCheckingOptions()
                .iterations(LONG ? 300 : 8)
                .invocationsPerIteration(LONG ? 10_000 : 150)
                .threads(threads)
                .actorsPerThread(actors)
                .actorsBefore(LONG ? 2 : 1)
                .actorsAfter(LONG ? 2 : 1);
    }
}
