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

package io.laio.internal.route;

import static io.laio.abi.AtFlags.AT_EMPTY_PATH;
import static io.laio.abi.AtFlags.AT_FDCWD;
import static io.laio.abi.AtFlags.AT_SYMLINK_NOFOLLOW;

import io.laio.Policy;
import io.laio.Sys;
import io.laio.internal.ThreadState;

/**
 * Where each system call goes under {@link Policy#LAZY}: the one place that classifies a call.
 * Every call number has one {@link Route}: what it does first ({@link #NEVER_BLOCKS} runs inline,
 * {@link #PROBE} tries it without blocking, {@link #BACKGROUND} hands it over at once), where it
 * waits when it would block (a helper lane, or the socket waits), which direction a socket wait
 * watches, and how the rest of a call that already moved some bytes continues. A number the
 * table does not name goes to the data lane.
 *
 * <p>Adding laziness for a new system call is one {@code route(...)} line below and its probe in
 * {@link LazyProbe}: a method that returns the call's result or a {@link ProbeOutcome} "would
 * block" — docs/design/engine.md walks through an example.
 */
public final class RouteTable {
    /** Runs inline with a critical downcall: it returns without waiting for anything. */
    static final int NEVER_BLOCKS = 0;
    /** Its probe runs first; the call goes to the background only if the probe says it would block. */
    public static final int PROBE = 1;
    /** Straight to a helper lane: nothing can tell beforehand whether it blocks. */
    public static final int BACKGROUND = 2;

    /** Would block → the file data lane. */
    public static final int DATA_LANE = 0;
    /** Would block → the metadata lane (path lookups, directories). */
    public static final int METADATA_LANE = 1;
    /** Would block → a socket wait: the call only answers on a socket. */
    public static final int SOCKET_WAIT = 2;
    /** Would block → a socket wait on a socket, a pipe wait on a pipe, the data lane on a file (statx decides). */
    static final int SOCKET_OR_PIPE_WAIT = 3;
    /** Would block → a socket wait on a non-blocking socket (unless the file missed), else the data lane. */
    static final int NONBLOCKING_SOCKET_WAIT = 4;

    /** Nothing moved is ever continued. */
    static final int NO_REST = 0;
    /** {@code (fd, buf, count)}: the rest is {@code buf + done}, {@code count - done}. */
    static final int REST_OF_BUFFER = 1;
    /** {@code (fd, buf, count, offset)}: as {@link #REST_OF_BUFFER}, at {@code offset + done}. */
    static final int REST_OF_BUFFER_AT = 2;
    /** {@code (fd, iov, iovcnt)}: a new iovec array past the bytes done. */
    static final int REST_OF_IOVECS = 3;
    /** {@code (fd, iov, iovcnt, offset)}: as {@link #REST_OF_IOVECS}, at {@code offset + done}. */
    static final int REST_OF_IOVECS_AT = 4;
    /** {@code sendfile(out, in, offsetPtr, count)}: {@code count - done}; the kernel moved the offset. */
    static final int REST_OF_SENDFILE = 5;

    /** A probe: the call's result ({@code >= 0}, or -1 with the thread's errno set) or a would-block {@link ProbeOutcome}. */
    @FunctionalInterface
    interface Probe {
        long run(LazyProbe p, ThreadState ts, int slot, long a1, long a2, long a3, long a4, long a5, long a6);
    }

    /** One call's route. */
    public static final class Route {
        final int first;
        final int waitsOn;
        /** A socket wait of this call watches writability (else readability). */
        final boolean write;
        final int rest;
        final Probe probe;
        /** fcntl: inline, but for the lock requests that wait. */
        private final boolean lockMayWait;

        private Route(int first, int waitsOn, boolean write, int rest, Probe probe, boolean lockMayWait) {
            this.first = first;
            this.waitsOn = waitsOn;
            this.write = write;
            this.rest = rest;
            this.probe = probe;
            this.lockMayWait = lockMayWait;
        }

        /** Whether this call with second argument {@code a2} returns without waiting. */
        boolean neverBlocks(long a2) {
            return first == NEVER_BLOCKS && (!lockMayWait || (a2 != F_SETLKW && a2 != F_OFD_SETLKW));
        }

