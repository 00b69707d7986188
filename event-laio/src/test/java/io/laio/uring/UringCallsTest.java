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

package io.laio.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.RingMode;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.event.spi.Loops;
import io.laio.internal.Native;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How LAIO calls meet the kernel on the loop's ring: deferred ones together with the pass's wait, lazy ones at once. */
@Timeout(60)
class UringCallsTest {
    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureOffTheTestThread() {
        failures.assertNone();
    }

    private static UringRing ringOf(EventBase base) {
        UringBackend b = Loops.backend(base, UringBackend.class);
        assertNotNull(b, "a uring base");
        return b.ring();
    }

    /** 16 cached preads from one callback: {unsubmitted entries right after them, loop pass of each completion}. */
    private List<Long> sixteenPreads(RingMode mode) throws Exception {
        int fd = cachedSixteenPages();
        List<Long> seen = new ArrayList<>();
        try (EventBase base = EventBase.create("uring"); Laio laio = Laio.attach(base, LaioConfig.builder().ringMode(mode).build())) {
            base.setUncaughtHandler(failures.uncaughtHandler());
            MemorySegment buf = Arena.ofAuto().allocate(16 * 4096L);
            int[] left = {16};
            base.execute(() -> {
                for (int i = 0; i < 16; i++) {
                    long r = laio.syscall(Sys.SYS_pread64, fd, buf.address() + i * 4096L, 4096, i * 4096L);
                    if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
                        int k = i;
                        Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                            assertEquals(4096, ev.result());
                            assertEquals((byte) k, buf.get(ValueLayout.JAVA_BYTE, k * 4096L));
                            seen.add(base.stats().passes());
                            if (--left[0] == 0) {
                                base.loopBreak();
                            }
                        }, null).add();
                    } else {
                        assertEquals(4096, r);
                        left[0]--;
                    }
                }
                seen.addFirst((long) ringOf(base).unsubmitted());
                if (left[0] == 0) {
                    base.loopBreak();
                }
            });
            base.once(null, Ev.TIMEOUT, (e, w, a) -> base.loopBreak(), null, Duration.ofSeconds(20));
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            assertEquals(0, left[0], "every read completed");
        } finally {
            Native.close(fd);
        }
        return seen;
    }

    @Test
    void deferredCallsOfOnePassReachTheKernelTogetherWithItsWaitAndCompleteAsEventsOfOnePass() throws Exception {
        List<Long> seen = sixteenPreads(RingMode.DEFERRED);
        assertEquals(17, seen.size(), "16 events, none inline: " + seen);
        assertTrue(seen.getFirst() >= 16, "all 16 still queued when the task ended: " + seen.getFirst());
        Set<Long> passes = new TreeSet<>(seen.subList(1, 17));
        assertEquals(1, passes.size(), "all completed in one pass: " + passes);
    }

    @Test
    void lazyCallsOnCachedDataCompleteInlineAndLeaveNothingQueued() throws Exception {
        List<Long> seen = sixteenPreads(RingMode.LAZY);
        assertEquals(List.of(0L), seen, "every read answered inline, nothing left on the ring");
    }

    /**
     * Runs {@code calls} from a timer's callback on a uring base with a DEFERRED Laio: each
     * {@code laio.syscall} it makes through {@code Deferred.call} is awaited; returns once all
     * completed, then runs three more passes (a duplicate would show there).
     */
    private void inOnePass(Consumer<Deferred> calls, Deferred d) {
        try (EventBase base = EventBase.create("uring");
                Laio laio = Laio.attach(base, LaioConfig.builder().ringMode(RingMode.DEFERRED).build())) {
            base.setUncaughtHandler(failures.uncaughtHandler());
            d.base = base;
            d.laio = laio;
            d.ring = ringOf(base);
            Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> {
                d.entersBefore = d.ring.enters();
                calls.accept(d);
            }, null).add(Duration.ofMillis(1));
            base.once(null, Ev.TIMEOUT, (e, w, a) -> base.loopBreak(), null, Duration.ofSeconds(20));
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            for (int i = 0; i < 3; i++) {
                base.loop(Ev.LOOP_NONBLOCK);
            }
        }
    }

    /** Calls made in one pass and what each completed with: result, errno, deliveries, ring enters when delivered. */
    private static final class Deferred {
        EventBase base;
        Laio laio;
        UringRing ring;
        long entersBefore;
        final long[] result;
        final int[] errno;
        final int[] deliveries;
        final long[] entersAt;
        int left;
        int made;

        Deferred(int n) {
            result = new long[n];
            errno = new int[n];
            deliveries = new int[n];
            entersAt = new long[n];
            left = n;
        }

        void call(long nr, long a1, long a2, long a3, long a4) {
            int k = made++;
            long r = laio.syscall(nr, a1, a2, a3, a4);
            assertEquals(-1, r, "deferred: no inline answer");
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                result[k] = ev.result();
                errno[k] = ev.error();
                deliveries[k]++;
                entersAt[k] = ring.enters();
                if (--left == 0) {
                    base.loopBreak();
                }
            }, null).add();
        }
    }

    @Test
    void aPassOfDeferredCallsCostsOneEnterAndDeliversEveryCompletionExactlyOnce() throws Exception {
        int fd = cachedSixteenPages();
        int[] pipe = Native.pipe();
        MemorySegment buf = Arena.ofAuto().allocate(17 * 4096L);
        Deferred d = new Deferred(18);
        try {
            Native.writeByte(pipe[1], (byte) 42);
            inOnePass(x -> {
                for (int i = 0; i < 16; i++) {
                    x.call(Sys.SYS_pread64, fd, buf.address() + i * 4096L, 4096, i * 4096L);
                }
                x.call(Sys.SYS_read, pipe[0], buf.address() + 16 * 4096L, 16, 0);
                x.call(Sys.SYS_close, pipe[0], 0, 0, 0);
            }, d);
            assertEquals(0, d.left, "every call completed: " + Arrays.toString(d.deliveries));
            int[] once = new int[18];
            Arrays.fill(once, 1);
            assertArrayEquals(once, d.deliveries, "each completion delivered exactly once, also three passes later");
            for (int i = 0; i < 16; i++) {
                assertEquals(4096, d.result[i]);
                assertEquals((byte) i, buf.get(ValueLayout.JAVA_BYTE, i * 4096L));
                assertEquals(d.entersBefore + 1, d.entersAt[i], "the pass's one io_uring_enter submitted and completed them");
            }
            assertEquals(1, d.result[16], "the pipe's byte, read before the close queued after it");
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 16 * 4096L));
            assertEquals(0, d.result[17], "the close");
            assertEquals(d.entersBefore + 1, d.entersAt[17], "the close went with the same enter");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Native.writeByte(pipe[1], (byte) 1));
            assertTrue(e.getMessage().contains("EPIPE"), "the read end is closed: " + e.getMessage());
        } finally {
            Native.close(fd);
            Native.close(pipe[1]);
        }
    }

    @Test
    void aCallQueuedAfterADeferredCloseOfItsDescriptorEndsWithEbadf() {
        int[] pipe = Native.pipe();
        MemorySegment buf = Arena.ofAuto().allocate(16);
        Deferred d = new Deferred(4);
        try {
            Native.writeByte(pipe[1], (byte) 7);
            Native.writeByte(pipe[1], (byte) 8);
            inOnePass(x -> {
                x.call(Sys.SYS_read, pipe[0], buf.address(), 1, 0);
                x.call(Sys.SYS_close, pipe[0], 0, 0, 0);
                x.call(Sys.SYS_read, pipe[0], buf.address() + 1, 1, 0);
                x.call(Sys.SYS_close, pipe[0], 0, 0, 0);
            }, d);
            assertEquals(0, d.left);
            assertEquals(1, d.result[0], "queued before the close: its byte");
            assertEquals(7, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, d.result[1]);
            assertEquals(-1, d.result[2], "queued after it: the number names nothing");
            assertEquals(Errno.EBADF, d.errno[2]);
            assertEquals(0, buf.get(ValueLayout.JAVA_BYTE, 1), "and read nothing");
            assertEquals(-1, d.result[3], "closed twice: as the plain call answers");
            assertEquals(Errno.EBADF, d.errno[3]);
        } finally {
            Native.close(pipe[1]);
        }
    }

    @Test
    void aLazyCloseStaysInlineAndOffTheRing() {
        int[] pipe = Native.pipe();
        try (EventBase base = EventBase.create("uring"); Laio laio = Laio.attach(base)) {
            long[] r = {-2};
            base.execute(() -> {
                r[0] = laio.close(pipe[0]);
                base.loopBreak();
            });
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
            assertEquals(0, r[0], "a close never blocks: answered inline");
            assertEquals(1, laio.stats().inline(Sys.SYS_close));
        } finally {
            Native.close(pipe[1]);
        }
    }

    /** One loop pass that waits (for a 1 ms timer): the queued entries go with its wait, which reaps what they post. */
    private static void onePass(EventBase base) {
        base.once(null, Ev.TIMEOUT, (e, w, a) -> { }, null, Duration.ofMillis(1));
        base.loop(Ev.LOOP_ONCE);
    }

    @Test
    void anUnawaitedCloseThatWorksPostsNoCompletionAndOneThatFailsReportsItsErrno() throws Exception {
        int[] pipe = Native.pipe();
        int[] gone = Native.pipe();
        Native.close(gone[0]);
        Native.close(gone[1]); // names nothing now
        try (EventBase base = EventBase.create("uring")) {
            UringBackend b = Loops.backend(base, UringBackend.class);
            UringCalls calls = b.calls();
            org.junit.jupiter.api.Assumptions.assumeTrue(calls.closesUnawaited(), "a kernel with IOSQE_CQE_SKIP_SUCCESS (5.17)");
            UringRing ring = b.ring();
            List<int[]> failed = new ArrayList<>();
            List<int[]> otherFailed = new ArrayList<>();
            // two sinks open: the failure must find its own by the id in the entry's user_data, not sink 0
            int other = calls.openFailureSink((fd, errno) -> otherFailed.add(new int[] {fd, errno}));
            int sink = calls.openFailureSink((fd, errno) -> failed.add(new int[] {fd, errno}));
            assertTrue(sink != other);
            calls.closeUnawaited(sink, pipe[0]);
            assertTrue(ring.submitAndWait(0, 0) >= 1, "taken by the kernel");
            assertEquals(0, ring.ready(), "a close that worked posts nothing");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Native.writeByte(pipe[1], (byte) 1));
            assertTrue(e.getMessage().contains("EPIPE"), "the read end is closed: " + e.getMessage());
            calls.closeUnawaited(sink, gone[0]);
            onePass(base); // the pass's wait submits it; its reaping hands the failure over
            assertEquals(1, failed.size(), "the failure posted its completion");
            assertArrayEquals(new int[] {gone[0], Errno.EBADF}, failed.get(0));
            calls.releaseFailureSink(sink);
            calls.closeUnawaited(sink, gone[0]);
            onePass(base);
            assertEquals(1, failed.size(), "a released sink hears nothing (the ring logs it)");
            assertEquals(0, otherFailed.size(), "another sink hears nothing of it");
            calls.releaseFailureSink(other);
        } finally {
            Native.close(pipe[1]);
        }
    }

    @Test
    void aFailureOfACloseQueuedForAReleasedSinkReachesNoSinkOpenedAfterIt() {
        int[] gone = Native.pipe();
        Native.close(gone[0]);
        Native.close(gone[1]); // names nothing now
        try (EventBase base = EventBase.create("uring")) {
            UringCalls calls = Loops.backend(base, UringBackend.class).calls();
            org.junit.jupiter.api.Assumptions.assumeTrue(calls.closesUnawaited(), "a kernel with IOSQE_CQE_SKIP_SUCCESS (5.17)");
            List<int[]> first = new ArrayList<>();
            List<int[]> later = new ArrayList<>();
            int sink = calls.openFailureSink((fd, errno) -> first.add(new int[] {fd, errno}));
            // a Laio's last unawaited close, still on its way to the kernel (or in an io-wq worker) when the Laio closes
            calls.closeUnawaited(sink, gone[0]);
            calls.releaseFailureSink(sink);
            int next = calls.openFailureSink((fd, errno) -> later.add(new int[] {fd, errno})); // the next Laio's
            onePass(base); // the close fails with EBADF now
            assertEquals(0, later.size(), "another Laio's sink does not count the old close's failure");
            assertEquals(0, first.size(), "nor does the released one hear it (the ring logs it)");
            assertTrue(next != sink, "the released sink's id is not given again while its close may still fail");
            calls.closeUnawaited(next, gone[0]);
            onePass(base);
            assertEquals(1, later.size(), "its own close's failure does reach it");
            assertArrayEquals(new int[] {gone[0], Errno.EBADF}, later.get(0));
            calls.releaseFailureSink(next);
        }
    }

    /**
     * A temporary file of 16 pages, page i filled with byte i, in the page cache; its descriptor,
     * open for reading. Its name is gone already: the file goes with the descriptor's close.
     */
    private static int cachedSixteenPages() throws IOException {
        Path f = Files.createTempFile("laio", ".bin");
        byte[] data = new byte[16 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / 4096);
        }
        Files.write(f, data);
        Files.readAllBytes(f); // cached
        int fd = Native.openRead(f.toString());
        Files.delete(f);
        return fd;
    }
}
