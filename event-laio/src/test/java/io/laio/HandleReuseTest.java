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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.internal.LaioCall;
import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Laio#gethandle(LaioHandle)}: one handle re-pointed at each new background call, never
 * confused with a call it named before.
 */
@Timeout(60)
class HandleReuseTest {
    private static final Duration LONG = Duration.ofSeconds(20);
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureInACallback() {
        failures.assertNone();
    }

    private static LaioConfig eager(int helpers) {
        return LaioConfig.builder().policy(Policy.EAGER).maxHelpers(helpers).maxQueued(1000).build();
    }

    private static void getpidInBackground(Laio laio) {
        assertEquals(-1, laio.syscall(Sys.SYS_getpid));
        assertEquals(Errno.EINPROGRESS, Laio.errno());
    }

    private EventBase base() {
        EventBase base = EventBase.create();
        base.setUncaughtHandler(failures.uncaughtHandler());
        return base;
    }

    @Test
    void aKeepAliveChainWaitsWithOneHandleAndOneEventForEveryCall() {
        long pid = ProcessHandle.current().pid();
        try (EventBase base = base(); Laio laio = Laio.attach(base, eager(1))) {
            int calls = 200;
            List<Long> results = new ArrayList<>();
            java.util.Set<LaioCall> records = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            LaioHandle[] h = {null};
            EventCallback[] cb = {null};
            cb[0] = (ev, what, arg) -> {
                assertSame(h[0], ev.source());
                assertEquals(ev.result(), h[0].result(), "the handle reports the call it now names");
                results.add(ev.result());
                if (results.size() < calls) {
                    getpidInBackground(laio);
                    LaioHandle next = laio.gethandle(h[0]);
                    assertSame(h[0], next, "the same object, re-pointed");
                    records.add(next.call);
                    ev.add(); // the event's source is that handle: the next wait needs no assign
                }
            };
            getpidInBackground(laio);
            h[0] = laio.gethandle(null);
            assertNotNull(h[0]);
            records.add(h[0].call);
            Event.set(base, h[0], Ev.LAIO, cb[0], null).add();
            base.dispatch();
            assertEquals(calls, results.size());
            assertTrue(results.stream().allMatch(r -> r == pid), results.toString());
            assertTrue(records.size() <= 3, "the records were recycled under the one handle: " + records.size());
        }
    }

    @Test
    void aHandleWhoseCallIsInFlightIsRefusedAndLeftAsItIs() throws Exception {
        int[] pipe = Native.pipe();
        MemorySegment buf = Arena.ofAuto().allocate(1);
        try (Laio laio = Laio.create(eager(2))) {
            assertEquals(-1, laio.read(pipe[0], buf, 1)); // blocks a helper until the pipe has a byte
            LaioHandle reading = laio.gethandle();
            getpidInBackground(laio);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> laio.gethandle(reading));
            assertTrue(e.getMessage().contains("in flight"), e.getMessage());
            LaioHandle getpid = laio.gethandle();
            assertNotSame(reading, getpid, "the refused reuse left the last call for gethandle()");
            assertEquals(Sys.SYS_read, reading.syscall(), "and the refused handle names its own call still");

            Native.writeByte(pipe[1], (byte) 5);
            LaioCompletion[] out = {new LaioCompletion(), new LaioCompletion()};
            int got = 0;
            while (got < 2) {
                got += laio.poll(out, 2 - got, LONG);
                if (got == 1 && out[0].handle() == getpid) {
                    assertThrows(IllegalStateException.class, () -> laio.gethandle(reading), "not reported yet");
                }
            }
            assertEquals(1, reading.result());
        } finally {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @Test
    void aCompletedCallNotYetReportedIsRefusedUntilPollReturnedIt() {
        try (Laio laio = Laio.create(eager(1))) {
            getpidInBackground(laio);
            LaioHandle h = laio.gethandle();
            BackgroundCallTest.waitUntil(() -> h.state() == LaioHandle.DONE);
            getpidInBackground(laio);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> laio.gethandle(h));
            assertTrue(e.getMessage().contains("in flight"), "DONE but still queued for poll: " + e.getMessage());
            LaioHandle second = laio.gethandle();

            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(h, out[0].handle());
            getpidInBackground(laio);
            assertSame(h, laio.gethandle(h), "reported by poll: reusable");
            assertNotSame(out[0].handle(), h, "the old completion's handle is another object now");
            assertEquals(ProcessHandle.current().pid(), out[0].handle().result(), "naming the old call");
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(second, out[0].handle());
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(h, out[0].handle(), "the reused handle is reported for its new call");
            assertEquals(ProcessHandle.current().pid(), h.result());
        }
    }