        @Override
        public String toString() {
            return "Route[first=" + first + " waitsOn=" + waitsOn + (write ? " write" : "") + " rest=" + rest + "]";
        }
    }

    private static final long F_SETLKW = 7;
    private static final long F_OFD_SETLKW = 38;
    private static final Route UNKNOWN = new Route(BACKGROUND, DATA_LANE, false, NO_REST, null, false);
    private static final Route[] ROUTES = new Route[Sys.tableSize()];

    static {
        for (long nr : new long[] {Sys.SYS_getpid, Sys.SYS_gettid, Sys.SYS_getppid, Sys.SYS_getuid,
            Sys.SYS_geteuid, Sys.SYS_getgid, Sys.SYS_getegid, Sys.SYS_fstat, Sys.SYS_lseek, Sys.SYS_close, Sys.SYS_dup,
            Sys.SYS_dup2, Sys.SYS_dup3, Sys.SYS_uname, Sys.SYS_clock_gettime, Sys.SYS_gettimeofday,
            Sys.SYS_time, Sys.SYS_getrusage, Sys.SYS_sched_yield, Sys.SYS_socket, Sys.SYS_bind, Sys.SYS_listen,
            Sys.SYS_setsockopt, Sys.SYS_getsockopt, Sys.SYS_getsockname, Sys.SYS_getpeername, Sys.SYS_shutdown,
            Sys.SYS_pipe, Sys.SYS_pipe2, Sys.SYS_eventfd2, Sys.SYS_epoll_create1, Sys.SYS_epoll_ctl, Sys.SYS_umask,
            Sys.SYS_getcwd, Sys.SYS_getpriority, Sys.SYS_getrlimit, Sys.SYS_prlimit64, Sys.SYS_rt_sigprocmask,
            Sys.SYS_kill, Sys.SYS_tgkill, Sys.SYS_timerfd_create, Sys.SYS_timerfd_settime, Sys.SYS_timerfd_gettime,
            Sys.SYS_signalfd4, Sys.SYS_sysinfo, Sys.SYS_munmap, Sys.SYS_brk, Sys.SYS_socketpair, Sys.SYS_getrandom}) {
            ROUTES[(int) nr] = new Route(NEVER_BLOCKS, DATA_LANE, false, NO_REST, null, false);
        }
        ROUTES[(int) Sys.SYS_fcntl] = new Route(NEVER_BLOCKS, DATA_LANE, false, NO_REST, null, true);

        // file data: RWF_NOWAIT (or cachestat) probes; read and write may be on a socket or pipe
        route(Sys.SYS_read, SOCKET_OR_PIPE_WAIT, false, REST_OF_BUFFER,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.nowaitRead(ts, s, a1, a2, a3, -1));
        route(Sys.SYS_pread64, DATA_LANE, false, REST_OF_BUFFER_AT,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> a4 < 0 ? ProbeOutcome.WOULD_BLOCK : p.nowaitRead(ts, s, a1, a2, a3, a4));
        route(Sys.SYS_readv, DATA_LANE, false, REST_OF_IOVECS,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.nowaitVector(ts, s, a1, a2, a3, -1));
        route(Sys.SYS_preadv, DATA_LANE, false, REST_OF_IOVECS_AT,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> a4 < 0 ? ProbeOutcome.WOULD_BLOCK : p.nowaitVector(ts, s, a1, a2, a3, a4));
        route(Sys.SYS_write, SOCKET_OR_PIPE_WAIT, true, REST_OF_BUFFER,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.nowaitWrite(ts, s, a1, a2, a3, -1));
        route(Sys.SYS_pwrite64, DATA_LANE, true, REST_OF_BUFFER_AT,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> a4 < 0 ? ProbeOutcome.WOULD_BLOCK : p.nowaitWrite(ts, s, a1, a2, a3, a4));

        // metadata: RESOLVE_CACHED probes
        route(Sys.SYS_open, METADATA_LANE, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.openCached(ts, s, AT_FDCWD, a1, a2, a3, 0));
        route(Sys.SYS_openat, METADATA_LANE, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.openCached(ts, s, a1, a2, a3, a4, 0));
        route(Sys.SYS_openat2, METADATA_LANE, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.openat2Cached(ts, s, a1, a2, a3, a4));
        route(Sys.SYS_stat, METADATA_LANE, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.statCached(ts, s, AT_FDCWD, a1, a2, 0));
        route(Sys.SYS_lstat, METADATA_LANE, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.statCached(ts, s, AT_FDCWD, a1, a2, AT_SYMLINK_NOFOLLOW));
        route(Sys.SYS_newfstatat, METADATA_LANE, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> (a4 & AT_EMPTY_PATH) != 0
                        ? LazyProbe.plain(ts, Sys.SYS_newfstatat, a1, a2, a3, a4, 0) : p.statCached(ts, s, a1, a2, a3, a4));
        route(Sys.SYS_statx, METADATA_LANE, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> (a3 & AT_EMPTY_PATH) != 0
                        ? LazyProbe.plain(ts, Sys.SYS_statx, a1, a2, a3, a4, a5) : p.statxCached(ts, s, a1, a2, a3, a4, a5));

        // sockets: MSG_DONTWAIT, ppoll, or the socket's own O_NONBLOCK
        route(Sys.SYS_recvfrom, SOCKET_WAIT, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.recvNonblocking(ts, s, a1, a2, a3, a4, a5, a6));
        route(Sys.SYS_sendto, SOCKET_WAIT, true, REST_OF_BUFFER,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.sendNonblocking(ts, s, a1, a2, a3, a4, a5, a6));
        route(Sys.SYS_accept4, SOCKET_WAIT, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.acceptReady(ts, s, a1, a2, a3, a4));
        route(Sys.SYS_accept, SOCKET_WAIT, false, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.acceptReady(ts, s, a1, a2, a3, 0));
        route(Sys.SYS_connect, NONBLOCKING_SOCKET_WAIT, true, NO_REST,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.connectNonblocking(ts, s, a1, a2, a3));
        route(Sys.SYS_sendfile, NONBLOCKING_SOCKET_WAIT, true, REST_OF_SENDFILE,
                (p, ts, s, a1, a2, a3, a4, a5, a6) -> p.sendfileCached(ts, s, a1, a2, a3, a4));

        // no probe can tell: straight to the metadata lane (everything unnamed goes to the data lane)
        for (long nr : new long[] {Sys.SYS_getdents64, Sys.SYS_getdents, Sys.SYS_access, Sys.SYS_faccessat,
            Sys.SYS_faccessat2, Sys.SYS_readlink, Sys.SYS_readlinkat, Sys.SYS_mkdir, Sys.SYS_mkdirat, Sys.SYS_rmdir,
            Sys.SYS_unlink, Sys.SYS_unlinkat, Sys.SYS_rename, Sys.SYS_renameat, Sys.SYS_renameat2, Sys.SYS_link,
            Sys.SYS_linkat, Sys.SYS_symlink, Sys.SYS_symlinkat, Sys.SYS_chmod, Sys.SYS_fchmodat, Sys.SYS_chown,
            Sys.SYS_fchownat, Sys.SYS_truncate, Sys.SYS_utimensat, Sys.SYS_statfs, Sys.SYS_creat}) {
            ROUTES[(int) nr] = new Route(BACKGROUND, METADATA_LANE, false, NO_REST, null, false);
        }
    }

    private RouteTable() {}

    private static void route(long nr, int waitsOn, boolean write, int rest, Probe probe) {
        ROUTES[(int) nr] = new Route(PROBE, waitsOn, write, rest, probe, false);
    }

    /** The route of call {@code nr}; the data lane for a number the table does not name. */
    public static Route of(long nr) {
        Route r = nr >= 0 && nr < ROUTES.length ? ROUTES[(int) nr] : null;
        return r != null ? r : UNKNOWN;
    }

    /** Whether call {@code nr} with second argument {@code a2} returns without waiting for anything. */
    public static boolean neverBlocks(long nr, long a2) {
        return of(nr).neverBlocks(a2);
    }

    /** Whether a socket wait of call {@code nr} watches writability (else readability). */
    public static boolean waitsToWrite(long nr) {
        return of(nr).write;
    }
}
