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


package io.laio.bench.laio;

import io.laio.Laio;
import io.laio.LaioCompletion;
import io.laio.LaioConfig;
import io.laio.Policy;
import java.lang.foreign.Arena;
import java.time.Duration;

/**
 * The two engines the syscall benchmarks set side by side, a LAZY and an EAGER one, with the
 * native memory their buffers live in; made in a benchmark's {@code @Setup} and closed in its
 * {@code @TearDown}. A benchmark copies {@link #lazy} and {@link #eager} into fields of its own
 * so that the measured calls load them as before.
 */
final class LazyAndEager implements AutoCloseable {
    /** A constant: a Duration made per call would be the only allocation measured (24 B/op). */
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(10);

    final Laio lazy = Laio.create(LaioConfig.builder().policy(Policy.LAZY).build());
    final Laio eager;
    final Arena arena = Arena.ofShared();
    private final LaioCompletion[] out = {new LaioCompletion()};

    LazyAndEager(int eagerHelpers) {
        eager = Laio.create(LaioConfig.builder().policy(Policy.EAGER).maxHelpers(eagerHelpers).build());
    }

    /** Waits for the eager engine's one call in flight: the second half of a round trip. */
    long eagerResult() {
        eager.poll(out, 1, POLL_TIMEOUT);
        return out[0].returnValue();
    }

    @Override
    public void close() {
        lazy.close();
        eager.close();
        arena.close();
    }
}
