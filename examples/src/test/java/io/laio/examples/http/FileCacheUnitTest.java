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

package io.laio.examples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Laio;
import io.laio.Sys;
import io.laio.abi.AtFlags;
import io.laio.abi.OpenFlags;
import io.laio.event.EventBase;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FileCache}'s bookkeeping on real descriptors: the bound, CLOCK's second chance, an entry
 * in use never closed under its user, shedding, and closing everything.
 */
class FileCacheUnitTest {
    @TempDir
    Path dir;
    private EventBase base;
    private Laio laio;
    private Arena arena;
    private MemorySegment statx;
    private final List<Integer> opened = new ArrayList<>();

    @BeforeEach
    void setUp() {
        base = EventBase.create();
        laio = Laio.attach(base);
        arena = Arena.ofConfined();
        statx = arena.allocate(io.laio.abi.StatxLayout.LAYOUT);
    }

    @AfterEach
    void tearDown() {
        for (int fd : opened) {
            if (isOpen(fd)) {
                laio.close(fd);
            }
        }
        laio.close();
        base.close();
        arena.close();
    }

    /** Opens a new file named {@code name} and stats its descriptor into {@code statx}. */
    private int open(String name) throws IOException {
        Path p = Files.writeString(dir.resolve(name), name);
        long fd = laio.syscall(Sys.SYS_openat, AtFlags.AT_FDCWD, arena.allocateFrom(p.toString()).address(), OpenFlags.O_RDONLY);
        assertTrue(fd >= 0);
        opened.add((int) fd);
        assertEquals(0, laio.syscall(Sys.SYS_statx, fd, arena.allocateFrom("").address(), AtFlags.AT_EMPTY_PATH,
                FileCache.STATX_MASK, statx.address()));
        return (int) fd;
    }

    private static byte[] key(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    private int insert(FileCache c, String name, int fd) {
        return c.insert(key(name), name.length(), fd, statx);
    }

    private static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd));
    }

    @Test
    void holdsAtMostItsCapacityAndGivesAFileUsedAgainASecondChance() throws IOException {
        FileCache c = new FileCache(2, base, laio, arena, FileCache.ANY_DEVICE);
        int a = open("a");
        int ea = insert(c, "a", a);
        c.release(ea);
        int b = open("b");
        c.release(insert(c, "b", b));
        int hit = c.acquire(key("a"), 1);
        assertEquals(ea, hit);
        assertTrue(c.validate(hit, statxOf(a)));
        c.release(hit);
        int d = open("d");
        c.release(insert(c, "d", d));
        assertEquals(2, c.descriptors());
        assertTrue(isOpen(a), "a was used again: kept");
        assertFalse(isOpen(b), "b was not: closed");
        assertEquals(-1, c.acquire(key("b"), 1));
        c.closeAll(laio);
        assertFalse(isOpen(a));
        assertFalse(isOpen(d));
        assertEquals(0, c.descriptors());
    }

    @Test
    void anEntryInUseIsNeverClosedUnderItsUser() throws IOException {
        FileCache c = new FileCache(1, base, laio, arena, FileCache.ANY_DEVICE);
        int a = open("a");
        int ea = insert(c, "a", a); // in use by its opener
        int b = open("b");
        assertEquals(-1, insert(c, "b", b), "every slot in use: b is served uncached");
        assertEquals(0, c.shed(), "shedding closes idle entries only");
        c.drop(ea);
        assertTrue(isOpen(a), "dropped while in use: still open");
        assertEquals(-1, c.acquire(key("a"), 1), "but out of the table");
        c.release(ea);
        assertFalse(isOpen(a), "closed with its last user");
        assertEquals(0, c.descriptors());
    }

    @Test
    void aChangedIdentityIsAMissThatDropsTheEntry() throws IOException {
        FileCache c = new FileCache(4, base, laio, arena, FileCache.ANY_DEVICE);
        int a = open("a");
        c.release(insert(c, "a", a));
        int other = open("other");
        int e = c.acquire(key("a"), 1);
        assertFalse(c.validate(e, statxOf(other)), "another inode");
        c.release(e);
        assertFalse(isOpen(a));
        assertEquals(-1, c.acquire(key("a"), 1));
        assertEquals(1, c.misses() - 1, "the lookup that found it, then its validation");
    }

    @Test
    void sheddingClosesEveryIdleEntry() throws IOException {
        FileCache c = new FileCache(8, base, laio, arena, FileCache.ANY_DEVICE);
        int[] fds = new int[5];
        int busy = -1;
        for (int i = 0; i < fds.length; i++) {
            fds[i] = open("f" + i);
            int e = insert(c, "f" + i, fds[i]);
            if (i == 0) {
                busy = e;
            } else {
                c.release(e);
            }
        }
        assertEquals(4, c.shed());
        assertTrue(isOpen(fds[0]), "in use");
        for (int i = 1; i < fds.length; i++) {
            assertFalse(isOpen(fds[i]));
        }
        assertNotEquals(-1, c.acquire(key("f0"), 2));
        c.release(busy);
    }

    /**
     * Confined to one device (the root's, when its check is a plain call on the loop), the cache
     * keeps files of that device only: a file reached through another mount is served uncached.
     */
    @Test
    void confinedToADeviceItKeepsOnlyFilesOfThatDevice() throws IOException {
        int here = open("here");
        long device = statx.get(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, FileCache.DEV_AT);
        FileCache c = new FileCache(4, base, laio, arena, device);
        int e = insert(c, "here", here);
        assertNotEquals(-1, e, "a file of the device");
        c.release(e);
        FileCache elsewhere = new FileCache(4, base, laio, arena, device + 1);
        int other = open("other");
        assertEquals(-1, insert(elsewhere, "other", other), "a file of another device: not kept");
        assertEquals(-1, elsewhere.acquire(key("other"), 5));
    }

    /** Which roots get the plain check: a local disk or memory file system does, /proc (or anything unknown) does not. */
    @Test
    void onlyAFileSystemThatRevalidatesNoDentryTakesThePlainCheck() throws IOException {
        assertEquals(DocRoot.LOCAL_TYPES.contains(Files.getFileStore(dir).type()), DocRoot.dentriesStayLocal(dir));
        assertFalse(DocRoot.dentriesStayLocal(Path.of("/proc/self")), "proc revalidates its dentries");
        assertFalse(DocRoot.dentriesStayLocal(dir.resolve("no-such-directory")), "unknown: the lazy check");
    }

    private MemorySegment statxOf(int fd) {
        MemorySegment s = arena.allocate(io.laio.abi.StatxLayout.LAYOUT);
        assertEquals(0, laio.syscall(Sys.SYS_statx, fd, arena.allocateFrom("").address(), AtFlags.AT_EMPTY_PATH,
                FileCache.STATX_MASK, s.address()));
        return s;
    }
}
