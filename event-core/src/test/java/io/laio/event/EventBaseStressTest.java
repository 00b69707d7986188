package io.laio.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class EventBaseStressTest {

    @Test
    void hundredThousandTimersWithHalfDeletedFireInDeadlineOrderAndLeaveNothingBehind() {
        try (EventBase base = EventBase.create(new ParkingBackend())) {
            int n = 100_000;
            Random rnd = new Random(42);
            long[] fireOrderKey = new long[n];
            List<Integer> fired = new ArrayList<>();
            Event[] events = new Event[n];
            for (int i = 0; i < n; i++) {
                int id = i;
                long delayMicros = rnd.nextInt(50_000); // up to 50 ms, many equal
                fireOrderKey[i] = delayMicros;
                events[i] = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> fired.add(id), null);
            }
            // Added in one loop pass so every deadline is computed from the same cached time.
            base.execute(() -> {
                for (int i = 0; i < n; i++) {
                    events[i].add(Duration.ofNanos(fireOrderKey[i] * 1000));
                }
                for (int i = 0; i < n; i += 2) {
                    events[i].del();
                }
            });
            assertEquals(1, base.dispatch());
            assertEquals(n / 2, fired.size());
            for (int k = 1; k < fired.size(); k++) {
                int prev = fired.get(k - 1);
                int cur = fired.get(k);
                assertTrue(cur % 2 == 1, "a deleted timer fired: " + cur);
                assertTrue(fireOrderKey[prev] < fireOrderKey[cur]
                        || (fireOrderKey[prev] == fireOrderKey[cur] && prev < cur),
                        "out of order: " + prev + " then " + cur);
            }
            assertEquals(0, base.timerCount());
            assertEquals(0, base.insertedCount());
        }
    }

    @Test
    void aMillionExecuteCallsFromTwoThreadsEachRunOnceInPerThreadOrder() throws Exception {
        try (EventBase base = EventBase.create(new ParkingBackend())) {
            int perThread = 500_000;
            int[] next = new int[2];
            int[] errors = new int[1];
            int[] total = new int[1];
            CountDownLatch start = new CountDownLatch(1);
            Thread[] producers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                int tid = t;
                producers[t] = Thread.ofPlatform().name("producer-" + t).start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        int seq = i;
                        base.execute(() -> {
                            if (next[tid] != seq) {
                                errors[0]++;
                            }
                            next[tid] = seq + 1;
                            if (++total[0] == 2 * perThread) {
                                base.loopBreak();
                            }
                        });
                    }
                });
            }
            start.countDown();
            assertEquals(0, base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY));
            for (Thread p : producers) {
                p.join();
            }
            assertEquals(0, errors[0], "tasks ran out of per-thread order");
            assertEquals(2 * perThread, total[0]);
            assertEquals(perThread, next[0]);
            assertEquals(perThread, next[1]);
        }
    }

    @Test
    void crossThreadWakeUpsAreNeverLost() throws Exception {
        // A ping-pong: each task makes the producer send the next one only after it ran, so every
        // hand-off finds the loop asleep or about to sleep — the window a lost wake-up hides in.
        try (EventBase base = EventBase.create(new ParkingBackend())) {
            int rounds = 20_000;
            java.util.concurrent.SynchronousQueue<Integer> back = new java.util.concurrent.SynchronousQueue<>();
            Thread producer = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < rounds; i++) {
                        int v = i;
                        base.execute(() -> back.offer(v));
                        Integer got = back.poll(10, java.util.concurrent.TimeUnit.SECONDS);
                        if (got == null || got != v) {
                            throw new AssertionError("round " + i + " lost (got " + got + ")");
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    base.loopBreak();
                }
            });
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            producer.join();
            assertTrue(base.gotBreak());
        }
    }
}
