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
import static io.laio.abi.AtFlags.AT_REMOVEDIR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.abi.IovecLayout;
import io.laio.abi.OpenFlags;
import io.laio.abi.OpenHowLayout;
import io.laio.abi.StatxLayout;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * LAIO calls on a {@code "uring"} base, made on the loop thread, go to the loop's ring
 * ({@link RingMode#LAZY}: after the probe; {@link RingMode#DEFERRED}: without one, with the pass's
 * wait) and answer exactly as the helper route does on the same inputs; completions are Ev.LAIO
 * events; nothing is lost past the completion queue's size; cancel and close reach calls the
 * kernel holds.
 */
@Timeout(120)
class UringLaioTest {
    private static final long POSIX_FADV_WILLNEED = 3;
    private static final long RENAME_NOREPLACE = 1;

    private final CrossThreadFailures failures = new CrossThreadFailures();

    @AfterEach
    void noFailureOffTheTestThread() {
        failures.assertNone();
    }

    private EventBase uringBase() {
        EventBase base = EventBase.create("uring");
        base.setUncaughtHandler(failures.uncaughtHandler());
        return base;
    }

    /** Runs a call and answers {result, errno}. */
    @FunctionalInterface
    interface Runner {
        long[] call(long nr, long... a);
    }

    /** The call through {@code laio} on the loop thread of {@code base}; an Ev.LAIO event waits for a background one. */
    private static long[] onLoop(EventBase base, Laio laio, long nr, long... a) {
        long[] x = Arrays.copyOf(a, 6);
        long[] out = {0, 0, -1};
        base.execute(() -> {
            long r = laio.syscall(nr, x[0], x[1], x[2], x[3], x[4], x[5]);
            int err = Laio.errno();
            if (r == -1 && err == Errno.EINPROGRESS) {
                Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                    out[0] = ev.result();
                    out[1] = ev.error();
                    out[2] = 1;
                    base.loopBreak();
                }, null).add();
            } else {
                out[0] = r;
                out[1] = r == -1 ? err : 0;
                out[2] = 0;
                base.loopBreak();
            }
        });
        runUntilBroken(base);
        assertTrue(out[2] >= 0, Sys.name(nr) + ": no completion within 20 s");
        return new long[] {out[0], out[1]};
    }

    private static void runUntilBroken(EventBase base) {
        Event guard = Event.set(base, null, Ev.TIMEOUT, (e, w, arg) -> base.loopBreak(), null);
        guard.add(Duration.ofSeconds(20));
        base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
        guard.del();
    }

    /** The same call on a helper: EAGER sends every call to one. */
    private static long[] onHelper(Laio eager, long nr, long... a) {
        long[] x = Arrays.copyOf(a, 6);
        long r = eager.syscall(nr, x[0], x[1], x[2], x[3], x[4], x[5]);
        int err = Laio.errno();
        if (r == -1 && err == Errno.EINPROGRESS) {
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, eager.poll(out, 1, Duration.ofSeconds(20)));
            return new long[] {out[0].returnValue(), out[0].errno()};
        }
        return new long[] {r, r == -1 ? err : 0};
    }

    /**
     * Every call with an opcode, with successes and failures (EEXIST, ENOENT, EBADF, EISDIR,
     * EFAULT), in directory {@code dir}: the answers, descriptors replaced by "a descriptor".
     */
    private static List<String> scenario(Runner run, Path dir) {
        List<String> log = new ArrayList<>();
        Arena arena = Arena.ofAuto();
        MemorySegment buf = arena.allocate(8192);
        for (int i = 0; i < 8192; i++) {
            buf.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
        }
        MemorySegment in = arena.allocate(8192);
        MemorySegment iov = arena.allocate(2 * IovecLayout.SIZE, 8);
        IovecLayout.set(iov, in.address(), 50);
        IovecLayout.set(iov.asSlice(IovecLayout.SIZE), in.address() + 50, 50);
        MemorySegment stx = arena.allocate(StatxLayout.LAYOUT);
        MemorySegment how = arena.allocate(OpenHowLayout.LAYOUT);
        OpenHowLayout.set(how, OpenFlags.O_RDONLY, 0, 0);
        java.util.function.Function<String, Long> path = name -> arena.allocateFrom(dir.resolve(name).toString()).address();
        LongSupplier sum = () -> {
            long s = 0;
            for (int i = 0; i < 8192; i++) {
                s = s * 31 + in.get(ValueLayout.JAVA_BYTE, i);
            }
            return s;
        };
        java.util.function.BiConsumer<String, long[]> note = (what, r) -> log.add(what + " -> " + r[0] + " " + Errno.name((int) r[1]));

        note.accept("mkdir sub", run.call(Sys.SYS_mkdir, path.apply("sub"), 0755));
        note.accept("mkdir sub again", run.call(Sys.SYS_mkdir, path.apply("sub"), 0755));
        note.accept("mkdirat sub2", run.call(Sys.SYS_mkdirat, AT_FDCWD, path.apply("sub2"), 0700));
        long[] opened = run.call(Sys.SYS_openat, AT_FDCWD, path.apply("f"), OpenFlags.O_CREAT | OpenFlags.O_RDWR, 0644);
        log.add("openat f -> " + (opened[0] >= 0 ? "a descriptor" : Errno.name((int) opened[1])));
        long fd = opened[0];
        note.accept("write", run.call(Sys.SYS_write, fd, buf.address(), 8192));
        note.accept("pwrite64", run.call(Sys.SYS_pwrite64, fd, buf.address() + 100, 100, 10_000));
        note.accept("fsync", run.call(Sys.SYS_fsync, fd));
        note.accept("fdatasync", run.call(Sys.SYS_fdatasync, fd));
        note.accept("fallocate", run.call(Sys.SYS_fallocate, fd, 0, 0, 65_536));
        note.accept("ftruncate", run.call(Sys.SYS_ftruncate, fd, 20_000));
        note.accept("fadvise64", run.call(Sys.SYS_fadvise64, fd, 0, 0, POSIX_FADV_WILLNEED));
        note.accept("pread64", run.call(Sys.SYS_pread64, fd, in.address(), 4096, 4096));
        log.add("pread64 bytes " + sum.getAsLong());
        note.accept("read at the position", run.call(Sys.SYS_read, fd, in.address(), 100));
        note.accept("read on", run.call(Sys.SYS_read, fd, in.address() + 100, 100));
        log.add("read bytes " + sum.getAsLong());
        note.accept("preadv", run.call(Sys.SYS_preadv, fd, iov.address(), 2, 9_990));
        log.add("preadv bytes " + sum.getAsLong());
        note.accept("readv", run.call(Sys.SYS_readv, fd, iov.address(), 2));
        note.accept("pwritev", run.call(Sys.SYS_pwritev, fd, iov.address(), 2, 30_000));
        note.accept("writev", run.call(Sys.SYS_writev, fd, iov.address(), 2));
        note.accept("pread64 past the end", run.call(Sys.SYS_pread64, fd, in.address(), 4096, 1_000_000));
        note.accept("statx f", run.call(Sys.SYS_statx, AT_FDCWD, path.apply("f"), 0, StatxLayout.STATX_SIZE, stx.address()));
        log.add("statx size " + StatxLayout.size(stx));
        note.accept("statx missing", run.call(Sys.SYS_statx, AT_FDCWD, path.apply("missing"), 0, StatxLayout.STATX_SIZE,
                stx.address()));
        note.accept("openat missing", run.call(Sys.SYS_openat, AT_FDCWD, path.apply("missing"), OpenFlags.O_RDONLY, 0));
        long[] o2 = run.call(Sys.SYS_openat2, AT_FDCWD, path.apply("f"), how.address(), OpenHowLayout.SIZE);
        log.add("openat2 f -> " + (o2[0] >= 0 ? "a descriptor" : Errno.name((int) o2[1])));
        note.accept("open missing", run.call(Sys.SYS_open, path.apply("missing"), OpenFlags.O_RDONLY, 0));
        note.accept("renameat f g", run.call(Sys.SYS_renameat, AT_FDCWD, path.apply("f"), AT_FDCWD, path.apply("g")));
        note.accept("rename g h", run.call(Sys.SYS_rename, path.apply("g"), path.apply("h")));
        note.accept("rename missing", run.call(Sys.SYS_rename, path.apply("g"), path.apply("h")));
        note.accept("symlink h s", run.call(Sys.SYS_symlink, path.apply("h"), path.apply("s")));
        note.accept("symlinkat h t", run.call(Sys.SYS_symlinkat, path.apply("h"), AT_FDCWD, path.apply("t")));
        note.accept("link h l", run.call(Sys.SYS_link, path.apply("h"), path.apply("l")));
        note.accept("linkat h l again", run.call(Sys.SYS_linkat, AT_FDCWD, path.apply("h"), AT_FDCWD, path.apply("l"), 0));
        note.accept("renameat2 noreplace", run.call(Sys.SYS_renameat2, AT_FDCWD, path.apply("h"), AT_FDCWD, path.apply("l"),
                RENAME_NOREPLACE));
        note.accept("unlink s", run.call(Sys.SYS_unlink, path.apply("s")));
        note.accept("unlinkat t", run.call(Sys.SYS_unlinkat, AT_FDCWD, path.apply("t"), 0));
        note.accept("unlinkat l", run.call(Sys.SYS_unlinkat, AT_FDCWD, path.apply("l"), 0));
        note.accept("unlinkat l again", run.call(Sys.SYS_unlinkat, AT_FDCWD, path.apply("l"), 0));
        note.accept("rmdir sub", run.call(Sys.SYS_rmdir, path.apply("sub")));
        note.accept("unlinkat sub2 dir", run.call(Sys.SYS_unlinkat, AT_FDCWD, path.apply("sub2"), AT_REMOVEDIR));
        note.accept("pread64 bad descriptor", run.call(Sys.SYS_pread64, 987_654, in.address(), 16, 0));
        note.accept("read bad descriptor", run.call(Sys.SYS_read, 987_654, in.address(), 16));
        note.accept("fsync bad descriptor", run.call(Sys.SYS_fsync, 987_654));
        note.accept("pread64 unmapped buffer", run.call(Sys.SYS_pread64, fd, 4096, 16, 0));
        note.accept("statx unmapped path", run.call(Sys.SYS_statx, AT_FDCWD, 4096, 0, StatxLayout.STATX_SIZE, stx.address()));
        long[] d = run.call(Sys.SYS_openat, AT_FDCWD, arena.allocateFrom(dir.toString()).address(), OpenFlags.O_RDONLY, 0);
        note.accept("read a directory", run.call(Sys.SYS_read, d[0], in.address(), 16));
        note.accept("close the directory", run.call(Sys.SYS_close, d[0]));
        note.accept("close it again", run.call(Sys.SYS_close, d[0]));
        note.accept("read it after its close", run.call(Sys.SYS_read, d[0], in.address(), 16));
        note.accept("close bad descriptor", run.call(Sys.SYS_close, 987_654));
        if (o2[0] >= 0) {
            Native.close((int) o2[0]);
        }
        Native.close((int) fd);
        return log;
    }

    @ParameterizedTest
    @EnumSource(value = RingMode.class, names = {"LAZY", "DEFERRED"})
    void everyOpcodeAnswersAsTheHelperRouteDoesOnTheSameInputs(RingMode mode) throws Exception {
        Path ringDir = Files.createTempDirectory("laio-ring");
        Path helperDir = Files.createTempDirectory("laio-helper");
        List<String> ring;
        List<String> helper;
        long helpers;
        LaioStats stats;
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base, LaioConfig.builder().ringMode(mode).build())) {
            ring = scenario((nr, a) -> onLoop(base, laio, nr, a), ringDir);
            helpers = laio.stats().helpersAlive();
            stats = laio.stats();
        }
        try (Laio eager = Laio.create(LaioConfig.builder().policy(Policy.EAGER).build())) {
            helper = scenario((nr, a) -> onHelper(eager, nr, a), helperDir);
        }
        assertEquals(String.join("\n", helper), String.join("\n", ring));
        assertEquals(0, helpers, "the ring took every call: no helper was started\n" + stats);
        if (mode == RingMode.DEFERRED) {
            assertEquals(0, stats.inline(Sys.SYS_pread64), "deferred: even a cached read completes as an event\n" + stats);
            for (long nr : new long[] {Sys.SYS_close, Sys.SYS_statx, Sys.SYS_openat2}) {
                assertEquals(stats.calls(nr), stats.background(nr), Sys.name(nr) + ": an entry on the ring, unprobed\n" + stats);
            }
        }
        try (var files = Files.list(ringDir)) {
            assertEquals(List.of(ringDir.resolve("h")), files.toList());
        }
        Files.delete(ringDir.resolve("h"));
        Files.delete(ringDir);
        Files.delete(helperDir.resolve("h"));
        Files.delete(helperDir);
    }

    @Test
    void aNegativeOffsetGoesToTheHelperAndFailsWithEinvalThere() throws Exception {
        Path f = Files.createTempFile("laio", ".bin");
        int fd = Native.openRead(f.toString());
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base);
                Laio eager = Laio.create(LaioConfig.builder().policy(Policy.EAGER).build())) {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            long[] ring = onLoop(base, laio, Sys.SYS_pread64, fd, buf.address(), 16, -1);
            assertArrayEquals(onHelper(eager, Sys.SYS_pread64, fd, buf.address(), 16, -1), ring);
            assertArrayEquals(new long[] {-1, Errno.EINVAL}, ring, "the entry would have read at the file position");
        } finally {
            Native.close(fd);
            Files.delete(f);
        }
    }

    static int[] socketpair() {
        MemorySegment sv = Arena.ofAuto().allocate(8, 4);
        Native.sys(Sys.SYS_socketpair, 1 /* AF_UNIX */, 1 | 0x80000 /* SOCK_STREAM | SOCK_CLOEXEC */, 0, sv.address());
        return new int[] {sv.get(ValueLayout.JAVA_INT, 0), sv.get(ValueLayout.JAVA_INT, 4)};
    }

    /**
     * Whether some io_uring of this process holds an entry of {@code opcode} waiting for
     * readiness: the {@code PollList:} of its fdinfo lists {@code op=N} for each (a RECV waiting
     * for data is 27; the backend's own polls are 6).
     */
    static boolean kernelHoldsAPolled(int opcode) throws java.io.IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                String link;
                try {
                    link = Files.readSymbolicLink(fd).toString();
                } catch (java.io.IOException e) {
                    continue; // closed meanwhile
                }
                if (link.contains("io_uring")) {
                    String info = Files.readString(Path.of("/proc/self/fdinfo/" + fd.getFileName()));
                    if (info.lines().anyMatch(l -> l.strip().startsWith("op=" + opcode + ","))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static long socketWaiterThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().equals("laio-socket-waiter")).count();
    }

    @Test
    void aRecvThatWaitsCompletesFromTheRingWithNoThreadOfItsOwn() {
        int[] sp = socketpair();
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            failures.start("peer", () -> {
                Thread.sleep(50);
                boolean held = kernelHoldsAPolled(27);
                Native.writeByte(sp[1], (byte) 42);
                assertTrue(held, "the recv waited in the kernel, as an IORING_OP_RECV");
            });
            long[] r = onLoop(base, laio, Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0, 0, 0);
            assertArrayEquals(new long[] {1, 0}, r);
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(1, laio.stats().background(Sys.SYS_recvfrom), "it waited");
            assertEquals(0, laio.stats().helpersAlive());
            assertEquals(0, socketWaiterThreads());
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = RingMode.class, names = {"LAZY", "DEFERRED"})
    void aRecvWithDontwaitOnANonblockingSocketStillWaitsAsOnTheHelperRoute(RingMode mode) {
        int[] sp = socketpair();
        Native.sys(Sys.SYS_fcntl, sp[0], 4 /* F_SETFL */, 0x800 /* O_NONBLOCK */);
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base, LaioConfig.builder().ringMode(mode).build())) {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            failures.start("peer", () -> {
                Thread.sleep(50);
                Native.writeByte(sp[1], (byte) 7);
            });
            long[] r = onLoop(base, laio, Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0x40 /* MSG_DONTWAIT */, 0, 0);
            assertArrayEquals(new long[] {1, 0}, r, "LAIO waits for a call that would block, whatever its flags");
            assertEquals(7, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void aSendLargerThanTheSocketTakesCompletesInItsEntirety() {
        int[] sp = socketpair();
        int size = 4 << 20;
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base)) {
            MemorySegment out = Arena.ofAuto().allocate(size);
            for (int i = 0; i < size; i += 4096) {
                out.set(ValueLayout.JAVA_BYTE, i, (byte) (i >> 12));
            }
            AtomicLong received = new AtomicLong();
            Thread reader = failures.start("peer", () -> {
                MemorySegment in = Arena.ofAuto().allocate(65_536);
                long got = 0;
                while (got < size) {
                    Thread.sleep(1); // slower than the sender: the socket fills and the send goes on in parts
                    long n = Native.sys(Sys.SYS_read, sp[1], in.address(), 65_536);
                    assertTrue(n > 0, "end of stream after " + got);
                    got += n;
                }
                received.set(got);
            });
            long[] r = onLoop(base, laio, Sys.SYS_sendto, sp[0], out.address(), size, 0, 0, 0);
            assertArrayEquals(new long[] {size, 0}, r, "one completion, for every byte");
            try {
                reader.join(20_000);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertEquals(size, received.get());
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = RingMode.class, names = {"LAZY", "DEFERRED"})
    void moreCallsInFlightThanTheCompletionQueueHoldsLoseNone(RingMode mode) {
        int n = 1200; // the backend's completion queue has 512 entries
        int[][] pairs = new int[n][];
        for (int i = 0; i < n; i++) {
            pairs[i] = socketpair();
        }
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base, LaioConfig.builder().ringMode(mode).build())) {
            MemorySegment bufs = Arena.ofAuto().allocate(n);
            int[] seen = new int[n];
            int[] done = {0};
            base.execute(() -> {
                for (int i = 0; i < n; i++) {
                    int k = i;
                    assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, pairs[i][0], bufs.address() + i, 1, 0, 0, 0));
                    assertEquals(Errno.EINPROGRESS, Laio.errno());
                    Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                        seen[k] += ev.result() == 1 && bufs.get(ValueLayout.JAVA_BYTE, k) == (byte) k ? 1 : 100;
                        if (++done[0] == n) {
                            base.loopBreak();
                        }
                    }, null).add();
                }
                for (int i = 0; i < n; i++) {
                    Native.writeByte(pairs[i][1], (byte) i); // all ready at once: n completions for the queue's 512
                }
            });
            runUntilBroken(base);
            int[] once = new int[n];
            Arrays.fill(once, 1);
            assertArrayEquals(once, seen, "each call completed once, with its own byte");
            assertEquals(0, laio.stats().helpersAlive());
        } finally {
            for (int[] p : pairs) {
                Native.close(p[0]);
                Native.close(p[1]);
            }
        }
    }

    @Test
    void cancelOnTheLoopStopsACallTheKernelHoldsAndItReadsNothing() {
        int[] sp = socketpair();
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            long[] out = {0, 0};
            boolean[] cancelled = {false};
            base.execute(() -> {
                assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0, 0, 0));
                LaioHandle h = laio.gethandle();
                Event.set(base, h, Ev.LAIO, (ev, what, arg) -> {
                    out[0] = ev.result();
                    out[1] = ev.error();
                    base.loopBreak();
                }, null).add();
                cancelled[0] = laio.cancel(h);
            });
            runUntilBroken(base);
            assertTrue(cancelled[0], "stopped before it read anything");
            assertArrayEquals(new long[] {-1, Errno.ECANCELED}, out);
            assertEquals(1, laio.stats().cancelled(Sys.SYS_recvfrom));
            Native.writeByte(sp[1], (byte) 9);
            assertEquals(1, Native.sys(Sys.SYS_read, sp[0], buf.address(), 16), "the cancelled recv took nothing");
            assertEquals(9, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void cancelFromAnotherThreadReachesTheRingThroughTheLoop() {
        int[] sp = socketpair();
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            long[] out = {0, 0};
            base.execute(() -> {
                assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0, 0, 0));
                LaioHandle h = laio.gethandle();
                Event.set(base, h, Ev.LAIO, (ev, what, arg) -> {
                    out[0] = ev.result();
                    out[1] = ev.error();
                    base.loopBreak();
                }, null).add();
                failures.start("canceller", () -> assertFalse(laio.cancel(h),
                        "not known to be stopped off the loop thread"));
            });
            runUntilBroken(base);
            assertArrayEquals(new long[] {-1, Errno.ECANCELED}, out);
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    /**
     * A cancel handed to the loop from another thread runs later; by then its call may have
     * completed and its record (and ring slot) been reused by the next call. The generation
     * check must leave that next call alone.
     */
    @Test
    void aLateCancelOfACompletedCallDoesNotCancelTheCallThatReusedItsRecordAndSlot() {
        int[] sp = socketpair();
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base)) {
            MemorySegment buf = Arena.ofAuto().allocate(16);
            io.laio.internal.route.RingRoute ring = io.laio.uring.UringCalls.of(base);
            LaioHandle[] first = {null};
            boolean[] lateCancel = {true};
            long[] out = {0, 0};
            base.execute(() -> {
                assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0, 0, 0));
                first[0] = laio.gethandle();
                Event.set(base, first[0], Ev.LAIO, (ev, what, arg) -> base.loopBreak(), null).add();
                Native.writeByte(sp[1], (byte) 1);
            });
            runUntilBroken(base); // the first call completed and was reported
            base.loop(Ev.LOOP_NONBLOCK | Ev.LOOP_NO_EXIT_ON_EMPTY); // a pass whose drain recycles its record
            base.execute(() -> { // a pass later: its record was recycled, and the next call takes it
                assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, sp[0], buf.address(), 16, 0, 0, 0));
                LaioHandle second = laio.gethandle();
                assertTrue(second.call == first[0].call, "the record was reused");
                lateCancel[0] = ring.cancel(first[0].call, first[0].gen); // the stale cancel arrives now
                Event.set(base, second, Ev.LAIO, (ev, what, arg) -> {
                    out[0] = ev.result();
                    out[1] = ev.error();
                    base.loopBreak();
                }, null).add();
                Native.writeByte(sp[1], (byte) 2);
            });
            runUntilBroken(base);
            assertFalse(lateCancel[0], "a stale generation cancels nothing");
            assertArrayEquals(new long[] {1, 0}, out, "the second call completed normally");
            assertEquals(2, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void closeWithCallsInFlightEndsThemCancelledAndTheKernelLetsGoOfTheirBuffers() {
        int n = 8;
        int[][] pairs = new int[n][];
        for (int i = 0; i < n; i++) {
            pairs[i] = socketpair();
        }
        try (EventBase base = uringBase()) {
            Laio laio = Laio.attach(base);
            MemorySegment bufs = Arena.ofAuto().allocate(n);
            List<String> seen = new ArrayList<>();
            base.execute(() -> {
                for (int i = 0; i < n; i++) {
                    assertEquals(-1, laio.syscall(Sys.SYS_recvfrom, pairs[i][0], bufs.address() + i, 1, 0, 0, 0));
                    Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                        seen.add(ev.result() + " " + Errno.name(ev.error()));
                        if (seen.size() == n) {
                            base.loopBreak();
                        }
                    }, null).add();
                }
                base.execute(laio::close); // the next pass: the calls are in the kernel by then
            });
            runUntilBroken(base);
            assertEquals(java.util.Collections.nCopies(n, "-1 ECANCELED"), seen);
            MemorySegment one = Arena.ofAuto().allocate(1);
            for (int[] p : pairs) {
                Native.writeByte(p[1], (byte) 3);
                assertEquals(1, Native.sys(Sys.SYS_read, p[0], one.address(), 1), "nothing read into a buffer after close");
            }
        } finally {
            for (int[] p : pairs) {
                Native.close(p[0]);
                Native.close(p[1]);
            }
        }
    }

    @Test
    void callsFromAnotherThreadKeepTheHelperRoute() throws Exception {
        Path f = Files.createTempFile("laio", ".bin");
        int fd = Native.openRead(f.toString());
        try (EventBase base = uringBase(); Laio laio = Laio.attach(base)) {
            assertEquals(-1, laio.fsync(fd));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            long[] out = {-2};
            Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> out[0] = ev.result(), null).add();
            base.dispatch();
            assertEquals(0, out[0]);
            assertEquals(1, laio.stats().helpersAlive(), "the ring is the loop thread's alone");
        } finally {
            Native.close(fd);
            Files.delete(f);
        }
    }
}
