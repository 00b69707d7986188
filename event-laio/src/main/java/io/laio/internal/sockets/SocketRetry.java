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

package io.laio.internal.sockets;

import static io.laio.abi.MsgFlags.MSG_DONTWAIT;
import static io.laio.abi.MsgFlags.MSG_NOSIGNAL;
import static io.laio.abi.RwfFlags.RWF_NOWAIT;

import io.laio.Errno;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.abi.IovecLayout;
import io.laio.abi.PollfdLayout;
import io.laio.internal.LaioCall;
import io.laio.internal.SchedulePoints;
import io.laio.internal.Scratch;
import io.laio.internal.Syscalls;
import io.laio.internal.completion.CallCounters;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One non-blocking retry of a socket (or pipe) call that would have blocked, until it has
 * completed in its entirety: a read or accept when it returns anything, a write or sendfile of
 * N bytes when N are done or an error occurs, a connect when the socket is writable. Used by
 * whatever watches readiness: the socket waiter's thread, or the loop thread itself when the
 * base polls with epoll ({@link LoopSocketWaits}).
 *
 * <p>Threading: confined to one thread (its scratch memory and errno capture are its own).
 */
public final class SocketRetry {
    /** {@link SchedulePoints}: a retry would still block, and the call is about to go back to QUEUED. */
    public static final String BEFORE_REQUEUE = "SocketRetry.retry:beforeRequeue";

    /** attempt() outcomes beside a syscall's own result. */
    private static final long STILL_WAITING = -3;
    private static final long FAILED_WITH_SO_ERROR = -2;

    private final Consumer<LaioCall> completer;
    private final CallCounters counters;
    private final MemorySegment capture;
    private final Scratch scratch;

    SocketRetry(Consumer<LaioCall> completer, CallCounters counters) {
        this.completer = completer;
        this.counters = counters;
        Arena arena = Arena.ofAuto();
        this.capture = Syscalls.newCapture(arena);
        this.scratch = new Scratch(arena);
    }

    /** Reports a call that is done. */
    public void complete(LaioCall h) {
        completer.accept(h);
    }

    /**
     * Ends every call of the queue with {@code err} (the descriptor cannot be watched, or the
     * watcher failed). A call that already moved bytes (a write's earlier retries, or the inline
     * part before it went to the background) reports them instead, as a short write with errno 0
     * — {@code -1} would tell the caller that nothing went out when some did.
     */
    void failAll(ArrayDeque<LaioCall> q, int err) {
        LaioCall h;
        while ((h = q.poll()) != null) {
            if (h.start()) {
                end(h, err);
            }
        }
    }

    /**
     * Reports a RUNNING call that ends without completing: {@code -1}/{@code err}, or, if bytes
     * were already moved, their count with errno 0 (what POSIX gives a write interrupted after
     * progress). A caller tells a cancelled one by {@link LaioHandle#cancelled()}.
     */
    private void end(LaioCall h, int err) {
        h.endUnfinished(err);
        completer.accept(h);
    }

    /** Retries the calls of one direction in order until one would still block; the completed ones leave the queue. */
    public void drain(ArrayDeque<LaioCall> q) {
        LaioCall h;
        while ((h = q.peek()) != null) {
            if (h.state() == LaioCall.DONE) {
                q.poll(); // cancelled while waiting
                continue;
            }
            if (!attempt(h)) {
                return; // still would block: wait for readiness
            }
            q.poll();
        }
    }

