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

import io.laio.internal.Syscalls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The soak's plain (non-LAIO) kernel objects and its baseline checks: descriptors of this
 * process by kind ({@code /proc/self/fd}) and laio's own threads by name. Test thread only.
 */
final class SoakFds {
    private static final MemorySegment CAPTURE = Syscalls.newCapture(Arena.global());
    private static final MemorySegment SCRATCH = Arena.global().allocate(64 << 10, 16);

    private SoakFds() {}

    private static long call(long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        return Syscalls.call(CAPTURE, nr, a1, a2, a3, a4, a5, a6);
    }

    private static long must(String what, long r) {
        if (r == -1) {
            throw new IllegalStateException(what + " failed: " + Errno.name(Syscalls.errno(CAPTURE)));
        }
        return r;
    }

    static int open(String path, int flags) {
        MemorySegment p = Arena.ofAuto().allocateFrom(path);
        return (int) must("open " + path, call(Sys.SYS_openat, -100, p.address(), flags | 0x80000, 0644, 0, 0));
    }

    static void close(int fd) {
        must("close " + fd, call(Sys.SYS_close, fd, 0, 0, 0, 0, 0));
    }

    static void lseek(int fd, long pos) {
        must("lseek", call(Sys.SYS_lseek, fd, pos, 0 /* SEEK_SET */, 0, 0, 0));
    }

    /** posix_fadvise(DONTNEED) of a range: the next read of it goes to the disk (the file is clean). */
    static void dropCache(int fd, long off, long len) {
        must("fadvise", call(Sys.SYS_fadvise64, fd, off, len, 4, 0, 0));
    }

    /** An AF_UNIX stream pair with small buffers, so a stalled reader soon blocks the writer. */
    static int[] socketpair() {
        must("socketpair", call(Sys.SYS_socketpair, 1 /* AF_UNIX */, 1 | 0x80000 /* SOCK_STREAM|SOCK_CLOEXEC */, 0,
                SCRATCH.address(), 0, 0));
        int[] fds = {SCRATCH.get(ValueLayout.JAVA_INT, 0), SCRATCH.get(ValueLayout.JAVA_INT, 4)};
        for (int fd : fds) {
            SCRATCH.set(ValueLayout.JAVA_INT, 8, 4096);
            must("SO_SNDBUF", call(Sys.SYS_setsockopt, fd, 1 /* SOL_SOCKET */, 7 /* SO_SNDBUF */, SCRATCH.address() + 8, 4, 0));
            must("SO_RCVBUF", call(Sys.SYS_setsockopt, fd, 1, 8 /* SO_RCVBUF */, SCRATCH.address() + 8, 4, 0));
        }
        return fds;
    }

    /** A pipe {read, write} of one page, so a writer soon blocks. */
    static int[] pipe() {
        must("pipe2", call(Sys.SYS_pipe2, SCRATCH.address(), 0x80000, 0, 0, 0, 0));
        int[] fds = {SCRATCH.get(ValueLayout.JAVA_INT, 0), SCRATCH.get(ValueLayout.JAVA_INT, 4)};
        must("F_SETPIPE_SZ", call(Sys.SYS_fcntl, fds[1], 1031 /* F_SETPIPE_SZ */, 4096, 0, 0, 0));
        return fds;
    }

    /** Everything that can be read from fd now, without blocking (the descriptor stays as it was). */
    static byte[] readAvailable(int fd, boolean pipe) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long flags = 0;
        if (pipe) {
            flags = must("F_GETFL", call(Sys.SYS_fcntl, fd, 3, 0, 0, 0, 0));
            must("F_SETFL", call(Sys.SYS_fcntl, fd, 4, flags | 0x800 /* O_NONBLOCK */, 0, 0, 0));
        }
        try {
            while (true) {
                long r = pipe ? call(Sys.SYS_read, fd, SCRATCH.address(), SCRATCH.byteSize(), 0, 0, 0)
                        : call(Sys.SYS_recvfrom, fd, SCRATCH.address(), SCRATCH.byteSize(), 0x40 /* MSG_DONTWAIT */, 0, 0);
                if (r <= 0) {
                    if (r == -1 && Syscalls.errno(CAPTURE) != Errno.EAGAIN) {
                        throw new IllegalStateException("reading what is left on fd " + fd + ": "
                                + Errno.name(Syscalls.errno(CAPTURE)));
                    }
                    return got.toByteArray();
                }
                got.write(SCRATCH.asSlice(0, r).toArray(ValueLayout.JAVA_BYTE), 0, (int) r);
            }
        } finally {
            if (pipe) {
                call(Sys.SYS_fcntl, fd, 4, flags, 0, 0, 0);
            }
        }
    }

    // -------------------------------------------------------------- baselines

    /**
     * This process's descriptors that a leak would show, by kind: sockets, pipes, anonymous
     * inodes (eventfd, epoll) and files under the soak's directory. Jars and libraries the JVM
     * opens lazily are left out.
     */
    static Map<String, Integer> snapshot(Path dir) {
        Map<String, Integer> m = new TreeMap<>();
        String mine = dir.toAbsolutePath().normalize().toString();
        Set<String> attach = attachSockets();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) fds::iterator) {
                String t;
                try {
                    t = Files.readSymbolicLink(p).toString();
                } catch (IOException e) {
                    continue; // the directory's own descriptor, closed by now
                }
                if (attach.contains(t)) {
                    continue; // jcmd or jstack attached to this JVM: its listener socket is not ours
                }
                String kind = t.startsWith("socket:") ? "socket" : t.startsWith("pipe:") ? "pipe"
                        : t.startsWith("anon_inode:") ? t : t.startsWith(mine) ? t : null;
                if (kind != null) {
                    m.merge(kind, 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    /** "socket:[inode]" of the JVM's attach listener (/tmp/.java_pidNNN), which jcmd opens in us. */
    private static Set<String> attachSockets() {
        Set<String> s = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 8 && f[7].contains(".java_pid")) {
                    s.add("socket:[" + f[6] + "]");
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/net/unix: count every socket
        }
        return s;
    }

    static void awaitFds(Map<String, Integer> baseline, Path dir, Consumer<String> fail, String when) {
        long end = System.nanoTime() + 5_000_000_000L;
        Map<String, Integer> now;
        while (!(now = snapshot(dir)).equals(baseline)) {
            if (System.nanoTime() - end > 0) {
                fail.accept("descriptors " + when + ": " + now + " where the baseline was " + baseline);
                return;
            }
            sleep(20);
        }
    }

    static List<String> laioThreadNames() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            // the blocked-loop checker watches running loops, not Laios: it lives while the
            // soak's base runs, and starts with the first loop of the JVM (so the baseline of a
            // soak that runs first in its JVM lacks it)
            if (t.isAlive() && t.getName().startsWith("laio-") && !t.getName().equals("laio-blocked-loop-checker")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    static int laioThreads() {
        return laioThreadNames().size();
    }

    static void awaitThreads(int baseline, Consumer<String> fail, String when) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (laioThreads() > baseline) {
            if (System.nanoTime() - end > 0) {
                fail.accept("laio threads " + when + ": " + laioThreadNames() + " where the baseline was " + baseline);
                return;
            }
            sleep(10);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String stack(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        String s = w.toString();
        return s.length() > 3000 ? s.substring(0, 3000) + "..." : s;
    }
}
