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

package io.laio.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.contract.CrossThreadFailures;
import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The loop's spin before it sleeps ({@link LoopSpin}, {@link EventBase#spinBeforeSleep}): tasks
 * handed while it spins cost no wake-up, a loop without tasks never spins (an idle loop costs no
 * CPU), a loop whose spins keep missing backs off, and a task enqueued between the end of a spin
 * and the publication of the sleep is never lost.
 */
@Timeout(60)
class LoopSpinTest {
    /** The kernel's clock ticks per second, in which /proc reports CPU time (USER_HZ: 100 on Linux). */
    private static final long TICK_NANOS = 10_000_000L;

    private final CrossThreadFailures failures = new CrossThreadFailures();
    private final AtomicInteger backendWakeups = new AtomicInteger();
    /** The backend wake-ups {@link #runProducer} paid: what the hooked producer cost. */
    private final AtomicInteger producerWakeups = new AtomicInteger(-1);
    private EventBase base;
    private Thread loop;

    @AfterEach
    void stop() throws InterruptedException {
        if (loop != null) {
            base.loopBreak();
            loop.join(10_000);
            base.close();
        }
        failures.assertNone();
    }

    /** A base on a parking backend that counts its wake-ups, its loop running on a thread of its own. */
    private void startLoop(Duration spin) {
        base = EventBase.create(new CountingBackend(new ParkingBackend()));
        base.setUncaughtHandler(failures.uncaughtHandler());
        base.spinBeforeSleep(spin);
    }

