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

import static io.laio.abi.AtFlags.AT_FDCWD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.abi.TimespecLayout;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.internal.Native;
import io.laio.internal.Syscalls;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LaioBatch}: calls posted together, one callback when all are done, the same answers as
 * the helper route, on the uring base (ring modes LAZY and DEFERRED put calls with an opcode on
 * the ring; OFF does not) and on the epoll and parking bases (every call by the normal route).
 */
@Timeout(120)
class LaioBatchTest {
    private static final int FILE_SIZE = 10_000;
    private static final long NO_SUCH_FD = 1_000_000;
    /** An address no mapping holds: the kernel answers EFAULT on every route. */
    private static final long UNMAPPED = 16;

    private final CrossThreadFailures failures = new CrossThreadFailures();

    @TempDir
    Path dir;

    @AfterEach
    void noFailureInACallback() {
        failures.assertNone();
    }

    /** A base of the kind {@code setup} names ({@code uring-lazy}, {@code uring-deferred}, {@code uring-off}, {@code epoll}, {@code parking}). */
    private EventBase base(String setup) {
        String backend = setup.startsWith("uring") ? "uring" : setup;
        EventBase base;
        try {
            base = EventBase.create(backend);
        } catch (UncheckedIOException e) {
            Assumptions.assumeTrue(!backend.equals("uring"), "io_uring is refused here: " + e.getCause().getMessage());
            throw e;
        }
        base.setUncaughtHandler(failures.uncaughtHandler());
        return base;
    }

    private static Laio attach(EventBase base, String setup) {
        RingMode mode = switch (setup) {
            case "uring-deferred" -> RingMode.DEFERRED;
            case "uring-off" -> RingMode.OFF;
            default -> RingMode.LAZY;
        };
        return Laio.attach(base, LaioConfig.builder().ringMode(mode).build());
    }

    /** Runs {@code task} on the loop thread and the loop until something breaks it (20 s at most). */
    private static void onLoop(EventBase base, Runnable task) {
        Event guard = Event.set(base, null, Ev.TIMEOUT, (e, w, arg) -> base.loopBreak(), null);
        guard.add(Duration.ofSeconds(20));
        base.execute(task);
        base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
        guard.del();
    }

    /** Submits what {@code fill} adds and runs the loop until the callback; returns {result, errno} per call and the callback count. */
    private static long[][] runBatch(EventBase base, LaioBatch batch, Consumer<LaioBatch> fill) {
        int[] callbacks = {0};
        long[][] out = new long[1][];
        onLoop(base, () -> {
            fill.accept(batch);
            batch.submit(b -> {
                callbacks[0]++;
                long[] o = new long[b.size() * 2];
                for (int i = 0; i < b.size(); i++) {
                    o[2 * i] = b.result(i);
                    o[2 * i + 1] = b.errno(i);
                }
                out[0] = o;
                base.loopBreak();
            });
        });
        assertEquals(1, callbacks[0], "one callback per submit");
        return new long[][] {out[0]};
    }

