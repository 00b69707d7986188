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
import io.laio.internal.Syscalls;
import io.laio.internal.epoll.EpollBackend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A base on a backend that watches raw descriptors ({@code "epoll"}, and {@code "uring"} for the
 * socket-wait tests, which run on both): the loop's own poller watches LAIO's socket waits, which
 * are retried and completed on the loop thread, with no socket-waiter thread.
 */
@Timeout(60)
class EpollLoopTest {
    /** Assertions in tasks, callbacks and helper threads report here; checked after each test. */
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureOffTheTestThread() {
        failures.assertNone();
    }

    /** A base on the epoll backend whose throwing tasks and callbacks fail the test. */
    private EventBase epollBase() {
        return base("epoll");
    }

    /** A base on {@code backend} whose throwing tasks and callbacks fail the test. */
    private EventBase base(String backend) {
        EventBase base = EventBase.create(backend);
        assertEquals(backend, base.backendName());
        base.setUncaughtHandler(failures.uncaughtHandler());
        return base;
    }

    private static long waiterThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("laio-socket-waiter")).count();
    }

    @Test
    void createByNameGivesTheEpollBackendAndRefusesUnknownNames() {
        try (EventBase base = EventBase.create("epoll")) {
            assertEquals("epoll", base.backendName());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventBase.create("kqueue"));
        assertTrue(e.getMessage().contains("epoll") && e.getMessage().contains("nio"), e.getMessage());
    }

    @Test
    void aDeletedEventsEntryStaysQuietAndWakesAgainWhenReAdded() {
        int[] p = Native.pipe();
        try (EventBase base = epollBase()) {
            int[] fired = {0};
            Event ev = Event.set(base, new Descriptor(p[0]), Ev.READ | Ev.PERSIST, (e, w, a) -> fired[0]++, null);
            MemorySegment one = Arena.ofAuto().allocate(1);
            for (int round = 1; round <= 100; round++) { // a keep-alive connection's waits
                ev.add();
                Native.writeByte(p[1], (byte) round);
                base.loop(Ev.LOOP_ONCE);
                assertEquals(round, fired[0]);
                ev.del();
                assertEquals(1, Native.sys(Sys.SYS_read, p[0], one.address(), 1));
            }
            Native.writeByte(p[1], (byte) 7); // readable with nobody asking: the dormant entry reports once at most
            for (int i = 0; i < 5; i++) {
                base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            }
            assertEquals(100, fired[0], "no callback for a deleted event");
            ev.add();
            base.loop(Ev.LOOP_ONCE);
            assertEquals(101, fired[0], "re-added, it reports the byte that was waiting");
            ev.del();
        } finally {
            Native.close(p[0]);
            Native.close(p[1]);
        }
    }

    @Test
    void aDescriptorNumberClosedAndReusedIsWatchedAgain() {
        int[] first = Native.pipe();
        try (EventBase base = epollBase()) {
            int[] fired = {0};
            Event ev = Event.set(base, new Descriptor(first[0]), Ev.READ, (e, w, a) -> fired[0]++, null);
            ev.add();
            Native.writeByte(first[1], (byte) 1);
            base.loop(Ev.LOOP_ONCE);
            assertEquals(1, fired[0]);
            int number = first[0];
            Native.close(first[0]); // the kernel drops its entry; the backend still holds the dormant record
            Native.close(first[1]);
            int[] second = Native.pipe();
            try {
                // the kernel hands out the lowest free number: the new read end takes the old one
                assertEquals(number, second[0], "the number was reused");
                Event again = Event.set(base, new Descriptor(second[0]), Ev.READ, (e, w, a) -> fired[0]++, null);
                again.add();
                Native.writeByte(second[1], (byte) 2);
                base.once(null, Ev.TIMEOUT, (e, w, a) -> base.loopBreak(), null, Duration.ofSeconds(10));
                while (fired[0] == 1 && !base.gotBreak()) {
                    base.loop(Ev.LOOP_ONCE);
                }
                assertEquals(2, fired[0], "the new descriptor under the old number was added to the set, not left unwatched");
            } finally {
                Native.close(second[0]);
                Native.close(second[1]);
            }
        }
    }

    /** The numbers of this process's open eventfd and epoll descriptors. */
    private static Set<Integer> openEventFdsAndEpolls() throws java.io.IOException {
        Set<Integer> fds = new TreeSet<>();
        try (var dir = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/fd"))) {
            for (var p : dir) {
                String target;
                try {
                    target = java.nio.file.Files.readSymbolicLink(p).toString();
                } catch (java.io.IOException gone) {
                    continue; // the listing's own descriptor, closed by now
                }
                if (target.equals("anon_inode:[eventfd]") || target.equals("anon_inode:[eventpoll]")) {
                    fds.add(Integer.parseInt(p.getFileName().toString()));
                }
            }
        }
        return fds;
    }

    @Test
    void aWakeUpRacingCloseNeverWritesToTheDescriptorNumberCloseFreed() throws Exception {
        // Two threads call wakeup() without pause while the backend closes; then two eventfds of
        // our own take the lowest free numbers, which are the two close() freed. A wake-up that
        // passed close() would write its counter into one of them.
        CrossThreadFailures failures = new CrossThreadFailures();
        MemorySegment counter = Arena.ofAuto().allocate(8, 8);
        long landed = 0;
        int reusedRounds = 0;
        for (int round = 0; round < 10; round++) {
            Set<Integer> before = openEventFdsAndEpolls();
            EpollBackend backend = new EpollBackend();
            Set<Integer> own = openEventFdsAndEpolls();
            own.removeAll(before); // its epoll and eventfd
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(2);
            Thread[] wakers = new Thread[2];
            for (int t = 0; t < 2; t++) {
                wakers[t] = failures.start("waker-" + t, () -> {
                    started.countDown();
                    while (!stop.get()) {
                        backend.wakeup();
                        Thread.yield(); // two spinning threads must not starve the closing one on two cores
                    }
                });
            }
            started.await();
            backend.close();
            int[] reused = new int[2];
            for (int i = 0; i < 2; i++) {
                reused[i] = (int) Native.sys(Sys.SYS_eventfd2, 0, 0x80000 /* EFD_CLOEXEC */ | 0x800 /* EFD_NONBLOCK */);
            }
            Thread.sleep(5); // the wakers go on calling the closed backend
            stop.set(true);
            for (Thread w : wakers) {
                w.join();
            }
            if (own.equals(Set.of(reused[0], reused[1]))) {
                reusedRounds++;
            }
            for (int fd : reused) {
                if (Syscalls.call(Native.CAPTURE, Sys.SYS_read, fd, counter.address(), 8) == 8) { // else EAGAIN: nothing written
                    landed += counter.get(ValueLayout.JAVA_LONG, 0);
                }
                Native.close(fd);
            }
            assertEquals(0, backend.wakeupsInFlight());
        }
        assertTrue(reusedRounds > 0, "no round reused the freed numbers: the test proved nothing");
        assertEquals(0, landed, "wake-ups written into descriptors opened after close()");
        failures.assertNone(); // a wake-up that failed (EBADF: it wrote to the number after close freed it)
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aSocketReadThatWouldBlockCompletesOnTheLoopWithoutAWaiterThread(String backend) throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        long before = waiterThreads();
        try (EventBase base = base(backend); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(16);
            long[] got = {-2, -2};
            base.execute(() -> {
                assertEquals(-1, laio.read(sp[0], buf, 16));
                assertEquals(Errno.EINPROGRESS, Laio.errno());
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                    got[0] = ev.result();
                    got[1] = ev.error();
                }, null).add();
                // only now: a byte written before the read (a slow start) made it complete inline
                failures.start("writer", () -> {
                    Thread.sleep(30);
                    Native.writeByte(sp[1], (byte) 42);
                });
            });
            base.once(null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null, Duration.ofSeconds(20));
            while (got[0] == -2 && !base.gotBreak()) {
                base.loop(Ev.LOOP_ONCE);
            }
            assertEquals(1, got[0]);
            assertEquals(0, got[1]);
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(before, waiterThreads(), "no socket-waiter thread was started");
            assertEquals(0, laio.stats().helpersAlive());
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aRecvfromThatWaitsForDataCompletesAsAnLaioEventOnTheLoop(String backend) throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        long before = waiterThreads();
        try (EventBase base = base(backend); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(16);
            long[] got = {-2, -2};
            Thread[] on = new Thread[1];
            base.execute(() -> {
                assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0, 0, 0));
                assertEquals(Errno.EINPROGRESS, Laio.errno());
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                    assertEquals(Ev.LAIO, what & Ev.LAIO);
                    on[0] = Thread.currentThread();
                    got[0] = ev.result();
                    got[1] = ev.error();
                }, null).add();
                failures.start("writer", () -> {
                    Thread.sleep(30);
                    Native.writeByte(sp[1], (byte) 7);
                });
            });
            base.once(null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null, Duration.ofSeconds(20));
            Thread loop = Thread.currentThread();
            while (got[0] == -2 && !base.gotBreak()) {
                base.loop(Ev.LOOP_ONCE);
            }
            assertEquals(1, got[0], "one byte received");
            assertEquals(0, got[1]);
            assertEquals(7, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(loop, on[0], "delivered on the loop thread");
            assertEquals(before, waiterThreads(), "the loop's own poller waited: no socket-waiter thread");
            assertEquals(0, laio.stats().helpersAlive(), "no helper held the wait");
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aOneMebibyteWriteToASlowReaderCompletesOnceAtNBytes(String backend) throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        int size = 1 << 20;
        byte[] data = new byte[size];
        new Random(9).nextBytes(data);
        try (EventBase base = base(backend); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment src = arena.allocate(size);
            MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, size);
            List<Long> results = new ArrayList<>();
            // The reader starts only once the write was issued: a reader already draining the
            // pair could let one non-blocking send take all 1 MiB, and the call would not go
            // to the background at all.
            java.util.concurrent.CountDownLatch issued = new java.util.concurrent.CountDownLatch(1);
            base.execute(() -> {
                long r = laio.write(sp[0], src, size);
                issued.countDown();
                assertEquals(-1, r, "a socket buffer cannot take 1 MiB at once");
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> results.add(ev.result()), null).add();
            });
            byte[] got = new byte[size];
            Thread reader = failures.start("reader", () -> {
                issued.await();
                MemorySegment chunk = Arena.ofAuto().allocate(8192);
                for (int off = 0; off < size; ) {
                    long n = Native.sys(Sys.SYS_read, sp[1], chunk.address(), 8192);
                    MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, got, off, (int) n);
                    off += (int) n;
                }
            });
            base.once(null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null, Duration.ofSeconds(30));
            while (results.isEmpty() && !base.gotBreak()) {
                base.loop(Ev.LOOP_ONCE);
            }
            reader.join();
            failures.assertNone();
            assertEquals(List.of((long) size), results, "one completion, at N bytes");
            assertTrue(java.util.Arrays.equals(data, got));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void aSendfileOfUncachedPagesGoesToAHelperNotTheLoopAndSendsEverything() throws Exception {
        int size = 4 << 20;
        byte[] data = new byte[size];
        new Random(11).nextBytes(data);
        java.nio.file.Path file = java.nio.file.Files.createTempFile("laio-sendfile", ".bin");
        java.nio.file.Files.write(file, data, java.nio.file.StandardOpenOption.SYNC);
        int in = Native.openRead(file.toString());
        Native.dropFromCache(in);
        int[] sp = SocketWaiterTest.socketPair();
        Native.sys(Sys.SYS_fcntl, sp[0], 4 /* F_SETFL */, 04000 /* O_NONBLOCK */);
        try (EventBase base = epollBase(); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment off = arena.allocate(8, 8);
            List<Long> results = new ArrayList<>();
            base.execute(() -> {
                assertEquals(-1, laio.sendfile(sp[0], in, off, size), "the pages are not cached: background");
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> results.add(ev.result()), null).add();
            });
            byte[] got = new byte[size];
            Thread reader = failures.start("reader", () -> {
                MemorySegment chunk = Arena.ofAuto().allocate(65536);
                for (int o = 0; o < size; ) {
                    long n = Native.sys(Sys.SYS_read, sp[1], chunk.address(), 65536);
                    MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, got, o, (int) n);
                    o += (int) n;
                }
            });
            base.once(null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null, Duration.ofSeconds(30));
            while (results.isEmpty() && !base.gotBreak()) {
                base.loop(Ev.LOOP_ONCE);
            }
            reader.join();
            assertEquals(List.of((long) size), results, "one completion, every byte");
            assertTrue(java.util.Arrays.equals(data, got));
            assertEquals(size, off.get(ValueLayout.JAVA_LONG, 0), "the kernel moved the caller's offset");
            assertTrue(laio.stats().helpersAlive() >= 1, "a helper read the disk, not the loop");
        } finally {
            Native.close(in);
            Native.close(sp[0]);
            Native.close(sp[1]);
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aCancelledWaitEndsWithEcanceledAndTheLoopEmpties(String backend) throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = base(backend); Laio laio = Laio.attach(base); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(4);
            int[] errors = {-1};
            int[] deliveries = {0};
            base.execute(() -> {
                assertEquals(-1, laio.read(sp[0], buf, 4));
                LaioHandle h = laio.gethandle();
                Event.set(base, h, Ev.LAIO, (ev, what, arg) -> {
                    deliveries[0]++;
                    errors[0] = ev.error();
                }, null).add();
                assertTrue(laio.cancel(h));
            });
            assertEquals(1, base.dispatch(), "nothing left pending: the loop ends on its own");
            Native.writeByte(sp[1], (byte) 1);
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            assertEquals(1, deliveries[0]);
            assertEquals(Errno.ECANCELED, errors[0]);
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void closingLaioEndsItsWaitingCallsWithEcanceled(String backend) throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = base(backend); Arena arena = Arena.ofShared()) {
            Laio laio = Laio.attach(base);
            MemorySegment buf = arena.allocate(4);
            int[] errors = {-1};
            base.execute(() -> {
                assertEquals(-1, laio.read(sp[0], buf, 4));
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> errors[0] = ev.error(), null).add();
                base.loopBreak();
            });
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            laio.close();
            base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            assertEquals(Errno.ECANCELED, errors[0]);
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }
}
