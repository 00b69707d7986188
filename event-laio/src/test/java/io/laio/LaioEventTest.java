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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Background calls as Ev.LAIO events on an EventBase. */
@Timeout(60)
class LaioEventTest {

    @Test
    void aBackgroundCallRunsItsLaioCallbackOnTheLoopThreadWithResultAndErrno() throws Exception {
        int[] pipe = Native.pipe();
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(1);
            assertEquals(-1, laio.read(pipe[0], buf, 1));
            LaioHandle h = laio.gethandle();
            List<String> seen = new ArrayList<>();
            Event.set(base, h, Ev.LAIO, (ev, what, arg) -> {
                seen.add(Ev.toString(what) + " result=" + ev.result() + " error=" + ev.error() + " byte=" + buf.get(ValueLayout.JAVA_BYTE, 0)
                        + " onLoop=" + base.inLoop());
            }, null).add();
            Thread.ofPlatform().start(() -> {
                BackgroundCallTest.sleep(30);
                Native.writeByte(pipe[1], (byte) 5);
            });
            assertEquals(1, base.dispatch(), "returns once the only event has run");
            assertEquals(List.of("LAIO result=1 error=0 byte=5 onLoop=true"), seen);
        } finally {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @Test
    void aCompletionThatArrivedBeforeTheEventWasAddedIsDeliveredAtAdd() {
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base, LaioConfig.builder().policy(Policy.EAGER).build())) {
            assertEquals(-1, laio.syscall(Sys.SYS_getpid));
            LaioHandle h = laio.gethandle();
            BackgroundCallTest.waitUntil(() -> h.state() == LaioHandle.DONE);
            Event keep = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> { }, null);
            keep.add(Duration.ofMillis(1));
            base.dispatch(); // the loop drains the completion while nothing waits for it
            assertTrue(h.done());
            long[] got = {0};
            int[] runs = {0};
            Event.set(base, h, Ev.LAIO, (ev, what, arg) -> {
                runs[0]++;
                got[0] = ev.result();
            }, null).add();
            base.dispatch();
            assertEquals(1, runs[0]);
            assertEquals(ProcessHandle.current().pid(), got[0]);
            Event again = Event.set(base, h, Ev.LAIO, (ev, what, arg) -> runs[0]++, null);
            assertThrows(IllegalArgumentException.class, again::add, "reported once: a second event on it is refused");
        }
    }

    @Test
    void anEventDeletedBeforeTheCallCompletesIsNotRun() throws Exception {
        int[] pipe = Native.pipe();
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(1);
            laio.read(pipe[0], buf, 1);
            LaioHandle h = laio.gethandle();
            int[] runs = {0};
            Event ev = Event.set(base, h, Ev.LAIO, (e, w, a) -> runs[0]++, null);
            ev.add();
            ev.del();
            Native.writeByte(pipe[1], (byte) 1);
            BackgroundCallTest.waitUntil(() -> h.state() == LaioHandle.DONE);
            base.loop(Ev.LOOP_NONBLOCK);
            assertEquals(0, runs[0]);
            assertTrue(h.done(), "the call still completed; its result was dropped");
        } finally {
            Native.close(pipe[0]);
            Native.close(pipe[1]);
        }
    }

    @Test
    void aSocketReadWaitingOnTheWaiterCompletesAsAnEventOnTheLoop() throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(8);
            assertEquals(-1, laio.read(sp[0], buf, 8));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            long[] got = {-2};
            Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> got[0] = ev.result(), null).add();
            Thread.ofPlatform().start(() -> {
                BackgroundCallTest.sleep(30);
                Native.writeByte(sp[1], (byte) 1);
            });
            assertEquals(1, base.dispatch());
            assertEquals(1, got[0]);
            assertEquals(0, laio.stats().helpersAlive(), "it waited on the epoll waiter, not a helper");
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void pollOnAnAttachedLaioIsRefused() {
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base)) {
            assertThrows(IllegalStateException.class, () -> laio.poll(new LaioCompletion[1], 1, Duration.ZERO));
        }
    }

    @Test
    void millionsOfHandoffsLoseNoWakeUp() {
        // each completion is handed to a loop that is (about to be) asleep: the lost-wake-up window
        int rounds = 100_000;
        try (EventBase base = EventBase.create();
                Laio laio = Laio.attach(base, LaioConfig.builder().policy(Policy.EAGER).maxHelpers(2).build())) {
            int[] done = {0};
            io.laio.event.EventCallback[] next = new io.laio.event.EventCallback[1];
            next[0] = (ev, what, arg) -> {
                if (ev.result() != ProcessHandle.current().pid()) {
                    throw new AssertionError("wrong result " + ev.result());
                }
                if (++done[0] < rounds) {
                    laio.syscall(Sys.SYS_getpid);
                    Event.set(base, laio.gethandle(), Ev.LAIO, next[0], null).add();
                } else {
                    base.loopBreak();
                }
            };
            laio.syscall(Sys.SYS_getpid);
            Event.set(base, laio.gethandle(), Ev.LAIO, next[0], null).add();
            base.loopExit(Duration.ofSeconds(50)); // a hang guard: a lost wake-up would stall here
            base.dispatch();
            assertEquals(rounds, done[0]);
        }
    }
}
