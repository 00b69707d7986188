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

import io.laio.BlockingOp;
import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.abi.IovecLayout;
import io.laio.abi.StatxLayout;
import io.laio.internal.Iovecs;
import io.laio.internal.LaioCall;
import io.laio.internal.Syscalls;
import io.laio.internal.ThreadState;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.completion.Completions;
import io.laio.internal.lanes.Background;
import java.lang.foreign.MemorySegment;

/**
 * Takes a call from the facade to where it runs, by the policy for its number and, under
 * {@link Policy#LAZY}, by its {@link RouteTable} route: inline with a critical downcall, through
 * its probe, or — when the probe says it would block — to a helper lane or a socket wait in the
 * {@link Background}, continued past the bytes the probe already moved. Each step is one method
 * below, read top to bottom. Any thread.
 */
public final class Router {
    private final Laio owner;
    private final LaioConfig config;
    private final CallCounters counters;
    public final LazyProbe probe;
    private final Completions completions;
    private final Background background;

    public Router(Laio owner, LaioConfig config, CallCounters counters, Completions completions, Background background) {
        this.owner = owner;
        this.config = config;
        this.counters = counters;
        this.probe = new LazyProbe(counters);
        this.completions = completions;
        this.background = background;
    }

    /** Runs system call {@code nr} as its policy says; {@link Laio#syscall}'s contract. */
    public long syscall(ThreadState ts, long nr, long a1, long a2, long a3, long a4, long a5, long a6, MemorySegment keepAlive) {
        int slot = CallCounters.slot(nr);
        return switch (config.policy(nr)) {
            case INLINE -> settle(ts, slot, Syscalls.call(ts.capture, nr, a1, a2, a3, a4, a5, a6));
            case EAGER -> toBackground(ts, slot, nr, a1, a2, a3, a4, a5, a6, 0, keepAlive,
                    laneOf(RouteTable.of(nr)));
            case LAZY -> lazy(ts, slot, nr, a1, a2, a3, a4, a5, a6, keepAlive);
        };
    }

    /** Runs blocking Java code: inline under INLINE, else on the Java lane; {@link Laio#call}'s contract. */
    public long call(ThreadState ts, BlockingOp op) {
        int slot = CallCounters.JAVA;
        if (config.policy() == Policy.INLINE) {
            counters.inline.incrementAndGet(slot);
            try {
                long r = op.run();
                ts.errno = 0;
                return r;
            } catch (Exception e) {
                counters.errors.incrementAndGet(slot);
                ts.errno = Errno.EIO;
                return -1;
            }
        }
        LaioCall h = completions.take(owner);
        h.init(-1, 0, 0, 0, 0, 0, 0, op, 0, null);
        return background.submit(ts, slot, h, Background.JAVA_LANE);
    }

    private long lazy(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            MemorySegment keepAlive) {
        RouteTable.Route route = RouteTable.of(nr);
        if (route.neverBlocks(a2)) {
            if (nr == Sys.SYS_close) {
                probe.history.forget(a1);
            }
            return settle(ts, slot, Syscalls.fast(ts.capture, nr, a1, a2, a3, a4, a5, a6));
        }
        long outcome = route.probe == null ? ProbeOutcome.WOULD_BLOCK
                : route.probe.run(probe, ts, slot, a1, a2, a3, a4, a5, a6);
        if (!ProbeOutcome.wouldBlock(outcome)) {
            counters.inline.incrementAndGet(slot);
            if (outcome == -1) {
                counters.errors.incrementAndGet(slot);
            }
            return outcome; // the probe set ts.errno
        }
        long done = ProbeOutcome.done(outcome);
        if (done > 0) {
            // part done without blocking: the rest continues in the background, reported as the total
            switch (route.rest) {
                case RouteTable.REST_OF_SENDFILE -> a4 -= done; // the kernel moved the offset (or the file position) itself
                case RouteTable.REST_OF_IOVECS, RouteTable.REST_OF_IOVECS_AT -> {
                    MemorySegment rest = Iovecs.rest(Iovecs.array(a2, a3), a3, done);
                    a2 = rest.address();
                    a3 = rest.byteSize() / IovecLayout.SIZE;
                    a4 = route.rest == RouteTable.REST_OF_IOVECS_AT ? a4 + done : a4;
                    keepAlive = rest; // raw readv/preadv have no memory of their own to keep
                }
                default -> {
                    a2 += done;
                    a3 -= done;
                    a4 = route.rest == RouteTable.REST_OF_BUFFER_AT ? a4 + done : a4;
                }
            }
        }
        int where = waitFor(ts, route, outcome, a1);
        return toBackground(ts, slot, nr, a1, a2, a3, a4, a5, a6, done, keepAlive, where);
    }

    /** Where a call that would block waits: a socket or pipe wait, or the helper lane of its route. */
    private static int waitFor(ThreadState ts, RouteTable.Route route, long outcome, long fd) {
        switch (route.waitsOn) {
            case RouteTable.SOCKET_WAIT -> {
                // recvfrom, sendto and accept answer ENOTSOCK on anything else: one that would
                // block is on a socket, and a statx per keep-alive wait is saved
                return Background.SOCKET_WAIT;
            }
            case RouteTable.SOCKET_OR_PIPE_WAIT -> {
                int type = LazyProbe.fileType(ts, fd);
                if (type == StatxLayout.S_IFSOCK) {
                    return Background.SOCKET_WAIT;
                } else if (type == StatxLayout.S_IFIFO) {
                    return Background.PIPE_WAIT;
                }
            }
            case RouteTable.NONBLOCKING_SOCKET_WAIT -> {
                // the socket is what it waits for; a sendfile of uncached pages would block whoever
                // retried it on reading them, so that one goes to a helper (sendfileAll) instead
                if (!ProbeOutcome.missedFile(outcome) && LazyProbe.isNonBlocking(ts, fd) && LazyProbe.isSocket(ts, fd)) {
                    return Background.SOCKET_WAIT;
                }
            }
            default -> {
                // a helper lane
            }
        }
        return laneOf(route);
    }

    private static int laneOf(RouteTable.Route route) {
        return route.waitsOn == RouteTable.METADATA_LANE ? Background.METADATA_LANE : Background.DATA_LANE;
    }

    private long toBackground(ThreadState ts, int slot, long nr, long a1, long a2, long a3, long a4, long a5, long a6,
            long done, MemorySegment keepAlive, int where) {
        LaioCall h = completions.take(owner);
        h.init(nr, a1, a2, a3, a4, a5, a6, null, done, keepAlive);
        return background.submit(ts, slot, h, where);
    }

    /** An inline call's result: the thread's errno and the counters. */
    private long settle(ThreadState ts, int slot, long r) {
        counters.inline.incrementAndGet(slot);
        if (r == -1) {
            ts.errno = Syscalls.errno(ts.capture);
            counters.errors.incrementAndGet(slot);
        } else {
            ts.errno = 0;
        }
        return r;
    }
}
