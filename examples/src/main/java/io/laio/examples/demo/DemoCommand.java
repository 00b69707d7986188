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

package io.laio.examples.demo;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.examples.Check;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A tour of the loop: a persistent timer, a one-shot timer, a task from another thread. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs timers and a cross-thread task on one event loop, then exits.")
public final class DemoCommand implements Callable<Integer> {
    static final int MAX_TICKS = 1_000_000;
    static final long MAX_INTERVAL_MS = 3_600_000;

    @Spec
    CommandSpec spec;

    @Option(names = "--ticks", defaultValue = "5",
            description = "How many ticks of the periodic timer, 1.." + MAX_TICKS + " (default: ${DEFAULT-VALUE}).")
    int ticks;

    @Option(names = "--interval-ms", defaultValue = "200",
            description = "Tick interval in ms, 1.." + MAX_INTERVAL_MS + " (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Override
    public Integer call() throws Exception {
        Check check = Check.of(spec);
        check.range("--ticks", ticks, 1, MAX_TICKS);
        check.range("--interval-ms", intervalMs, 1, MAX_INTERVAL_MS);
        try (EventBase base = EventBase.create()) {
            long start = System.nanoTime();
            int[] count = {0};
            Event tick = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (ev, what, arg) -> {
                count[0]++;
                System.out.printf("%6.1f ms  tick %d (%s)%n", (System.nanoTime() - start) / 1e6, count[0], Ev.toString(what));
                if (count[0] == ticks) {
                    ev.del();
                }
            }, null);
            tick.add(Duration.ofMillis(intervalMs));
            base.once(null, Ev.TIMEOUT, (ev, what, arg) ->
                    System.out.printf("%6.1f ms  one-shot timer: %s%n", (System.nanoTime() - start) / 1e6, arg),
                    "hello from once()", Duration.ofMillis(intervalMs * 3 / 2));
            Thread producer = Thread.ofPlatform().name("demo-producer").start(() ->
                    base.execute(() -> System.out.printf("%6.1f ms  task from thread %s ran on the loop (inLoop=%b)%n",
                            (System.nanoTime() - start) / 1e6, "demo-producer", base.inLoop())));
            int rc = base.dispatch();
            producer.join();
            System.out.printf("loop returned %d after %d ticks: no events pending%n", rc, count[0]);
            return 0;
        }
    }
}