    private int openTestFile() throws Exception {
        Path file = dir.resolve("data");
        byte[] bytes = new byte[FILE_SIZE];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 13);
        }
        Files.write(file, bytes);
        return Native.openRead(file.toString());
    }

    /** One batch of every kind of answer: reads (whole, short, at the end), EBADF, EFAULT, EINVAL, ENOENT, an open, calls with no opcode. */
    private static final class Scenario {
        final Arena arena = Arena.ofAuto();
        final MemorySegment buf0 = arena.allocate(4096);
        final MemorySegment buf1 = arena.allocate(4096);
        final MemorySegment buf2 = arena.allocate(64);
        final MemorySegment missing;
        final MemorySegment present;
        final MemorySegment sleep = arena.allocate(TimespecLayout.LAYOUT);
        final int fd;

        Scenario(int fd, Path dir) {
            this.fd = fd;
            missing = arena.allocateFrom(dir.resolve("missing").toString());
            present = arena.allocateFrom(dir.resolve("data").toString());
            TimespecLayout.set(sleep, 0, 1_000_000);
        }

        long[][] calls() {
            return new long[][] {
                {Sys.SYS_pread64, fd, buf0.address(), 4096, 0},
                {Sys.SYS_pread64, fd, buf1.address(), 4096, 8192}, // short: 1808 bytes left
                {Sys.SYS_pread64, fd, buf2.address(), 64, 20_000}, // past the end: 0
                {Sys.SYS_pread64, NO_SUCH_FD, buf2.address(), 64, 0}, // EBADF
                {Sys.SYS_pread64, fd, UNMAPPED, 64, 0}, // EFAULT
                {Sys.SYS_pread64, fd, buf2.address(), 64, -1}, // EINVAL (no opcode for a negative offset)
                {Sys.SYS_openat, AT_FDCWD, missing.address(), 0x80000, 0}, // ENOENT
                {Sys.SYS_openat, AT_FDCWD, present.address(), 0x80000, 0}, // a descriptor
                {Sys.SYS_pwrite64, fd, buf2.address(), 64, 0}, // EBADF: opened read-only
                {Sys.SYS_getpid}, // no opcode: inline
                {Sys.SYS_nanosleep, sleep.address(), 0}, // no opcode: a helper
            };
        }

        /** Answers as "result/errno" lines, a descriptor as "fd" (and closed). */
        static List<String> answers(long[][] calls, long[] out) {
            List<String> log = new ArrayList<>();
            for (int i = 0; i < calls.length; i++) {
                long r = out[2 * i];
                if (calls[i][0] == Sys.SYS_openat && r >= 0) {
                    Native.close((int) r);
                    log.add("fd");
                } else {
                    log.add(r + "/" + Errno.name((int) out[2 * i + 1]));
                }
            }
            return log;
        }
    }

    private static long[] onHelpers(long[][] calls) {
        long[] out = new long[calls.length * 2];
        try (Laio eager = Laio.create(LaioConfig.builder().policy(Policy.EAGER).build())) {
            for (int i = 0; i < calls.length; i++) {
                long[] a = Arrays.copyOfRange(calls[i], 1, 7);
                long[] x = Arrays.copyOf(a, 6);
                long r = eager.syscall(calls[i][0], x[0], x[1], x[2], x[3], x[4], x[5]);
                int err = Laio.errno();
                if (r == -1 && err == Errno.EINPROGRESS) {
                    LaioCompletion[] c = {new LaioCompletion()};
                    assertEquals(1, eager.poll(c, 1, Duration.ofSeconds(20)));
                    r = c[0].returnValue();
                    err = c[0].errno();
                }
                out[2 * i] = r;
                out[2 * i + 1] = r == -1 ? err : 0;
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring-lazy", "uring-deferred", "uring-off", "epoll", "parking"})
    void aBatchAnswersEachCallAsTheHelperRouteDoesOnTheSameInputs(String setup) throws Exception {
        int fd = openTestFile();
        try (EventBase base = base(setup); Laio laio = attach(base, setup)) {
            Scenario s = new Scenario(fd, dir);
            long[][] calls = s.calls();
            LaioBatch batch = laio.batch(calls.length);
            long[] out = runBatch(base, batch, b -> {
                for (long[] c : calls) {
                    long[] x = Arrays.copyOf(Arrays.copyOfRange(c, 1, c.length), 6);
                    b.add(c[0], x[0], x[1], x[2], x[3], x[4], x[5]);
                }
            })[0];
            for (int i = 0; i < FILE_SIZE - 8192; i++) {
                assertEquals((byte) ((8192 + i) * 13), s.buf1.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of the short read");
            }
            for (int i = 0; i < 4096; i++) {
                assertEquals((byte) (i * 13), s.buf0.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of the first read");
            }
            List<String> batched = Scenario.answers(calls, out);
            List<String> helpers = Scenario.answers(calls, onHelpers(calls));
            assertEquals(helpers, batched);
            assertEquals(List.of("4096/0", "1808/0", "0/0", "-1/EBADF", "-1/EFAULT", "-1/EINVAL", "-1/ENOENT", "fd",
                    "-1/EBADF", ProcessHandle.current().pid() + "/0", "0/0"), batched, "the answers themselves");
            assertEquals(0, laio.stats().inFlight());
            if (setup.equals("uring-deferred")) {
                // syscall() would have sent each call with an opcode to the ring as a record with an
                // event; the batch posts them as bare entries: only the calls with no opcode, the
                // nanosleep and the pread at a negative offset (both on a helper), have one
                assertEquals(2, batch.eventsMade(), "calls that waited on an event of their own");
            }
        } finally {
            Native.close(fd);
        }
    }

    @Test
    void typedAddersRefuseABadBufferBeforeAnythingIsAddedOrSubmitted() throws Exception {
        int fd = openTestFile();
        try (EventBase base = base("uring-deferred"); Laio laio = attach(base, "uring-deferred")) {
            LaioBatch batch = laio.batch(4);
            MemorySegment small = Arena.ofAuto().allocate(16);
            List<Throwable> refused = new ArrayList<>();
            long[] got = new long[2];
            onLoop(base, () -> {
                refused.add(catching(() -> batch.pread(fd, small, 17, 0)));
                refused.add(catching(() -> batch.pread(fd, small, -1, 0)));
                refused.add(catching(() -> batch.pwrite(fd, MemorySegment.ofArray(new byte[16]), 16, 0)));
                got[0] = batch.size();
                batch.pread(fd, small, 16, 0);
                batch.submit(b -> {
                    got[1] = b.result(0);
                    base.loopBreak();
                });
            });
            assertTrue(refused.get(0) instanceof IndexOutOfBoundsException, String.valueOf(refused.get(0)));
            assertTrue(refused.get(1) instanceof IndexOutOfBoundsException, String.valueOf(refused.get(1)));
            assertTrue(refused.get(2) instanceof IllegalArgumentException, String.valueOf(refused.get(2)));
            assertEquals(0, got[0], "nothing was added by a refused call");
            assertEquals(16, got[1], "the batch still works: only the good call ran");
        } finally {
            Native.close(fd);
        }
    }

    private static Throwable catching(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring-lazy", "uring-deferred"})
    void aBatchLargerThanTheCompletionQueueLosesNoCompletion(String setup) throws Exception {
        int fd = openTestFile();
        int n = 1200; // the ring's CQ holds 512: the rest wait in the kernel's overflow list
        try (EventBase base = base(setup); Laio laio = attach(base, setup)) {
            LaioBatch batch = laio.batch(n);
            MemorySegment buf = Arena.ofAuto().allocate(n);
            long[] out = runBatch(base, batch, b -> {
                for (int i = 0; i < n; i++) {
                    b.pread(fd, buf.asSlice(i, 1), 1, i * 7L % FILE_SIZE);
                }
            })[0];
            for (int i = 0; i < n; i++) {
                assertEquals(1, out[2 * i], "call " + i);
                assertEquals((byte) ((i * 7L % FILE_SIZE) * 13), buf.get(ValueLayout.JAVA_BYTE, i), "byte of call " + i);
            }
        } finally {
            Native.close(fd);
        }
    }

    /** A socket pair {ours, peer}: a recv on ours waits until the peer writes. */
    private static int[] socketPair() {
        MemorySegment sv = Arena.ofAuto().allocate(8, 4);
        Native.sys(Sys.SYS_socketpair, 1 /* AF_UNIX */, 1 | 02000000 /* SOCK_STREAM|CLOEXEC */, 0, sv.address());
        return new int[] {sv.get(ValueLayout.JAVA_INT, 0), sv.get(ValueLayout.JAVA_INT, 4)};
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring-lazy", "uring-deferred", "uring-off", "epoll", "parking"})
    void cancelStopsTheWaitingCallsTheOthersCompleteAndTheCallbackRunsOnce(String setup) throws Exception {
        int fd = openTestFile();
        int[] sp = socketPair();
        try (EventBase base = base(setup); Laio laio = attach(base, setup)) {
            LaioBatch batch = laio.batch(3);
            MemorySegment in = Arena.ofAuto().allocate(8);
            MemorySegment page = Arena.ofAuto().allocate(4096);
            int[] callbacks = {0};
            long[] out = new long[6];
            onLoop(base, () -> {
                batch.add(Sys.SYS_recvfrom, sp[0], in.address(), 8);
                batch.pread(fd, page, 4096, 0);
                batch.add(Sys.SYS_recvfrom, sp[0], in.address() + 4, 4);
                batch.submit(b -> {
                    callbacks[0]++;
                    for (int i = 0; i < 3; i++) {
                        out[2 * i] = b.result(i);
                        out[2 * i + 1] = b.errno(i);
                    }
                    base.loopBreak();
                });
                // a pass later: the recvs wait (on the ring, the socket waits or the loop's poller)
                Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> batch.cancel(), null).add(Duration.ofMillis(20));
            });
            assertEquals(1, callbacks[0]);
            assertEquals(List.of(-1L, (long) Errno.ECANCELED, 4096L, 0L, -1L, (long) Errno.ECANCELED),
                    Arrays.stream(out).boxed().toList(), "results/errnos of the three calls");
            // the cancelled recvs took nothing: the byte written now is the next one read
            Native.writeByte(sp[1], (byte) 42);
            assertEquals(1, Native.sys(Sys.SYS_recvfrom, sp[0], in.address(), 8, 0, 0, 0));
            assertEquals(42, in.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, laio.stats().inFlight());
        } finally {
            Native.close(fd);
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring-lazy", "uring-deferred", "epoll"})
    void aSendLargerThanTheSocketTakesCompletesInItsEntiretyWithinTheBatch(String setup) throws Exception {
        int[] sp = socketPair();
        int size = 4 << 20;
        try (EventBase base = base(setup); Laio laio = attach(base, setup)) {
            MemorySegment out = Arena.ofAuto().allocate(size);
            long[] got = {0};
            Thread reader = failures.start("peer", () -> {
                MemorySegment in = Arena.ofAuto().allocate(65_536);
                // its own capture: Native.sys is synchronized, and a read blocked in it would hold
                // up the test thread's closing of the sockets that ends it
                MemorySegment capture = Syscalls.newCapture(Arena.ofAuto());
                while (got[0] < size) {
                    Thread.sleep(1); // slower than the sender: the socket fills and the send goes on in parts
                    long n = Syscalls.call(capture, Sys.SYS_read, sp[1], in.address(), 65_536);
                    if (n <= 0) {
                        return; // closed by the test thread: the count says how far it got
                    }
                    got[0] += n;
                }
            });
            LaioBatch batch = laio.batch(2);
            long[] r = runBatch(base, batch, b -> {
                b.add(Sys.SYS_sendto, sp[0], out.address(), size, 0, 0, 0);
                b.add(Sys.SYS_getpid, 0, 0, 0);
            })[0];
            assertEquals(List.of((long) size, 0L), List.of(r[0], r[1]), "one completion, for every byte");
            reader.join(20_000);
            assertEquals(size, got[0]);
        } finally {
            Native.close(sp[0]); // the reader's read then ends
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring-lazy", "uring-deferred", "uring-off", "epoll", "parking"})
    void closeWithABatchInFlightEndsEachCallOnceAndRunsTheCallbackOnceWithEcanceled(String setup) throws Exception {
        int fd = openTestFile();
        int[] sp = socketPair();
        try (EventBase base = base(setup)) {
            Laio laio = attach(base, setup);
            LaioBatch batch = laio.batch(4);
            MemorySegment in = Arena.ofAuto().allocate(8);
            MemorySegment page = Arena.ofAuto().allocate(4096);
            int[] callbacks = {0};
            long[] out = new long[8];
            onLoop(base, () -> {
                batch.add(Sys.SYS_recvfrom, sp[0], in.address(), 4);
                batch.add(Sys.SYS_recvfrom, sp[0], in.address() + 4, 4);
                batch.pread(fd, page, 4096, 4096);
                batch.add(Sys.SYS_getpid, 0, 0, 0);
                batch.submit(b -> {
                    if (callbacks[0]++ == 0) {
                        // passes after the first callback (not a fixed time after the close, which a
                        // loaded machine can outlast): a second callback would show here
                        Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> base.loopBreak(), null).add(Duration.ofMillis(200));
                    }
                    for (int i = 0; i < 4; i++) {
                        out[2 * i] = b.result(i);
                        out[2 * i + 1] = b.errno(i);
                    }
                });
                Event.set(base, null, Ev.TIMEOUT, (e, w, a) -> laio.close(), null).add(Duration.ofMillis(20));
            });
            assertEquals(1, callbacks[0], "the callback ran once");
            assertEquals(List.of(-1L, (long) Errno.ECANCELED, -1L, (long) Errno.ECANCELED, 4096L, 0L,
                    ProcessHandle.current().pid(), 0L), Arrays.stream(out).boxed().toList());
            assertEquals(0, laio.stats().inFlight());
            Native.writeByte(sp[1], (byte) 7);
            assertEquals(1, Native.sys(Sys.SYS_recvfrom, sp[0], in.address(), 8, 0, 0, 0), "the kernel holds no recv any more");
            assertEquals(7, in.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(fd);
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring-deferred", "epoll"})
    void twoBatchesInFlightAtOnceEachGetTheirOwnCompletions(String setup) throws Exception {
        int fd = openTestFile();
        try (EventBase base = base(setup); Laio laio = attach(base, setup)) {
            // submitted in one pass, so on a deferred ring both batches have ids (and entries) at once
            // and each completion must find its batch by the id in its user_data
            LaioBatch first = laio.batch(1);
            LaioBatch second = laio.batch(2);
            MemorySegment page = Arena.ofAuto().allocate(3 * 4096);
            List<String> got = new ArrayList<>();
            onLoop(base, () -> {
                first.pread(fd, page, 100, 0);
                second.pread(fd, page.asSlice(4096), 200, 4096);
                second.pread(fd, page.asSlice(2 * 4096), 300, 8192);
                LaioBatch.Callback done = b -> {
                    StringBuilder r = new StringBuilder(b == first ? "first" : "second");
                    for (int i = 0; i < b.size(); i++) {
                        r.append(' ').append(b.result(i)).append('/').append(b.errno(i));
                    }
                    got.add(r.toString());
                    if (got.size() == 2) {
                        base.loopBreak();
                    }
                };
                first.submit(done);
                second.submit(done);
            });
            got.sort(null);
            assertEquals(List.of("first 100/0", "second 200/0 300/0"), got);
        } finally {
            Native.close(fd);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uring-deferred", "epoll"})
    void misuseIsRefusedClearlyAndChangesNothing(String setup) throws Exception {
        int fd = openTestFile();
        try (EventBase base = base(setup); Laio laio = attach(base, setup)) {
            LaioBatch batch = laio.batch(2);
            MemorySegment page = Arena.ofAuto().allocate(4096);
            List<String> refusals = new ArrayList<>();
            long[] rounds = {0, 0};
            assertThrows(IllegalStateException.class, () -> batch.add(Sys.SYS_getpid, 0, 0, 0), "off the loop");
            LaioHandle[] mine = new LaioHandle[2];
            int[] sp = socketPair();
            MemorySegment in = Arena.ofAuto().allocate(8);
            onLoop(base, () -> {
                // the thread's own last call, a background one: a batch leaves errno() and gethandle() to it
                laio.syscall(Sys.SYS_recvfrom, sp[0], in.address(), 8, 0, 0, 0);
                mine[0] = laio.gethandle();
                refusals.add(message(() -> batch.submit(b -> { }))); // nothing added
                batch.pread(fd, page, 4096, 0);
                batch.pread(fd, page, 4096, 0);
                refusals.add(message(() -> batch.add(Sys.SYS_getpid, 0, 0, 0))); // full
                batch.submit(b -> {
                    laio.cancel(mine[0]);
                    rounds[0]++;
                    rounds[1] = b.result(1);
                    // reused inside its own callback: a new round
                    b.add(Sys.SYS_getpid, 0, 0, 0);
                    b.submit(b2 -> {
                        rounds[0]++;
                        base.loopBreak();
                    });
                });
                refusals.add(message(() -> batch.add(Sys.SYS_getpid, 0, 0, 0))); // in flight
                refusals.add(message(() -> batch.submit(b -> { }))); // in flight
                refusals.add(message(() -> batch.result(0))); // in flight
                mine[1] = laio.gethandle();
                refusals.add(Errno.name(Laio.errno()));
            });
            Native.close(sp[0]);
            Native.close(sp[1]);
            assertTrue(mine[0] != null && mine[0] == mine[1], "gethandle() after a batch: the thread's own call's handle");
            assertEquals("EINPROGRESS", refusals.get(5), "errno() after a batch: the thread's own call's");
            assertEquals(2, rounds[0], "both rounds ran, once each");
            assertEquals(4096, rounds[1]);
            assertEquals(ProcessHandle.current().pid(), batch.result(0), "the second round's call");
            assertEquals(1, batch.size());
            assertTrue(refusals.get(0).contains("no call added"), refusals.get(0));
            assertTrue(refusals.get(1).contains("full (capacity 2)"), refusals.get(1));
            assertTrue(refusals.get(2).contains("in flight"), refusals.get(2));
            assertTrue(refusals.get(3).contains("in flight"), refusals.get(3));
            assertTrue(refusals.get(4).contains("in flight"), refusals.get(4));
            assertThrows(IllegalArgumentException.class, () -> laio.batch(0));
            assertThrows(IllegalArgumentException.class, () -> laio.batch(LaioBatch.MAX_CAPACITY + 1));
        } finally {
            Native.close(fd);
        }
        try (Laio standalone = Laio.create()) {
            assertThrows(IllegalStateException.class, () -> standalone.batch(4));
        }
    }

    private static String message(Runnable r) {
        try {
            r.run();
            return "not refused";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}
