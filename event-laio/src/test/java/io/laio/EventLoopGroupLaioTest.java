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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Laio per loop of an EventLoopGroup: each completes on its own loop, and a graceful shutdown loses no call. */
@Timeout(60)
class EventLoopGroupLaioTest {
    private static final int LOOPS = 3;
    private static final int CALLS = 4; // per loop: one on the helper, three queued behind it (maxHelpers 1)

    private static long threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).count();
    }

    @Test
    void shutdownWithCallsInFlightOnEveryLoopCompletesOrCancelsEachExactlyOnce() throws Exception {
        long helpersBefore = threads("laio-helper");
        Laio[] laios = new Laio[LOOPS];
        Map<String, AtomicInteger> reports = new ConcurrentHashMap<>();
        List<String> wrongLoop = new ArrayList<>();
        EventLoopGroup group = EventLoopGroup.builder().loops(LOOPS).threadName("g-laio")
                .onLoopStart((base, i) -> laios[i] = Laio.attach(base, LaioConfig.builder().maxHelpers(1).build()))
                .onLoopEnd((base, i) -> laios[i].close())
                .build();
        CountDownLatch issued = new CountDownLatch(LOOPS);
        for (int loop = 0; loop < LOOPS; loop++) {
            int li = loop;
            group.execute(loop, () -> {
                EventBase base = group.get(li);
                Laio laio = laios[li];
                for (int c = 0; c < CALLS; c++) {
                    String id = li + "/" + c;
                    long r = laio.call(() -> {
                        Thread.sleep(100);
                        return 7;
                    });
                    assertEquals(-1, r);
                    assertEquals(Errno.EINPROGRESS, Laio.errno());
                    LaioHandle h = laio.gethandle();
                    Event.set(base, h, Ev.LAIO, (ev, what, arg) -> {
                        if (!base.inLoop()) {
                            synchronized (wrongLoop) {
                                wrongLoop.add(id);
                            }
                        }
                        String outcome = ev.result() == 7 ? "completed" : ev.error() == Errno.ECANCELED ? "cancelled"
                                : "result " + ev.result() + " errno " + ev.error();
                        reports.computeIfAbsent(id + " " + outcome, k -> new AtomicInteger()).incrementAndGet();
                    }, null).add();
                    if (c == CALLS - 1) {
                        assertTrue(laio.cancel(h), "the last call is still queued behind the others");
                    }
                }
                issued.countDown();
            });
        }
        assertTrue(issued.await(10, TimeUnit.SECONDS));
        group.shutdownGracefully(Duration.ZERO, Duration.ofSeconds(30)); // while every loop has calls in flight
        assertTrue(group.awaitTermination(Duration.ofSeconds(40)));

        assertEquals(List.of(), wrongLoop, "every completion ran on the loop of its Laio");
        assertEquals(LOOPS * CALLS, reports.size(), "one outcome per call: " + reports.keySet());
        for (int loop = 0; loop < LOOPS; loop++) {
            for (int c = 0; c < CALLS; c++) {
                String key = loop + "/" + c + " " + (c == CALLS - 1 ? "cancelled" : "completed");
                assertEquals(1, reports.getOrDefault(key, new AtomicInteger()).get(), key + " in " + reports.keySet());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads("laio-helper") > helpersBefore && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(helpersBefore, threads("laio-helper"), "every helper thread ended");
        assertEquals(0, threads("g-laio"), "every loop thread ended");
    }
}
