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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.abi.StatxLayout;
import io.laio.internal.Native;
import io.laio.internal.route.LazyProbe;
import io.laio.internal.route.RouteTable;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LAZY on this machine's real kernel and filesystems (/tmp is ext4, /dev/shm is tmpfs). */
@Timeout(60)
class LazyProbeTest {

    private static Path fileWith(Path dir, byte[] data) throws Exception {
        Path f = Files.createTempFile(dir, "laio", ".bin");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.write(data);
            raf.getFD().sync(); // clean pages: DONTNEED can drop them
        }
        return f;
    }

    @Test
    void aCachedFilesOpenAndPreadCompleteInlineWithNoHandle() throws Exception {
        byte[] data = new byte[64 * 1024];
        new Random(1).nextBytes(data);
        Path f = fileWith(Path.of(System.getProperty("java.io.tmpdir")), data);
        Files.readAllBytes(f); // cached right before, as docs/design/costs.md advises: untouched pages are evicted within ~100 s here
        try (Laio laio = Laio.create(); Arena arena = Arena.ofConfined()) {
            long fd = laio.open(f.toString(), 0, 0);
            assertTrue(fd >= 0, "open: " + Errno.name(Laio.errno()));
            assertNull(laio.gethandle());
            MemorySegment buf = arena.allocate(4096);
            assertEquals(4096, laio.pread((int) fd, buf, 4096, 8192));
            assertNull(laio.gethandle(), "a cached read completes inline");
            assertEquals(data[8192], buf.get(ValueLayout.JAVA_BYTE, 0));
            MemorySegment st = arena.allocate(256);
            assertEquals(0, laio.stat(f.toString(), st));
            assertNull(laio.gethandle());
            assertEquals(data.length, st.get(ValueLayout.JAVA_LONG, 48), "st_size");
            MemorySegment stx = arena.allocate(256);
            long r = laio.syscall(Sys.SYS_statx, -100, arena.allocateFrom(f.toString()).address(), 0, 0x200 /* STATX_SIZE */,
                    stx.address());
            assertEquals(0, r, Errno.name(Laio.errno()));
            assertNull(laio.gethandle(), "statx on a cached path completes inline");
            assertEquals(data.length, StatxLayout.size(stx));
            assertEquals(0, laio.close((int) fd));
            LaioStats s = laio.stats();
            assertEquals(1.0, s.inlineRatio(Sys.SYS_pread64));
            assertTrue(s.probeHits(Sys.SYS_openat) >= 1, s.toString());
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void aPreadOfAFileDroppedFromTheCacheGoesToTheBackgroundAndCompletesWithTheRightBytes() throws Exception {
        byte[] data = new byte[1024 * 1024];
        new Random(2).nextBytes(data);
        Path f = fileWith(Path.of(System.getProperty("java.io.tmpdir")), data);
        int fd = Native.openRead(f.toString());
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            Native.dropFromCache(fd);
            MemorySegment buf = arena.allocate(64 * 1024);
            long r = laio.pread(fd, buf, buf.byteSize(), 512 * 1024);
            long total;
            if (r == -1) {
                assertEquals(Errno.EINPROGRESS, Laio.errno());
                LaioCompletion[] out = {new LaioCompletion()};
                assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
                total = out[0].returnValue();
                assertTrue(laio.stats().probeWouldBlock(Sys.SYS_pread64) >= 1);
            } else {
                total = r; // the device answered before the probe looked: still correct
            }
            assertEquals(buf.byteSize(), total, "the completion reports the whole read, never a short one");
            for (int i = 0; i < buf.byteSize(); i += 4093) {
                assertEquals(data[512 * 1024 + i], buf.get(ValueLayout.JAVA_BYTE, i));
            }
        } finally {
            Native.close(fd);
            Files.delete(f);
        }
    }

    @Test
    void filesOnTmpfsStillWork() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm), "no /dev/shm here");
        byte[] data = "tmpfs holds its pages in memory".getBytes();
        Path f = fileWith(shm, data);
        try (Laio laio = Laio.create(); Arena arena = Arena.ofShared()) {
            long fd = laio.open(f.toString(), 0, 0);
            assertTrue(fd >= 0);
            MemorySegment buf = arena.allocate(64);
            long[] r = LaioContractTest.complete(laio, Sys.SYS_pread64, fd, buf.address(), 64, 0);
            assertEquals(data.length, r[0]);
            assertEquals('t', buf.get(ValueLayout.JAVA_BYTE, 0));
            Native.close((int) fd);
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void aMissingFileFailsInlineWithEnoent() {
        try (Laio laio = Laio.create()) {
            long[] r = LaioContractTest.complete(laio, Sys.SYS_openat, -100,
                    Arena.ofAuto().allocateFrom("/tmp/laio-does-not-exist-" + System.nanoTime()).address(), 0, 0);
            assertEquals(-1, r[0]);
            assertEquals(Errno.ENOENT, r[1]);
        }
    }

    @Test
    void callsThatNeverBlockRunInlineAndOthersGoBackground() {
        assertTrue(RouteTable.neverBlocks(Sys.SYS_getpid, 0));
        assertTrue(RouteTable.neverBlocks(Sys.SYS_fcntl, 1 /* F_GETFD */));
        assertFalse(RouteTable.neverBlocks(Sys.SYS_fcntl, 7 /* F_SETLKW waits for a lock */));
        assertFalse(RouteTable.neverBlocks(Sys.SYS_fsync, 0));
        assertFalse(RouteTable.neverBlocks(999_999, 0));
        try (Laio laio = Laio.create()) {
            assertEquals(-1, laio.syscall(Sys.SYS_getdents64, 999_999, 0, 0));
            assertEquals(Errno.EINPROGRESS, Laio.errno(), "getdents64 may block: background");
            LaioCompletion[] out = {new LaioCompletion()};
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(Errno.EBADF, out[0].errno());
            assertEquals(-1, laio.syscall(100_000));
            LaioCompletion c = out[0];
            assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)));
            assertEquals(Errno.ENOSYS, c.errno(), "an unknown number is the kernel's to refuse");
        }
    }

    @Test
    void kernels5_9And5_10AreDenylistedForNowaitReads() {
        assertTrue(LazyProbe.buggyNowaitKernel("5.10.0-28-amd64"));
        assertTrue(LazyProbe.buggyNowaitKernel("5.9.16"));
        assertFalse(LazyProbe.buggyNowaitKernel("5.15.0"));
        assertFalse(LazyProbe.buggyNowaitKernel("6.18.44-fc-v782"));
    }

    @Test
    void perSyscallOverridesWin() {
        LaioConfig c = LaioConfig.builder().policy(Policy.LAZY).policy(Sys.SYS_getpid, Policy.EAGER).build();
        try (Laio laio = Laio.create(c)) {
            assertEquals(-1, laio.syscall(Sys.SYS_getpid));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            assertTrue(laio.syscall(Sys.SYS_getppid) > 0, "no override: LAZY, inline");
            assertNull(laio.gethandle());
        }
    }
}
