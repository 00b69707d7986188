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

package io.laio.internal.lanes;

import io.laio.BlockingOp;
import io.laio.Errno;
import io.laio.Sys;
import io.laio.abi.PollfdLayout;
import io.laio.internal.LaioCall;
import io.laio.internal.Syscalls;
import io.laio.internal.ThreadState;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.completion.Completions;
import io.laio.internal.sockets.Ppoll;

/**
 * The helper side: what a helper thread does with a call it took from its lane — runs it (a
 * {@link BlockingOp}, a sendfile until done, or the plain system call), adds the bytes its
 * inline part already moved, and hands it to the {@link Completions}. Stateless beyond its
 * collaborators: any number of helpers share one.
 */
public final class HelperRunner implements HelperPool.Worker, HelperPool.Refusal {
    private final CallCounters counters;
    private final Completions completions;

    HelperRunner(CallCounters counters, Completions completions) {
        this.counters = counters;
        this.completions = completions;
    }

    /** On a helper thread. */
    @Override
    public void run(LaioCall h, ThreadState ts) {
        long r;
        int err = 0;
        if (h.op != null) {
            try {
                r = h.op.run();
            } catch (Throwable t) {
                h.exception = t;
                r = -1;
                err = Errno.EIO;
            }
        } else {
            r = h.nr == Sys.SYS_sendfile ? sendfileAll(ts, h)
                    : Syscalls.call(ts.capture, h.nr, h.a1, h.a2, h.a3, h.a4, h.a5, h.a6);
            if (r == -1) {
                err = Syscalls.errno(ts.capture);
            }
        }
        if (h.bias > 0) {
            // the inline part succeeded: report the total, or what was done if the rest failed
            r = r == -1 ? h.bias : r + h.bias;
            err = 0;
        }
        h.result = r;
        h.errno = err;
        if (r == -1) {
            counters.errors.incrementAndGet(CallCounters.slot(h.nr));
        }
        completions.complete(h);
    }

    /** A helper lane could start no helper and has none alive: the call will not run and ends with {@code errno}. */
    @Override
    public void refuse(LaioCall h, int errno) {
        h.endUnfinished(errno);
        if (h.result == -1) {
            counters.errors.incrementAndGet(CallCounters.slot(h.nr));
        }
        completions.complete(h);
    }

    /**
     * sendfile until all {@code count} bytes are sent, end of file, or an error. The disk reads
     * block this helper, not the loop; a non-blocking socket that fills up is waited for here
     * with {@code ppoll} (a helper may block). Returns the bytes sent, or -1 with errno set if
     * nothing was.
     */
    private static long sendfileAll(ThreadState ts, LaioCall h) {
        long done = 0;
        while (done < h.a4) {
            long r = Syscalls.call(ts.capture, Sys.SYS_sendfile, h.a1, h.a2, h.a3, h.a4 - done);
            if (r > 0) {
                done += r;
            } else if (r == 0) {
                break; // end of file
            } else if (Syscalls.errno(ts.capture) == Errno.EAGAIN) {
                if (Ppoll.one(ts.capture, ts.scratch, (int) h.a1, PollfdLayout.POLLOUT, true) == -1
                        && Syscalls.errno(ts.capture) != Errno.EINTR) {
                    return done > 0 ? done : -1;
                }
            } else if (Syscalls.errno(ts.capture) != Errno.EINTR) {
                return done > 0 ? done : -1; // an error after progress: report what was sent (POSIX)
            }
        }
        return done;
    }
}
