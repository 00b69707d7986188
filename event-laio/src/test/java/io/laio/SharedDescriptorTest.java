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
import io.laio.event.contract.CrossThreadFailures;
import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One descriptor watched through several source objects: the application's own readiness
 * events and LAIO's socket waits on the same socket, on the bases whose backends watch
 * descriptors by number. Each object's events fire; none silently takes over the kernel's one
 * entry for the number (a proxy that waits for its peer's {@code connect} through LAIO while its
 * own event watches the same socket hung on exactly that).
 */
@Timeout(60)
class SharedDescriptorTest {
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureOffTheTestThread() {
        failures.assertNone();
    }

    private EventBase base(String backend) {
        EventBase base = EventBase.create(backend);
        base.setUncaughtHandler(failures.uncaughtHandler());
        return base;
    }

    /**
     * Runs the loop until {@code done} or 10 s passed. A tick every 10 ms ends each pass, since a
     * task handed in with {@code execute} is no event and would leave {@code LOOP_ONCE} waiting.
     */
    static void loopUntil(EventBase base, BooleanSupplier done) {
        boolean[] late = {false};
        Event limit = Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> late[0] = true, null);
        limit.add(Duration.ofSeconds(10));
        Event tick = Event.set(base, null, Ev.TIMEOUT | Ev.PERSIST, (e, w, a) -> { }, null);
        tick.add(Duration.ofMillis(10));
        while (!done.getAsBoolean() && !late[0]) {
            base.loop(Ev.LOOP_ONCE);
        }
        tick.del();
        limit.del();
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void twoSourceObjectsForOneDescriptorEachGetTheirEvents(String backend) {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = base(backend)) {
            int[] readable = {0};
            int[] writable = {0};
            Event reads = Event.set(base, new Descriptor(sp[0]), Ev.READ | Ev.PERSIST, (e, w, a) -> readable[0]++, null);
            Event writes = Event.set(base, new Descriptor(sp[0]), Ev.WRITE, (e, w, a) -> writable[0]++, null);
            reads.add();
            writes.add(); // an empty socket buffer: writable at once
            loopUntil(base, () -> writable[0] == 1);
            assertEquals(1, writable[0], "the second object's write event fired");
            assertEquals(0, readable[0], "nothing to read yet");
            Native.writeByte(sp[1], (byte) 1);
            loopUntil(base, () -> readable[0] > 0);
            assertTrue(readable[0] > 0, "the first object's read event still fires after the second registered");
            writes.add();
            reads.del();
            loopUntil(base, () -> writable[0] == 2);
            assertEquals(2, writable[0], "one object's event deleted, the other's still fires");
            writes.del();
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll-app-first", "epoll-laio-first", "uring-app-first", "uring-laio-first"})
    void anApplicationEventAndALaioSocketWaitOnOneSocketBothComplete(String setup) {
        String backend = setup.substring(0, setup.indexOf('-'));
        boolean appFirst = setup.endsWith("app-first");
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = base(backend); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(16);
            int[] appFired = {0};
            long[] got = {-2, -2};
            Event app = Event.set(base, new Descriptor(sp[0]), Ev.READ | Ev.PERSIST, (e, w, a) -> appFired[0]++, null);
            Runnable recv = () -> {
                assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0, 0, 0), "no data yet: the call waits");
                assertEquals(Errno.EINPROGRESS, Laio.errno());
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                    got[0] = ev.result();
                    got[1] = ev.error();
                }, null).add();
            };
            boolean[] watching = {false};
            base.execute(() -> { // on the loop thread: the receive waits on the loop's own poller
                if (appFirst) {
                    app.add();
                    recv.run();
                } else {
                    recv.run();
                    app.add();
                }
                watching[0] = true;
            });
            loopUntil(base, () -> watching[0]); // both are watched before any byte comes
            Native.writeByte(sp[1], (byte) 9);
            loopUntil(base, () -> got[0] != -2 && appFired[0] > 0);
            assertEquals(1, got[0], "LAIO's receive completed with the byte");
            assertEquals(0, got[1]);
            assertEquals(9, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(appFired[0] > 0, "the application's read event fired on the same readiness");
            app.del();
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void aNegativeNumberOrABaseThatWatchesNoDescriptorsIsRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> new Descriptor(-1));
        try (EventBase nio = EventBase.create("nio")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Event.set(nio, new Descriptor(0), Ev.READ, (ev, w, a) -> { }, null));
            assertTrue(e.getMessage().contains("Descriptor"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aNumberThatIsNotOpenIsRefusedAndTheBaseServesOn(String backend) {
        try (EventBase base = base(backend)) {
            int[] closed = Native.pipe();
            Native.close(closed[0]); // nothing else is opened until the stale event was refused
            Native.close(closed[1]);
            Event stale = Event.set(base, new Descriptor(closed[0]), Ev.READ | Ev.PERSIST, (e, w, a) -> { }, null);
            if (backend.equals("epoll")) {
                java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, stale::add);
                assertTrue(String.valueOf(e.getCause()).contains("EBADF"), "the kernel's refusal is named: " + e.getCause());
            } else {
                stale.add(); // the ring learns of the refusal when the entry is submitted: at the next pass
                base.loop(Ev.LOOP_NONBLOCK | Ev.LOOP_ONCE);
                base.loop(Ev.LOOP_NONBLOCK | Ev.LOOP_ONCE);
            }
            assertTrue(!stale.pending(Ev.READ), "the refused event is not left waiting forever");
            int[] sp = SocketWaiterTest.socketPair();
            try {
                int[] fired = {0};
                Event live = Event.set(base, new Descriptor(sp[0]), Ev.READ, (e, w, a) -> fired[0]++, null);
                live.add();
                Native.writeByte(sp[1], (byte) 1);
                loopUntil(base, () -> fired[0] > 0);
                assertEquals(1, fired[0], "the base serves other descriptors on");
            } finally {
                Native.close(sp[0]);
                Native.close(sp[1]);
            }
        }
    }

    /**
     * A number made by a LAIO call ({@code dup} here; {@code accept4} takes the same path) that a
     * closed socket's wait had watched before: the next wait on it adds its epoll entry with one
     * {@code epoll_ctl}, not a failed re-arm of the closed file's entry and then an add.
     */
    @Test
    void aNumberMadeThroughLaioIsAddedToTheLoopsEpollAtOnce() {
        int[] first = SocketWaiterTest.socketPair();
        int[] second = SocketWaiterTest.socketPair();
        int number = first[0];
        long[] dup = {-1};
        try (EventBase base = base("epoll"); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            io.laio.internal.epoll.EpollBackend epoll = io.laio.event.spi.Loops.backend(base, io.laio.internal.epoll.EpollBackend.class);
            MemorySegment buf = arena.allocate(16);
            long[] got = {-2};
            Runnable recv = () -> {
                assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, number, buf.address(), 16, 0, 0, 0));
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, w, a) -> got[0] = ev.result(), null).add();
            };
            base.execute(recv);
            loopUntil(base, () -> epoll.watched(number));
            Native.writeByte(first[1], (byte) 1);
            loopUntil(base, () -> got[0] != -2);
            assertEquals(1, got[0]);
            Native.close(first[0]); // the number is free; the backend's entry for it stays dormant
            long[] ctls = {-1, -1};
            got[0] = -2;
            base.execute(() -> {
                dup[0] = laio.syscall(Sys.SYS_dup, second[0], 0, 0, 0, 0, 0);
                ctls[0] = epoll.ctls();
                if (dup[0] == number) {
                    recv.run();
                }
                ctls[1] = epoll.ctls();
            });
            loopUntil(base, () -> ctls[1] >= 0);
            org.junit.jupiter.api.Assumptions.assumeTrue(dup[0] == number, "dup took the freed number (another thread took it first)");
            assertEquals(1, ctls[1] - ctls[0], "one epoll_ctl for the new file's first wait");
            Native.writeByte(second[1], (byte) 2);
            loopUntil(base, () -> got[0] != -2);
            assertEquals(1, got[0], "the wait on the new file under the old number completes");
            assertEquals(2, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(first[1]);
            Native.close(second[0]);
            Native.close(second[1]);
            if (dup[0] >= 0) {
                Native.close((int) dup[0]);
            }
        }
    }
}