    @Test
    void anAttachedCallIsReusableOnlyOnceItsEventsCallbackRan() {
        try (EventBase base = base(); Laio laio = Laio.attach(base, eager(1))) {
            base.priorityInit(2);
            getpidInBackground(laio);
            LaioHandle h = laio.gethandle();
            List<String> seen = new ArrayList<>();
            Event low = Event.set(base, h, Ev.LAIO, (ev, w, a) -> seen.add("low"), null);
            low.priority(1);
            low.add();
            // an urgent callback runs while low, delivered, waits for its turn
            Event urgent = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> {
                assertTrue(low.pending(Ev.LAIO), "delivered, its callback not run");
                getpidInBackground(laio);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> laio.gethandle(h));
                assertTrue(e.getMessage().contains("still active or pending"), e.getMessage());
                seen.add("refused");
                Event.set(base, laio.gethandle(), Ev.LAIO, (x, y, z) -> seen.add("other"), null).add();
            }, null);
            urgent.priority(0);
            BackgroundCallTest.waitUntil(() -> h.state() == LaioHandle.DONE);
            urgent.active(Ev.TIMEOUT); // the next pass drains (low becomes active) and runs priority 0 only
            base.dispatch();
            assertTrue(seen.containsAll(List.of("refused", "low", "other")), seen.toString());
            assertEquals("refused", seen.get(0));
        }
    }

    @Test
    void aPersistentEventMustBeDeletedBeforeItsHandleIsReused() {
        try (EventBase base = base(); Laio laio = Laio.attach(base, eager(1))) {
            getpidInBackground(laio);
            LaioHandle h = laio.gethandle();
            int[] runs = {0};
            Event ev = Event.set(base, h, Ev.LAIO | Ev.PERSIST, (e, w, a) -> {
                if (runs[0]++ > 0) {
                    e.del();
                    return;
                }
                getpidInBackground(laio);
                assertThrows(IllegalStateException.class, () -> laio.gethandle(h), "still pending on the old call");
                e.del();
                assertSame(h, laio.gethandle(h));
                e.add();
            }, null);
            ev.add();
            base.dispatch();
            assertEquals(2, runs[0]);
        }
    }

    @Test
    void aCancelledCallIsReusableOnlyAfterItsEcanceledWasDeliveredAndNeverReachesTheHandleAgain() throws Exception {
        int[] pipe = Native.pipe();
        MemorySegment buf = Arena.ofAuto().allocate(1);
        try (EventBase base = base(); Laio laio = Laio.attach(base, eager(1))) {
            assertEquals(-1, laio.read(pipe[0], buf, 1)); // holds the only data helper
            LaioHandle blocker = laio.gethandle();
            Event.set(base, blocker, Ev.LAIO, (e, w, a) -> { }, null).add();
            BackgroundCallTest.waitUntil(() -> blocker.state() == LaioHandle.RUNNING);
            getpidInBackground(laio); // queued behind the blocker
            LaioHandle h = laio.gethandle();
            LaioCall cancelledRecord = h.call;
            List<String> seen = new ArrayList<>();
            Event ev = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null);
            assertTrue(laio.cancel(h));
            getpidInBackground(laio);
            assertThrows(IllegalStateException.class, () -> laio.gethandle(h), "cancelled, not yet reported");
            LaioHandle queued = laio.gethandle();
            Event.set(base, queued, Ev.LAIO, (e, w, a) -> seen.add("queued " + e.result()), null).add();
            ev.assign(h, Ev.LAIO, (e, w, a) -> {
                seen.add((e.error() == Errno.ECANCELED ? "cancelled" : "done " + e.result()));
                if (seen.size() == 1) {
                    getpidInBackground(laio);
                    assertSame(h, laio.gethandle(h));
                    assertNotSame(cancelledRecord, h.call, "a record cancelled while queued is never reused");
                    e.add();
                }
            }, null);
            ev.add();
            base.loop(Ev.LOOP_NONBLOCK);
            assertEquals(List.of("cancelled"), seen);
            Native.writeByte(pipe[1], (byte) 1); // the helper reaches the cancelled record in its queue, then the rest
            base.dispatch();
            long pid = ProcessHandle.current().pid();
            assertEquals(List.of("cancelled", "queued " + pid, "done " + pid), seen.subList(0, 3));
            assertEquals(3, seen.size(), "the cancelled call reached nobody a second time: " + seen);
        } finally {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @Test
    void askingAgainForTheSameCallGivesTheSameHandle() {
        try (Laio laio = Laio.create(eager(1))) {
            getpidInBackground(laio);
            LaioHandle h = laio.gethandle();
            assertSame(h, laio.gethandle(h), "it names the last call already");
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, LONG));

            getpidInBackground(laio);
            LaioHandle plain = laio.gethandle();
            assertSame(plain, laio.gethandle(h), "the call has a handle: that one, h left alone");
            assertNotSame(plain, h);
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(plain, out[0].handle());
        }
    }

    @Test
    void anInlineCallGivesNullAndLeavesTheHandleAlone() {
        try (Laio laio = Laio.create(LaioConfig.builder().maxHelpers(1).build())) {
            assertEquals(-1, laio.call(() -> 3));
            LaioHandle h = laio.gethandle();
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, LONG));
            assertEquals(ProcessHandle.current().pid(), laio.syscall(Sys.SYS_getpid)); // LAZY: inline
            assertNull(laio.gethandle(h));
            assertEquals(3, h.result(), "still its own call");
            assertEquals(0, laio.poll(out, 1, Duration.ZERO));
            assertTrue(h.isStale(), "and it turns stale like any handle");
            assertEquals(-1, laio.call(() -> 4));
            assertSame(h, laio.gethandle(h), "a stale handle is reusable");
            assertFalse(h.isStale());
            assertEquals(1, laio.poll(out, 1, LONG));
            assertEquals(4, h.result());
        }
    }

    @Test
    void aHandleOfAnotherLaioIsRefused() {
        try (Laio a = Laio.create(eager(1)); Laio b = Laio.create(eager(1))) {
            getpidInBackground(a);
            LaioHandle ofA = a.gethandle();
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, a.poll(out, 1, LONG));
            getpidInBackground(b);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.gethandle(ofA));
            assertTrue(e.getMessage().contains("another Laio"), e.getMessage());
            assertNotNull(b.gethandle());
            assertEquals(1, b.poll(out, 1, LONG));
        }
    }

    @Test
    void aReusedHandleCancelsItsNewCallOnly() throws Exception {
        int[] pipe = Native.pipe();
        MemorySegment buf = Arena.ofAuto().allocate(1);
        try (Laio laio = Laio.create(eager(1))) {
            getpidInBackground(laio);
            LaioHandle h = laio.gethandle();
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, LONG));
            LaioCall old = h.call;
            long oldGen = h.gen;
            assertEquals(-1, laio.read(pipe[0], buf, 1));
            assertSame(h, laio.gethandle(h));
            assertEquals(Sys.SYS_read, h.syscall());
            BackgroundCallTest.waitUntil(() -> h.state() == LaioHandle.RUNNING);
            assertEquals(0, old.cancel(oldGen), "the old call: done, untouched");
            assertFalse(laio.cancel(h), "the read runs on the helper: it completes normally");
            assertTrue(h.cancelled());
            Native.writeByte(pipe[1], (byte) 9);
            assertEquals(1, laio.poll(out, 1, LONG));
            assertSame(h, out[0].handle());
            assertEquals(1, out[0].returnValue());
        } finally {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }
}
