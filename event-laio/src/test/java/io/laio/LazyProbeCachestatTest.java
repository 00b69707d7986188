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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.abi.IovecLayout;
import io.laio.internal.Native;
import io.laio.internal.Syscalls;
import io.laio.internal.route.LazyProbe;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15: a file system that refuses RWF_NOWAIT (FUSE, NFS, tmpfs on this kernel) still gets
 * its cached reads inline, through cachestat. tmpfs is the one such file system every test
 * machine has; an ext4 file marked as refusing RWF_NOWAIT covers the uncached case (tmpfs pages
 * cannot be dropped).
 */
@Timeout(60)
class LazyProbeCachestatTest {

    private static Path fileWith(Path dir, byte[] data) throws Exception {
        Path f = Files.createTempFile(dir, "laio-cachestat", ".bin");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(data);
            raf.getFD().sync();
        }
        return f;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A file on tmpfs, after checking that this kernel's tmpfs does refuse RWF_NOWAIT. */
    private static Path tmpfsFile(byte[] data) throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm), "no /dev/shm here");
        Path f = fileWith(shm, data);
        int fd = Native.openRead(f.toString());
        try {
            MemorySegment m = Arena.ofAuto().allocate(16 + 1, 8);
            IovecLayout.set(m, m.address() + 16, 1);
            long r = Syscalls.call(Native.CAPTURE, Sys.SYS_preadv2, fd, m.address(), 1, 0, 0, 0x8 /* RWF_NOWAIT */);
            boolean refused = r == -1 && Syscalls.errno(Native.CAPTURE) == Errno.EOPNOTSUPP;
            if (!refused) {
                Files.delete(f);
            }
            Assumptions.assumeTrue(refused, "this kernel's tmpfs takes RWF_NOWAIT: the ext4 test covers the probe");
        } finally {
            Native.close(fd);
        }
        return f;
    }

    private static void assertBytes(byte[] data, long from, MemorySegment buf, long count) {
        for (long i = 0; i < count; i += 511) {
            assertEquals(data[(int) (from + i)], buf.get(ValueLayout.JAVA_BYTE, i), "byte " + (from + i));
        }
    }

    @Test
    void aCachedReadOnAFileSystemWithoutRwfNowaitCompletesInline() throws Exception {
        byte[] data = random(256 * 1024, 15);
        Path f = tmpfsFile(data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            int fd = (int) laio.open(f.toString(), 0, 0);
            MemorySegment buf = arena.allocate(64 * 1024);
            for (int i = 0; i < 4; i++) {
                assertEquals(4096, laio.pread(fd, buf, 4096, 8192 * i));
                assertNull(laio.gethandle(), "cached: inline");
                assertBytes(data, 8192 * i, buf, 4096);
            }
            assertEquals(buf.byteSize(), laio.read(fd, buf, buf.byteSize()));
            assertNull(laio.gethandle());
            assertBytes(data, 0, buf, buf.byteSize());
            LaioStats s = laio.stats();
            assertEquals(4, s.inline(Sys.SYS_pread64), s.toString());
            assertEquals(0, s.background(Sys.SYS_pread64), s.toString());
            assertEquals(1, s.inline(Sys.SYS_read), s.toString());
            assertEquals(0, s.background(Sys.SYS_read), s.toString());
            assertTrue(s.probeHits(Sys.SYS_pread64) >= 4, s.toString());
            laio.close(fd);
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void aCachedReadThatReachesTheEndOfTheFileCompletesInlineWithWhatIsThere() throws Exception {
        byte[] data = random(10_000, 16);
        Path f = tmpfsFile(data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            int fd = (int) laio.open(f.toString(), 0, 0);
            MemorySegment buf = arena.allocate(64 * 1024);
            assertEquals(10_000, laio.read(fd, buf, buf.byteSize()), "the pages past the end hold nothing to wait for");
            assertNull(laio.gethandle());
            assertEquals(0, laio.read(fd, buf, buf.byteSize()), "end of file, inline");
            assertNull(laio.gethandle());
            assertBytes(data, 0, buf, 10_000);
            MemorySegment iov = arena.allocate(32, 8);
            IovecLayout.set(iov, buf.address(), 6000);
            IovecLayout.set(iov.asSlice(16), buf.address() + 6000, 6000);
            assertEquals(10_000, laio.syscall(Sys.SYS_preadv, fd, iov.address(), 2, 0), Errno.name(Laio.errno()));
            assertNull(laio.gethandle(), "a vectored cached read, inline too");
            assertEquals(0, laio.stats().background(Sys.SYS_read) + laio.stats().background(Sys.SYS_preadv));
            laio.close(fd);
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void aReadLongerThanTheResidencyBoundRunsItsFirstPartInlineAndCompletesWithTheTotal() throws Exception {
        int n = (int) (3 * LazyProbe.RESIDENCY_BOUND);
        byte[] data = random(n, 17);
        Path f = tmpfsFile(data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            int fd = (int) laio.open(f.toString(), 0, 0);
            MemorySegment buf = arena.allocate(n);
            long[] r = LaioContractTest.complete(laio, Sys.SYS_pread64, fd, buf.address(), n, 0);
            assertEquals(n, r[0], "the total, never a short count before the end of the file");
            assertBytes(data, 0, buf, n);
            laio.close(fd);
        } finally {
            Files.delete(f);
        }
    }

    /**
     * cachestat refuses a caller who neither owns a file nor may write it ({@code EPERM}: the
     * kernel's page-cache side-channel rule, as mincore's): that file's reads go to a helper, and
     * nothing else changes. A server running as its own user and serving root's files beside its
     * own keeps its cached reads of the others inline (cachestat was turned off for the whole
     * process at the first EPERM). Needs root: it lowers one thread's effective uid to nobody's.
     */
    @Test
    void aFileCachestatRefusesToTheCallerLeavesTheProbeOnForTheOtherFiles() throws Exception {
        assumeRoot();
        byte[] data = random(64 * 1024, 20);
        Path theirs = tmpfsFile(data); // root's, mode 0600: nobody may not write it
        Path mine = tmpfsFile(data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            int theirFd = (int) laio.open(theirs.toString(), 0, 0);
            int myFd = (int) laio.open(mine.toString(), 0, 0);
            MemorySegment buf = arena.allocate(data.length);
            long[] r = asNobody(() -> LaioContractTest.complete(laio, Sys.SYS_pread64, theirFd, buf.address(), data.length, 0));
            assertEquals(data.length, r[0], Errno.name((int) r[1]));
            assertEquals(1, r[2], "cachestat refused and tmpfs refuses RWF_NOWAIT: no probe works on it, background");
            assertBytes(data, 0, buf, data.length);

            assertEquals(data.length, laio.pread(myFd, buf, data.length, 0), Errno.name(Laio.errno()));
            assertNull(laio.gethandle(), "cachestat is still asked about the other file: cached, inline");
            assertBytes(data, 0, buf, data.length);
            laio.close(theirFd);
            laio.close(myFd);
        } finally {
            Files.delete(theirs);
            Files.delete(mine);
        }
    }

    private static final String NO_REFUSAL = "this kernel lets nobody ask cachestat about root's files (before 6.18)";

    /** Skips the rest of a test where cachestat answered nobody (kernels before the side-channel rule reached it). */
    private static void assumeCachestatRefused(Laio laio) {
        Assumptions.assumeTrue(laio.router.probe.cachestatRefusals() > 0, NO_REFUSAL);
    }

    private static void assumeRoot() {
        Assumptions.assumeTrue(Syscalls.call(Native.CAPTURE, Sys.SYS_geteuid) == 0,
                "needs root: the test lowers one thread's effective uid");
    }

    /**
     * Runs {@code work} on a new thread whose effective uid is nobody's (65534) and returns its
     * result here, on the test thread, where an assertion that failed there is thrown again. The
     * raw system call changes that thread's credentials only (glibc's wrapper changes every
     * thread's); laio's helpers keep running as root.
     */
    static <T> T asNobody(Callable<T> work) throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread nobody = new Thread(() -> {
            MemorySegment capture = Syscalls.newCapture(Arena.ofAuto());
            if (Syscalls.call(capture, Sys.SYS_setresuid, -1, 65534, -1) != 0) {
                outcome.set(new AssertionError("setresuid: " + Errno.name(Syscalls.errno(capture))));
                return;
            }
            try {
                outcome.set(work.call());
            } catch (Throwable t) {
                outcome.set(t);
            }
        }, "nobody");
        nobody.start();
        nobody.join();
        if (outcome.get() instanceof Throwable t) {
            throw new AssertionError("on the thread running as nobody", t);
        }
        @SuppressWarnings("unchecked")
        T result = (T) outcome.get();
        return result;
    }

    /**
     * A file of root's with mode 0644 on a file system that takes RWF_NOWAIT (the temporary
     * directory's, ext4 on the test machines): nobody may read it, and on a kernel with the
     * page-cache side-channel rule cachestat refuses it to nobody.
     */
    private static Path rootsReadOnlyFile(byte[] data) throws Exception {
        Path f = fileWith(Path.of(System.getProperty("java.io.tmpdir")), data);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        int fd = Native.openRead(f.toString());
        try {
            MemorySegment m = Arena.ofAuto().allocate(16 + 1, 8);
            IovecLayout.set(m, m.address() + 16, 1);
            long r = Syscalls.call(Native.CAPTURE, Sys.SYS_preadv2, fd, m.address(), 1, 0, 0, 0x8 /* RWF_NOWAIT */);
            boolean refused = r == -1 && Syscalls.errno(Native.CAPTURE) == Errno.EOPNOTSUPP;
            if (refused) {
                Files.delete(f);
            }
            Assumptions.assumeFalse(refused, "the temporary directory's file system refuses RWF_NOWAIT");
        } finally {
            Native.close(fd);
        }
        return f;
    }

    /** A stream socket pair, the sending end {@code [0]} non-blocking: sendfile's probes run only then. */
    private static int[] sendingPair() {
        int[] sp = SocketWaiterTest.socketPair();
        Native.sys(Sys.SYS_fcntl, sp[0], 4 /* F_SETFL */, 0x800 /* O_NONBLOCK */);
        return sp;
    }

    /** A sendfile case's body: {@code sp[0]} sends (non-blocking), {@code sp[1]} receives. */
    private interface SendCase {
        void run(Laio laio, Arena arena, int[] sp) throws Exception;
    }

    /** Runs {@code body} with a new Laio, an arena and a {@link #sendingPair}; then closes them and deletes {@code files}. */
    private static void sending(SendCase body, Path... files) throws Exception {
        int[] sp = sendingPair();
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            body.run(laio, arena, sp);
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
            for (Path f : files) {
                Files.delete(f);
            }
        }
    }

    /** Reads exactly {@code n} bytes from blocking descriptor {@code fd}. */
    private static byte[] receive(int fd, int n) {
        MemorySegment chunk = Arena.ofAuto().allocate(65536);
        byte[] got = new byte[n];
        int o = 0;
        while (o < n) {
            long r = Native.sys(Sys.SYS_read, fd, chunk.address(), Math.min(65536, n - o));
            Assertions.assertTrue(r > 0, "the peer closed after " + o + " bytes");
            MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, 0, got, o, (int) r);
            o += (int) r;
        }
        return got;
    }

    /**
     * The usual deployment: a server running as its own user sends root's world-readable files.
     * cachestat refuses them (6.18); a cached one is still sent inline, told by an RWF_NOWAIT
     * read of its range into scratch memory, and cachestat is asked once for its number, not
     * once per sendfile.
     */
    @Test
    void aCachedFileCachestatRefusesIsSentInlineAndCachestatIsAskedOnceForItsNumber() throws Exception {
        assumeRoot();
        byte[] data = random(48 * 1024, 21);
        Path f = rootsReadOnlyFile(data);
        sending((laio, arena, sp) -> {
            int fd = (int) laio.open(f.toString(), 0, 0);
            Files.readAllBytes(f);
            long pages = (data.length + Syscalls.PAGE_SIZE - 1) / Syscalls.PAGE_SIZE;
            Assumptions.assumeTrue(Native.cachedPages(fd, 0, data.length) == pages, "cached");
            MemorySegment off = arena.allocate(8, 8);
            int sends = 4;
            Object[] got = asNobody(() -> {
                Object[] each = new Object[2 * sends];
                for (int i = 0; i < sends; i++) {
                    off.set(ValueLayout.JAVA_LONG, 0, 0);
                    each[2 * i] = LaioContractTest.complete(laio, Sys.SYS_sendfile, sp[0], fd, off.address(), data.length);
                    each[2 * i + 1] = receive(sp[1], data.length);
                }
                return each;
            });
            for (int i = 0; i < sends; i++) {
                long[] r = (long[]) got[2 * i];
                assertEquals(data.length, r[0], Errno.name((int) r[1]));
                assertEquals(0, r[2], "cached: inline, not on a helper");
                assertTrue(Arrays.equals(data, (byte[]) got[2 * i + 1]), "the file's bytes");
            }
            LaioStats s = laio.stats();
            assumeCachestatRefused(laio);
            assertEquals(1, laio.router.probe.cachestatRefusals(), "asked once for the number, then remembered");
            assertEquals(sends, s.inline(Sys.SYS_sendfile), s.toString());
            assertEquals(0, s.background(Sys.SYS_sendfile), s.toString());
            assertEquals(sends, s.probeHits(Sys.SYS_sendfile), s.toString());
            laio.close(fd);
        }, f);
    }

    /** Where cachestat is refused, an uncached range still goes to a helper, and its bytes arrive; once cached, inline. */
    @Test
    void anUncachedFileCachestatRefusesIsSentFromAHelperAndInlineOnceCached() throws Exception {
        assumeRoot();
        byte[] data = random(40 * 1024, 22);
        Path f = rootsReadOnlyFile(data);
        sending((laio, arena, sp) -> {
            int fd = (int) laio.open(f.toString(), 0, 0);
            Native.dropFromCache(fd);
            Assumptions.assumeTrue(Native.cachedPages(fd, 0, data.length) == 0, "dropped from the page cache");
            MemorySegment off = arena.allocate(8, 8);
            Object[] got = asNobody(() -> {
                long[] cold = LaioContractTest.complete(laio, Sys.SYS_sendfile, sp[0], fd, off.address(), data.length);
                byte[] coldBytes = receive(sp[1], data.length);
                off.set(ValueLayout.JAVA_LONG, 0, 0);
                long[] warm = LaioContractTest.complete(laio, Sys.SYS_sendfile, sp[0], fd, off.address(), data.length);
                return new Object[] {cold, coldBytes, warm, receive(sp[1], data.length)};
            });
            long[] cold = (long[]) got[0];
            assertEquals(data.length, cold[0], Errno.name((int) cold[1]));
            assertEquals(1, cold[2], "not in the page cache: a helper, never the loop");
            assertTrue(Arrays.equals(data, (byte[]) got[1]), "the file's bytes");
            long[] warm = (long[]) got[2];
            assertEquals(data.length, warm[0], Errno.name((int) warm[1]));
            assertEquals(0, warm[2], "the helper's sendfile brought it in: inline now");
            assertTrue(Arrays.equals(data, (byte[]) got[3]), "the file's bytes");
            LaioStats s = laio.stats();
            assumeCachestatRefused(laio);
            assertEquals(1, laio.router.probe.cachestatRefusals(), s.toString());
            assertEquals(1, s.probeWouldBlock(Sys.SYS_sendfile), s.toString());
            laio.close(fd);
        }, f);
    }

    /**
     * A sendfile longer than the RWF_NOWAIT probe's bound sends what it looked at inline and the
     * rest from a helper (never from the loop: that part was not looked at), and completes with
     * the total.
     */
    @Test
    void aSendfileLongerThanTheProbedRangeCompletesWithTheTotalAndTheRightBytes() throws Exception {
        assumeRoot();
        int n = (int) (3 * LazyProbe.COPY_PROBE_BOUND + 1000);
        byte[] data = random(n, 23);
        Path f = rootsReadOnlyFile(data);
        sending((laio, arena, sp) -> {
            int fd = (int) laio.open(f.toString(), 0, 0);
            Files.readAllBytes(f);
            MemorySegment off = arena.allocate(8, 8);
            AtomicReference<byte[]> received = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().start(() -> received.set(receive(sp[1], n)));
            long[] r = asNobody(() -> LaioContractTest.complete(laio, Sys.SYS_sendfile, sp[0], fd, off.address(), n));
            reader.join(30_000);
            assertEquals(n, r[0], Errno.name((int) r[1]));
            assertEquals(1, r[2], "the rest, beyond the probed range, on a helper");
            assertTrue(Arrays.equals(data, received.get()), "the file's bytes, in order");
            assertEquals(n, off.get(ValueLayout.JAVA_LONG, 0), "the offset moved past all of it");
            LaioStats s = laio.stats();
            assumeCachestatRefused(laio);
            assertEquals(1, s.probeHits(Sys.SYS_sendfile), "the probed range went inline: " + s);
            laio.close(fd);
        }, f);
    }

    /** The refusal belonged to the file: a new file under the number after a close through laio is asked anew. */
    @Test
    void afterACloseThroughLaioTheNextFileUnderTheNumberIsAskedCachestatAgain() throws Exception {
        assumeRoot();
        byte[] data = random(8 * 1024, 24);
        Path first = rootsReadOnlyFile(data);
        Path second = rootsReadOnlyFile(data);
        sending((laio, arena, sp) -> {
            MemorySegment off = arena.allocate(8, 8);
            long[] refusals = asNobody(() -> {
                long[] seen = new long[4];
                int fd = (int) laio.open(first.toString(), 0, 0);
                for (int i = 0; i < 2; i++) {
                    off.set(ValueLayout.JAVA_LONG, 0, 0);
                    LaioContractTest.complete(laio, Sys.SYS_sendfile, sp[0], fd, off.address(), data.length);
                    receive(sp[1], data.length);
                    seen[i] = laio.router.probe.cachestatRefusals();
                }
                laio.close(fd);
                int again = (int) laio.open(second.toString(), 0, 0);
                seen[3] = again == fd ? 1 : 0;
                off.set(ValueLayout.JAVA_LONG, 0, 0);
                LaioContractTest.complete(laio, Sys.SYS_sendfile, sp[0], again, off.address(), data.length);
                receive(sp[1], data.length);
                seen[2] = laio.router.probe.cachestatRefusals();
                laio.close(again);
                return seen;
            });
            Assumptions.assumeTrue(refusals[0] > 0, NO_REFUSAL);
            Assumptions.assumeTrue(refusals[3] == 1, "another thread took the number");
            assertEquals(1, refusals[0]);
            assertEquals(1, refusals[1], "the same file: not asked again");
            assertEquals(2, refusals[2], "a new file under the number: asked again");
        }, first, second);
    }

    /**
     * The next file under a number whose file refused RWF_NOWAIT is guessed to refuse it too and
     * asked with cachestat; when cachestat refuses that file to the caller, its reads ask it that
     * once: not again for the RWF_NOWAIT probe the dropped guess leaves, nor for the next read.
     */
    @Test
    void readsOfARefusingFileUnderAGuessedNumberAskCachestatOnce() throws Exception {
        assumeRoot();
        byte[] data = random(16 * 1024, 25);
        Path first = tmpfsFile(data);
        Path theirs = tmpfsFile(data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(data.length);
            int fd = (int) laio.open(first.toString(), 0, 0);
            assertEquals(data.length, laio.pread(fd, buf, data.length, 0), Errno.name(Laio.errno()));
            laio.close(fd);
            int again = (int) laio.open(theirs.toString(), 0, 0);
            Assumptions.assumeTrue(again == fd, "another thread took the number");
            long[][] r = asNobody(() -> new long[][] {
                LaioContractTest.complete(laio, Sys.SYS_pread64, again, buf.address(), data.length, 0),
                LaioContractTest.complete(laio, Sys.SYS_pread64, again, buf.address(), data.length, 0)});
            for (long[] each : r) {
                assertEquals(data.length, each[0], Errno.name((int) each[1]));
                assertEquals(1, each[2], "tmpfs refuses RWF_NOWAIT, cachestat refuses the file: a helper");
            }
            assertBytes(data, 0, buf, data.length);
            assumeCachestatRefused(laio);
            assertEquals(1, laio.router.probe.cachestatRefusals(), laio.stats().toString());
            laio.close(again);
        } finally {
            Files.delete(first);
            Files.delete(theirs);
        }
    }

    /** ext4, told that its file system refuses RWF_NOWAIT: cachestat must tell cached from uncached. */
    @Test
    void whereRwfNowaitIsRefusedAnUncachedReadGoesToTheBackgroundAndACachedOneStaysInline() throws Exception {
        byte[] data = random(1024 * 1024, 18);
        Path f = fileWith(Path.of(System.getProperty("java.io.tmpdir")), data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            int fd = (int) laio.open(f.toString(), 0, 0);
            MemorySegment buf = arena.allocate(64 * 1024);
            Native.dropFromCache(fd);
            laio.router.probe.history.nowaitRefused(fd, laio.router.probe.history.ticket(fd));
            long[] r = LaioContractTest.complete(laio, Sys.SYS_pread64, fd, buf.address(), buf.byteSize(), 512 * 1024);
            assertEquals(buf.byteSize(), r[0]);
            assertEquals(1, r[2], "not in the page cache: background");
            assertBytes(data, 512 * 1024, buf, buf.byteSize());
            // now cached (the background read brought it in)
            assertEquals(buf.byteSize(), laio.pread(fd, buf, buf.byteSize(), 512 * 1024));
            assertNull(laio.gethandle(), "cached: inline, by cachestat");
            assertBytes(data, 512 * 1024, buf, buf.byteSize());
            LaioStats s = laio.stats();
            assertEquals(1, s.background(Sys.SYS_pread64), s.toString());
            assertEquals(1, s.inline(Sys.SYS_pread64), s.toString());
            laio.close(fd);
        } finally {
            Files.delete(f);
        }
    }

    /**
     * A server that opens, reads and closes a file per request gets the same few numbers back:
     * the next file under a number closed through laio is asked with cachestat at once, not first
     * refused RWF_NOWAIT (a system call per file on FUSE); and a number that then names no file
     * (a pipe made behind laio's back) is probed as before, not sent to a helper.
     */
    @Test
    void theNextFileUnderANumberClosedThroughLaioSkipsTheRefusedProbeAndAPipeUnderItStaysInline() throws Exception {
        byte[] data = random(10_000, 19);
        Path first = tmpfsFile(data);
        Path[] next = new Path[8];
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            MemorySegment buf = arena.allocate(16 * 1024);
            int fd = (int) laio.open(first.toString(), 0, 0);
            assertEquals(10_000, laio.pread(fd, buf, buf.byteSize(), 0));
            assertEquals(1, laio.stats().probeUnsupported(Sys.SYS_pread64), "the file system refused RWF_NOWAIT once");
            laio.close(fd);
            for (int i = 0; i < next.length; i++) {
                byte[] d = random(10_000, 20 + i);
                next[i] = fileWith(first.getParent(), d);
                int again = (int) laio.open(next[i].toString(), 0, 0);
                Assumptions.assumeTrue(again == fd, "another thread took the number");
                assertEquals(10_000, laio.pread(again, buf, buf.byteSize(), 0));
                assertNull(laio.gethandle(), "cached: inline, by cachestat");
                assertBytes(d, 0, buf, 10_000);
                laio.close(again);
            }
            LaioStats s = laio.stats();
            assertEquals(1, s.probeUnsupported(Sys.SYS_pread64), "no refused probe per new file: " + s);
            assertEquals(1 + next.length, s.inline(Sys.SYS_pread64), s.toString());

            int[] p = Native.pipe(); // behind laio's back, under the closed number
            try {
                Assumptions.assumeTrue(p[0] == fd, "another thread took the number");
                Native.writeByte(p[1], (byte) 42);
                assertEquals(1, laio.read(p[0], buf, 100), Errno.name(Laio.errno()));
                assertNull(laio.gethandle(), "a pipe with a byte in it: inline, not a helper's blocking read");
                assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
            } finally {
                Native.close(p[1]);
                laio.close(p[0]);
            }
        } finally {
            Files.delete(first);
            for (Path f : next) {
                if (f != null) {
                    Files.delete(f);
                }
            }
        }
    }
}
