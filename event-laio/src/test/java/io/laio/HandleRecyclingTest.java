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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.internal.LaioCall;
import io.laio.internal.Native;
import io.laio.internal.lanes.CallQueue;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pooled call records: handles are recycled once reported, and a stale handle is refused. */
@Timeout(120)
class HandleRecyclingTest {
    private static final Duration LONG = Duration.ofSeconds(20);

    private static Laio eager(int helpers) {
        return Laio.create(LaioConfig.builder().policy(Policy.EAGER).maxHelpers(helpers).maxQueued(200_000).build());
    }

    private static LaioHandle submitGetpid(Laio laio) {
        assertEquals(-1, laio.syscall(Sys.SYS_getpid));
        assertEquals(Errno.EINPROGRESS, Laio.errno());
        return laio.gethandle();
    }

    @Test
    void aHandleStaysValidUntilTheNextPollThenEveryUseIsRefused() {
        try (Laio laio = eager(1)) {
            LaioHandle h = submitGetpid(laio);
            assertSame(h, laio.gethandle(), "the same call gives the same handle");
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(h, out[0].handle());
            assertEquals(ProcessHandle.current().pid(), h.result(), "valid until the next poll");
            assertFalse(h.isStale());
            assertFalse(laio.cancel(h), "done: nothing to cancel, but not stale yet");

            assertEquals(0, laio.poll(out, 1, Duration.ZERO)); // ends the previous poll's completions
            assertTrue(h.isStale());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> laio.cancel(h));
            assertTrue(e.getMessage().contains("stale LaioHandle"), e.getMessage());
            assertThrows(IllegalArgumentException.class, h::result);
            assertThrows(IllegalArgumentException.class, h::errno);
            assertThrows(IllegalArgumentException.class, h::done);
            assertThrows(IllegalArgumentException.class, h::syscall);
            assertTrue(h.toString().contains("stale"), h.toString());

            LaioHandle next = submitGetpid(laio);
            assertSame(h.call, next.call, "the record was reused");
            assertNotSame(h, next, "by a new handle");
            assertEquals(h.gen + 1, next.gen);
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(next, out[0].handle());
            assertEquals(ProcessHandle.current().pid(), out[0].returnValue());
        }
    }

    @Test
    void aStaleCancelCannotCancelTheCallThatReusedTheRecord() throws Exception {
        try (Laio laio = eager(1)) {
            LaioHandle old = submitGetpid(laio);
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, LONG));
            // occupy the only data helper (with a record of its own) in a read of an empty pipe,
            // so the getpid that reuses old's record waits QUEUED
            int[] pipe = Native.pipe();
            MemorySegment buf = Arena.ofAuto().allocate(1);
            assertEquals(-1, laio.read(pipe[0], buf, 1));
            LaioHandle blocker = laio.gethandle();
            BackgroundCallTest.waitUntil(() -> blocker.state() == LaioHandle.RUNNING);
            assertEquals(0, laio.poll(out, 1, Duration.ZERO)); // recycles old's record
            LaioHandle queued = submitGetpid(laio);
            assertSame(old.call, queued.call);
            assertEquals(LaioHandle.QUEUED, queued.state());
            assertThrows(IllegalArgumentException.class, () -> laio.cancel(old), "stale: refused");
            assertEquals(LaioHandle.QUEUED, queued.state(), "and the new call was not touched");
            assertFalse(queued.cancelled());
            Native.writeByte(pipe[1], (byte) 7);
            Map<LaioHandle, Long> got = new HashMap<>();
            while (got.size() < 2) {
                int n = laio.poll(out, 1, LONG);
                assertEquals(1, n);
                got.put(out[0].handle(), out[0].returnValue());
            }
            assertEquals(ProcessHandle.current().pid(), got.get(queued), "the reused record ran its own call");
            assertEquals(1, got.get(blocker));
            assertEquals(7, buf.get(ValueLayout.JAVA_BYTE, 0));
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @Test
    void onAnEventBaseTheHandleIsValidInTheCallbackAndStaleAfterIt() {
        try (EventBase base = EventBase.create();
                Laio laio = Laio.attach(base, LaioConfig.builder().policy(Policy.EAGER).maxHelpers(1).build())) {
            LaioHandle h = submitGetpid(laio);
            List<String> seen = new ArrayList<>();
            Event.set(base, h, Ev.LAIO, (ev, what, arg) -> {
                seen.add("result=" + h.result() + " errno=" + h.errno() + " done=" + h.done() + " ev=" + ev.result());
            }, null).add();
            base.dispatch();
            long pid = ProcessHandle.current().pid();
            assertEquals(List.of("result=" + pid + " errno=0 done=true ev=" + pid), seen);

            // a later loop pass recycles it
            Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null).add(Duration.ofMillis(1));
            base.dispatch();
            assertTrue(h.isStale());
            Event again = Event.set(base, h, Ev.LAIO, (ev, what, arg) -> { }, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, again::add);
            assertTrue(e.getMessage().contains("stale LaioHandle"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> laio.cancel(h));

            LaioHandle next = submitGetpid(laio);
            assertSame(h.call, next.call, "its record serves the next call");
            long[] got = {0};
            Event.set(base, next, Ev.LAIO, (ev, what, arg) -> got[0] = next.result(), null).add();
            base.dispatch();
            assertEquals(pid, got[0]);
        }
    }

    @Test
    void aCallbackThatIsStillPendingKeepsItsHandle() {
        try (EventBase base = EventBase.create();
                Laio laio = Laio.attach(base, LaioConfig.builder().policy(Policy.EAGER).maxHelpers(1).build())) {
            base.priorityInit(2);
            LaioHandle h = submitGetpid(laio);
            long[] got = {0};
            Event low = Event.set(base, h, Ev.LAIO, (ev, what, arg) -> got[0] = h.result(), null);
            low.priority(1);
            low.add();
            // an urgent persistent timer keeps the loop busy for several passes before the low callback may run
            int[] ticks = {0};
            Event urgent = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> {
                if (++ticks[0] == 5) {
                    e.del();
                }
            }, null);
            urgent.priority(0);
            BackgroundCallTest.waitUntil(() -> h.state() == LaioHandle.DONE);
            urgent.add(Duration.ZERO);
            base.dispatch();
            assertEquals(ProcessHandle.current().pid(), got[0], "read inside its callback, however late it ran");
        }
    }

    @Test
    void interleavedRandomCallsReuseRecordsAndAreEachReportedExactlyOnceToTheirOwnHandle() {
        int n = 100_000;
        try (Laio laio = eager(2)) {
            Random rnd = new Random(4);
            Map<LaioHandle, Long> expected = new IdentityHashMap<>();
            Set<LaioCall> records = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            LaioCompletion[] out = new LaioCompletion[32];
            for (int i = 0; i < out.length; i++) {
                out[i] = new LaioCompletion();
            }
            long pid = ProcessHandle.current().pid();
            int submitted = 0;
            int got = 0;
            while (got < n) {
                int burst = Math.min(n - submitted, rnd.nextInt(40));
                for (int i = 0; i < burst; i++) {
                    long id = submitted++;
                    if (rnd.nextBoolean()) {
                        assertEquals(-1, laio.call(() -> id));
                        expected.put(laio.gethandle(), id);
                    } else {
                        assertEquals(-1, laio.syscall(Sys.SYS_getpid));
                        expected.put(laio.gethandle(), -pid);
                    }
                    records.add(laio.gethandle().call);
                }
                do { // at most ~100 in flight, so records can be reused
                    int k = laio.poll(out, 1 + rnd.nextInt(out.length), submitted == got ? Duration.ZERO : LONG);
                    for (int i = 0; i < k; i++) {
                        LaioHandle h = out[i].handle();
                        Long want = expected.remove(h);
                        assertTrue(want != null, "reported twice or unknown: " + out[i]);
                        assertEquals(want < 0 ? -want : want, out[i].returnValue(), "delivered to its own handle");
                        assertEquals(want < 0 ? Sys.SYS_getpid : -1, h.syscall());
                    }
                    got += k;
                } while (submitted - got > 64);
            }
            assertTrue(expected.isEmpty());
            assertEquals(0, laio.poll(out, 1, Duration.ofMillis(10)), "nothing more");
            assertTrue(records.size() < n / 100, "records were reused: " + records.size() + " for " + n + " calls");
        }
    }

    @Test
    void aCallCancelledWhileQueuedIsNeverReused() throws Exception {
        try (Laio laio = eager(1)) {
            int[] pipe = Native.pipe();
            MemorySegment buf = Arena.ofAuto().allocate(1);
            assertEquals(-1, laio.read(pipe[0], buf, 1)); // blocks the only data helper
            LaioHandle blocker = laio.gethandle();
            BackgroundCallTest.waitUntil(() -> blocker.state() == LaioHandle.RUNNING);
            LaioHandle cancelled = submitGetpid(laio);
            assertTrue(laio.cancel(cancelled));
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(cancelled, out[0].handle());
            assertEquals(Errno.ECANCELED, out[0].errno());
            assertEquals(0, laio.poll(out, 1, Duration.ZERO));
            assertFalse(cancelled.isStale(), "still linked into the helper's queue: not recycled");
            for (int i = 0; i < 50; i++) {
                assertNotSame(cancelled.call, submitGetpid(laio).call);
            }
            Native.writeByte(pipe[1], (byte) 1);
            int got = 0;
            while (got < 51) {
                got += laio.poll(out, 1, LONG);
            }
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @Test
    void aSteadyStateRoundTripAllocatesNothingOnTheCallingThread() {
        long tid = Thread.currentThread().threadId();
        try (Laio laio = eager(1)) {
            LaioCompletion[] out = {new LaioCompletion()};
            Duration timeout = LONG;
            long pid = ProcessHandle.current().pid();
            for (int round = 0; round < 2; round++) { // the first round warms up
                int calls = 20_000;
                long before = allocatedBytes(tid);
                for (int i = 0; i < calls; i++) {
                    laio.syscall(Sys.SYS_getpid);
                    if (laio.poll(out, 1, timeout) != 1 || out[0].returnValue() != pid) {
                        throw new AssertionError("lost a completion");
                    }
                }
                long perCall = (allocatedBytes(tid) - before) / calls;
                if (round == 1) {
                    assertTrue(perCall < 8, "allocated " + perCall + " B per background round trip");
                }
            }
        }
    }

    /** com.sun.management.ThreadMXBean#getThreadAllocatedBytes, through reflection (the test module does not read jdk.management). */
    static long allocatedBytes(long tid) {
        try {
            Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class)
                    .invoke(mx, tid);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void callQueueDeliversEveryOfferExactlyOnceToSharedConsumers() throws Exception {
        CallQueue q = new CallQueue(true);
        int producers = 3;
        int per = 50_000;
        LaioCall[] all = new LaioCall[producers * per];
        for (int i = 0; i < all.length; i++) {
            all[i] = new LaioCall(null);
            all[i].result = i;
        }
        boolean[] seen = new boolean[all.length];
        int[] count = {0};
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * per;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < per; i++) {
                    q.offer(all[base + i]);
                }
            }));
        }
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < 2; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                long end = System.nanoTime() + LONG.toNanos();
                while (System.nanoTime() < end) {
                    LaioCall x = q.pollShared();
                    if (x == null) {
                        synchronized (seen) {
                            if (count[0] == all.length) {
                                return;
                            }
                        }
                        Thread.onSpinWait();
                        continue;
                    }
                    synchronized (seen) {
                        if (seen[(int) x.result]) {
                            errors.add(new AssertionError("twice: " + x.result));
                        }
                        seen[(int) x.result] = true;
                        count[0]++;
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(errors.isEmpty(), errors.toString());
        assertEquals(all.length, count[0]);
        assertTrue(q.isEmpty());
        assertNull(q.pollShared());
    }

    @Test
    void callQueueIsNotEmptyWhileARecordRemainsEvenAfterAPollRaced() throws Exception {
        // A poll that re-queues the stub while a producer has swapped the tail but not linked its
        // record leaves records before the stub: isEmpty() must still say so, or a loop sleeps on them.
        for (int round = 0; round < 20; round++) {
            CallQueue q = new CallQueue(false);
            int producers = 3;
            int per = 20_000;
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < per; i++) {
                        q.offer(new LaioCall(null));
                    }
                }));
            }
            int got = 0;
            while (threads.stream().anyMatch(Thread::isAlive)) {
                if (q.poll() != null) {
                    got++;
                }
            }
            for (Thread t : threads) {
                t.join();
            }
            long end = System.nanoTime() + LONG.toNanos();
            while (!q.isEmpty() && System.nanoTime() < end) { // the producers are done: what isEmpty promises is all there is
                if (q.poll() != null) {
                    got++;
                }
            }
            assertEquals(producers * per, got, "isEmpty() said empty with records left (round " + round + ")");
            assertNull(q.poll());
        }
    }
}