    private void runLoop() {
        loop = Thread.ofPlatform().name("spin-test-loop").start(() -> base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY));
    }

    /** Hands the loop {@code n} tasks one after another, each after the previous one ran. */
    private void pingPong(int n) {
        AtomicLong done = new AtomicLong();
        Runnable task = done::incrementAndGet;
        for (long i = 1; i <= n; i++) {
            base.execute(task);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (done.get() < i) {
                Thread.onSpinWait();
                assertTrue(System.nanoTime() - deadline < 0, "task " + i + " did not run within 10 s");
            }
        }
    }

    /**
     * The loop thread's CPU time (user and system), in ns at the kernel's 10 ms tick: read on the
     * loop thread, by a task, from {@code /proc/thread-self/stat} (java.lang.management is not
     * in this module's graph).
     */
    private long loopCpuNanos() throws Exception {
        CompletableFuture<long[]> ticks = new CompletableFuture<>();
        base.execute(() -> {
            try {
                String stat = Files.readString(Path.of("/proc/thread-self/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.complete(new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}); // utime, stime
            } catch (Exception e) {
                ticks.completeExceptionally(e);
            }
        });
        long[] t = ticks.get(10, TimeUnit.SECONDS);
        return (t[0] + t[1]) * TICK_NANOS;
    }

    // ------------------------------------------------------------------ the policy

    @Test
    void shouldSpinOnlyAfterAPassThatRanTasks() {
        LoopSpin spin = new LoopSpin();
        spin.maxNanos(5_000);
        assertEquals(0, spin.budget(false, -1));
        assertEquals(5_000, spin.budget(true, -1));
    }

    @Test
    void shouldNotSpinWhenATimerIsDueWithinTheSpin() {
        LoopSpin spin = new LoopSpin();
        spin.maxNanos(5_000);
        assertEquals(0, spin.budget(true, 5_000));
        assertEquals(5_000, spin.budget(true, 5_001));
    }

    @Test
    void whenSpinsKeepMissingThenOnlyEveryEighthSpinsUntilOneHits() {
        LoopSpin spin = new LoopSpin();
        spin.maxNanos(5_000);
        for (int i = 0; i < LoopSpin.MISSES_BEFORE_BACKOFF; i++) {
            assertEquals(5_000, spin.budget(true, -1), "spin " + i + " before the back-off");
            spin.ended(false);
        }
        int spun = 0;
        for (int i = 0; i < 8 * LoopSpin.BACKOFF_EVERY; i++) {
            if (spin.budget(true, -1) != 0) {
                spun++;
                spin.ended(false);
            }
        }
        assertEquals(8, spun, "one spin in " + LoopSpin.BACKOFF_EVERY);
        while (spin.budget(true, -1) == 0) {
            // the next probing spin
        }
        spin.ended(true);
        assertEquals(5_000, spin.budget(true, -1), "a spin that found work resumes spinning every time");
    }

    @Test
    void zeroTurnsSpinningOff() {
        LoopSpin spin = new LoopSpin();
        spin.maxNanos(0);
        assertEquals(0, spin.budget(true, -1));
    }

    @Test
    void spinBeforeSleepChecksItsRangeAndDefaultsToAFewMicrosecondsOnSeveralCores() {
        EventBase b = EventBase.create(new ParkingBackend());
        try {
            assertEquals(Duration.ofNanos(LoopSpin.INITIAL_NANOS), b.spinBeforeSleep());
            if (Runtime.getRuntime().availableProcessors() > 1) {
                assertEquals(Duration.ofNanos(5_000), b.spinBeforeSleep());
            }
            assertThrows(IllegalArgumentException.class, () -> b.spinBeforeSleep(Duration.ofNanos(-1)));
            assertThrows(IllegalArgumentException.class, () -> b.spinBeforeSleep(Duration.ofMillis(2)));
            b.spinBeforeSleep(null);
            assertEquals(Duration.ZERO, b.spinBeforeSleep());
            b.spinBeforeSleep(Duration.ofMillis(1));
            assertEquals(Duration.ofMillis(1), b.spinBeforeSleep());
        } finally {
            b.close();
        }
    }

    // ------------------------------------------------------------------ the loop

    @Test
    void aTaskHandedWhileTheLoopSpinsCostsNoWakeup() throws InterruptedException {
        startLoop(Duration.ofMillis(1));
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        AtomicInteger missesWhenRun = new AtomicInteger(-1);
        base.spinHook = () -> {
            // on the loop thread, as its spin starts: the producer enqueues now
            if (once.compareAndSet(false, true)) {
                runProducer(() -> base.execute(() -> {
                    missesWhenRun.set(base.spin().misses()); // the loop thread: 0 if the spin found this task
                    ran.countDown();
                }));
            }
        };
        runLoop();
        pingPong(1); // a pass that ran a task: the next sleep spins first
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the task handed during the spin never ran");
        assertTrue(once.get(), "the loop spun");
        assertEquals(0, missesWhenRun.get(), "the spin found the task");
        assertTrue(base.stats().spinHits() >= 1, "counted: " + base.stats());
        assertEquals(0, producerWakeups.get(), "its producer found the loop awake and paid no wake-up");
    }

    /** Runs {@code body} on another thread and waits until it has returned (loop thread: a producer at an exact step). */
    private void runProducer(CrossThreadFailures.Body body) {
        int before = backendWakeups.get();
        Thread producer = failures.start("spin-test-producer", body);
        try {
            producer.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        producerWakeups.set(backendWakeups.get() - before);
    }

    @Test
    void aLoopThatRunsNoTasksDoesNotSpin() throws Exception {
        startLoop(Duration.ofMillis(1));
        // a timer every 2 ms: longer than the spin, so only the rule "no tasks, no spin" keeps it from spinning
        Event tick = Event.set(base, null, Ev.PERSIST, (ev, what, arg) -> { }, null);
        tick.add(Duration.ofMillis(2));
        runLoop();
        pingPong(100); // the loop has spun (and found work) before
        long before = loopSpins();
        Thread.sleep(1_000);
        long spins = loopSpins() - before;
        // spinning before each of ~500 timer passes would be ~500 spins, or ~70 backing off after misses;
        // reading the count runs a task, after which the loop spins once: one at each end
        assertTrue(spins <= 2, spins + " spins in 1 s of timer passes");
    }

    /** The loop's count of spins begun ({@link LoopStats#spins()}), after a task round trip. */
    private long loopSpins() {
        pingPong(1);
        return base.stats().spins();
    }

    @Test
    void anIdleLoopTakesNoCpu() throws Exception {
        startLoop(Duration.ofMillis(1));
        runLoop();
        pingPong(100);
        Thread.sleep(50);
        long before = loopCpuNanos();
        Thread.sleep(1_000);
        long cpu = loopCpuNanos() - before;
        assertTrue(cpu <= 3 * TICK_NANOS, "an idle loop took " + cpu / 1_000_000 + " ms of CPU in 1 s");
    }

    @Test
    void whenTasksComeTooSlowlyToCatchThenTheLoopBacksOff() throws Exception {
        startLoop(Duration.ofMillis(1));
        runLoop();
        Runnable task = () -> { };
        long before = loopCpuNanos();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        int n = 0;
        while (System.nanoTime() - end < 0) {
            base.execute(task);
            n++;
            LockSupport.parkNanos(2_000_000); // each task comes long after the spin gave up
        }
        long cpu = loopCpuNanos() - before;
        // a 1 ms spin after every one of them would take n ms; backing off, about n/8 + 8
        assertTrue(cpu < n * 1_000_000L / 3, "the loop took " + cpu / 1_000_000 + " ms of CPU for " + n + " tasks");
    }

    @Test
    void aTaskEnqueuedBetweenTheSpinAndTheSleepIsNotLost() throws InterruptedException {
        startLoop(Duration.ofNanos(1_000));
        CountDownLatch ran = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        AtomicInteger missesSeen = new AtomicInteger(-1);
        base.sleepHook = () -> {
            // on the loop thread: its spin just ended without work and it has not published ASLEEP
            if (base.spin().misses() > 0 && once.compareAndSet(false, true)) {
                missesSeen.set(base.spin().misses());
                runProducer(() -> base.execute(ran::countDown)); // its swap reads AWAKE: it pays no wake-up
            }
        };
        runLoop();
        pingPong(1); // a pass that ran a task: the next sleep spins first
        // a parking backend with no timer: a lost task would leave the loop parked for ever
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the task enqueued between the spin and the sleep never ran");
        assertTrue(missesSeen.get() > 0, "the hook ran right after a spin");
        assertEquals(0, producerWakeups.get(), "its producer found the loop awake and paid no wake-up");
    }

    /** Counts {@link #wakeup()}s; the rest goes to the parking backend. */
    private final class CountingBackend implements Backend {
        private final Backend inner;

        CountingBackend(Backend inner) {
            this.inner = inner;
        }

        @Override
        public String name() {
            return "counting";
        }

        @Override
        public boolean accepts(Object source) {
            return inner.accepts(source);
        }

        @Override
        public Object register(Object source, int interest, Object attachment) throws IOException {
            return inner.register(source, interest, attachment);
        }

        @Override
        public void modify(Object key, int interest) throws IOException {
            inner.modify(key, interest);
        }

        @Override
        public void cancel(Object key) {
            inner.cancel(key);
        }

        @Override
        public int poll(long timeoutNanos, ReadySink sink) throws IOException {
            return inner.poll(timeoutNanos, sink);
        }

        @Override
        public void wakeup() {
            backendWakeups.incrementAndGet();
            inner.wakeup();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
