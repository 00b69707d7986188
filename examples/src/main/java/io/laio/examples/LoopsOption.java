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

import picocli.CommandLine.Option;

/**
 * {@code --loops N} and {@code --accept}, shared by every server command (a picocli mixin, so
 * the option reads and is checked the same everywhere).
 */
public final class LoopsOption {
    /** The most loops a server takes: far beyond any core count this code was measured on. */
    public static final int MAX_LOOPS = 1024;

    @Option(names = "--loops", description = "event loops, each on its own thread, 1.." + MAX_LOOPS
            + "; 0 means one per available processor (default: ${DEFAULT-VALUE})", defaultValue = "0")
    int loops;

    @Option(names = "--accept", defaultValue = "reuseport", converter = AcceptConverter.class,
            description = "how connections reach the loops: reuseport (a SO_REUSEPORT listener per loop, the kernel"
                    + " balances) or handoff (loop 0 accepts and hands each connection round robin) "
                    + "(default: ${DEFAULT-VALUE})")
    Accept accept;

    /** How a multi-loop server spreads its connections. */
    public enum Accept {
        /** One {@code SO_REUSEPORT} listener per loop; the kernel picks the loop of each connection. */
        REUSEPORT,
        /** One listener on loop 0, which hands each connection to the next loop in turn. */
        HANDOFF;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** {@code --accept}'s values. */
    public static final class AcceptConverter extends Check.EnumConverter<Accept> {
        /** The converter picocli instantiates. */
        public AcceptConverter() {
            super(Accept.class);
        }
    }

    /**
     * The number of loops asked for, checked: {@code --loops}, or the available processors for 0.
     *
     * @throws picocli.CommandLine.ParameterException if it is out of range
     */
    public int loops(Check check) {
        check.range("--loops", loops, 0, MAX_LOOPS);
        return loops == 0 ? Runtime.getRuntime().availableProcessors() : loops;
    }

    /** Whether {@code --loops} was given (not left to the processor count). */
    public boolean explicit() {
        return loops != 0;
    }

    /** {@code --accept}. */
    public Accept accept() {
        return accept;
    }
}