    /** One non-blocking try; true when the call is complete (and reported). */
    public boolean attempt(LaioCall h) {
        if (!h.start()) {
            return true; // cancelled: already reported
        }
        long r;
        long nr = h.nr;
        counters.socketRetries.incrementAndGet(CallCounters.slot(nr));
        if (h.pipe && nr == Sys.SYS_read) {
            IovecLayout.set(scratch.iov, h.a2, h.a3); // a pipe read returns what is there
            r = Syscalls.call(capture, Sys.SYS_preadv2, h.a1, scratch.iov.address(), 1, -1, 0, RWF_NOWAIT);
        } else if (nr == Sys.SYS_read || nr == Sys.SYS_recvfrom) {
            long flags = (nr == Sys.SYS_recvfrom ? h.a4 : 0) | MSG_DONTWAIT;
            long addr = nr == Sys.SYS_recvfrom ? h.a5 : 0;
            long addrlen = nr == Sys.SYS_recvfrom ? h.a6 : 0;
            r = Syscalls.call(capture, Sys.SYS_recvfrom, h.a1, h.a2, h.a3, flags, addr, addrlen);
        } else if (nr == Sys.SYS_write || nr == Sys.SYS_sendto) {
            r = sendAll(h, h.a3);
        } else if (nr == Sys.SYS_sendfile) {
            r = sendAll(h, h.a4);
        } else if (nr == Sys.SYS_connect) {
            r = connectOutcome((int) h.a1);
        } else if (connectionWaiting((int) h.a1)) {
            r = Syscalls.call(capture, nr == Sys.SYS_accept ? Sys.SYS_accept4 : nr, h.a1, h.a2, h.a3,
                    nr == Sys.SYS_accept ? 0 : h.a4);
        } else {
            r = STILL_WAITING;
        }
        if (r == STILL_WAITING || r == -1 && Syscalls.errno(capture) == Errno.EAGAIN) {
            SchedulePoints.at(BEFORE_REQUEUE);
            if (h.requeue()) {
                return false;
            }
            end(h, Errno.ECANCELED); // cancelled while this retry ran: waiting again would lose the cancel
            return true;
        }
        int err = r == FAILED_WITH_SO_ERROR ? connectError : r == -1 ? Syscalls.errno(capture) : 0;
        if (r == FAILED_WITH_SO_ERROR) {
            r = -1;
        }
        h.result = h.bias > 0 ? (r == -1 ? h.bias : r + h.bias) : r;
        h.errno = h.bias > 0 ? 0 : err;
        completer.accept(h);
        return true;
    }

    /**
     * accept has no per-call non-blocking flag, and on a blocking listener it would hold this
     * thread until a client came: accept only when {@code ppoll} (zero timeout) says a connection is queued
     * (another process accepting on the same listener in between could still take it; a
     * non-blocking listener, as servers use, never blocks here at all).
     */
    private boolean connectionWaiting(int fd) {
        return Ppoll.one(capture, scratch, fd, PollfdLayout.POLLIN, false) != 0; // -1 too: accept reports the error
    }

    /**
     * A write of N bytes — to a socket, to a pipe, or a sendfile — goes on until all N are out
     * (or sendfile reached the end of its file), the descriptor would block, or an error; the
     * bytes so far are kept in {@code h.progress} across retries. Returns the total when done;
     * {@code -1} with errno when it would block again ({@code EAGAIN}) or failed before any byte
     * moved; the bytes done when it failed after progress (POSIX).
     */
    private long sendAll(LaioCall h, long count) {
        long done = h.progress;
        long r = 0;
        while (done < count) {
            r = sendOnce(h, done);
            if (r <= 0) {
                break; // 0: sendfile's end of file
            }
            done += r;
        }
        h.progress = done;
        if (r >= 0) {
            return done;
        }
        return Syscalls.errno(capture) != Errno.EAGAIN && done > 0 ? done : -1;
    }

    /** One non-blocking write of what is left after {@code done} bytes. */
    private long sendOnce(LaioCall h, long done) {
        if (h.pipe) {
            IovecLayout.set(scratch.iov, h.a2 + done, h.a3 - done);
            return Syscalls.call(capture, Sys.SYS_pwritev2, h.a1, scratch.iov.address(), 1, -1, 0, RWF_NOWAIT);
        }
        if (h.nr == Sys.SYS_sendfile) { // the kernel advances the offset (or the file position) itself
            return Syscalls.call(capture, Sys.SYS_sendfile, h.a1, h.a2, h.a3, h.a4 - done);
        }
        boolean to = h.nr == Sys.SYS_sendto;
        return Syscalls.call(capture, Sys.SYS_sendto, h.a1, h.a2 + done, h.a3 - done,
                (to ? h.a4 : 0) | MSG_DONTWAIT | MSG_NOSIGNAL, to ? h.a5 : 0, to ? h.a6 : 0);
    }

    /** A pending non-blocking connect: EAGAIN while not yet writable, else SO_ERROR's verdict. */
    private long connectOutcome(int fd) {
        long n = Ppoll.one(capture, scratch, fd, PollfdLayout.POLLOUT, false);
        if (n == 0) {
            return STILL_WAITING;
        }
        MemorySegment opt = scratch.sockopt;
        MemorySegment optlen = scratch.socklen;
        optlen.set(ValueLayout.JAVA_INT, 0, 4);
        long r = Syscalls.call(capture, Sys.SYS_getsockopt, fd, 1 /* SOL_SOCKET */, 4 /* SO_ERROR */, opt.address(),
                optlen.address());
        if (r == -1) {
            return -1;
        }
        int soError = opt.get(ValueLayout.JAVA_INT, 0);
        if (soError == 0) {
            return 0;
        }
        connectError = soError;
        return FAILED_WITH_SO_ERROR;
    }

    private int connectError;

}
