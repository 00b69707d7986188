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

/**
 * What the non-blocking probes learned per descriptor, and so which probe a read of it gets:
 * <ul>
 *   <li>{@link #NOWAIT} — {@code preadv2(RWF_NOWAIT)}, the default. docs/design/costs.md measured a miss at
 *       ~35–43 µs (it starts readahead before answering EAGAIN), far more than the call it saves,
 *       so after {@value #MISSES_BEFORE_SKIP} misses in a row the descriptor is not probed
 *       ({@link #SKIP}) but every {@value #REPROBE_EVERY}th call.</li>
 *   <li>{@link #CACHESTAT} — the file system answered {@code EOPNOTSUPP} to RWF_NOWAIT (FUSE, NFS,
 *       tmpfs and others): the page cache is asked with {@code cachestat(2)} instead (1–4 µs, and
 *       a miss starts no I/O, so it is never skipped). Every {@value #REPROBE_EVERY}th call tries
 *       RWF_NOWAIT again, which clears the mark if the number now names a file that takes it.</li>
 *   <li>{@link #SKIP} for good — neither probe works on it (a terminal, a kernel without
 *       cachestat): background until the number is closed through laio.</li>
 *   <li>{@link #CACHESTAT_GUESS} — the number's previous file was marked {@link #CACHESTAT} and
 *       closed through laio: a server that opens, reads and closes a file per request gets the
 *       same few numbers back for files of the same file system, and without the guess each new
 *       file's first read paid a refused RWF_NOWAIT before its cachestat (one system call per
 *       file on FUSE). The guess is asked like {@link #CACHESTAT}, tried with RWF_NOWAIT every
 *       {@value #REPROBE_EVERY}th read as it is, and dropped as soon as a read finds the number
 *       is not a file cachestat speaks for ({@link #guessWrong}); a wrong guess about a file that
 *       takes RWF_NOWAIT still gets correct answers from cachestat, at one system call more per
 *       read until the next re-probe.</li>
 * </ul>
 * Writes keep their own mark: a buffered ext4 write answers EOPNOTSUPP to RWF_NOWAIT while reads
 * of the same descriptor take it, so a refused write probe says nothing about reads.
 *
 * <p>The table is a hint shared by every calling thread without locks: a lost update costs one
 * probe more or less, never a wrong result (skipping a probe only means a plain call in the
 * background; a cachestat probe is right on any file system). A descriptor closed behind laio's
 * back keeps its marks until laio closes that number again or, for {@link #CACHESTAT}, the next
 * re-probe; the worst case is, again, an unneeded hop. Memory: three bytes per descriptor number
 * below {@value #SIZE}, allocated once; numbers above are always probed with RWF_NOWAIT.
 *
 * <p><b>Drained stream sockets.</b> A fourth byte per number remembers what the receives of a
 * socket learned: whether it is a stream socket ({@code SO_TYPE}, asked once per number), and
 * whether its last receive came back short — fewer bytes than asked, more than none — so that
 * the socket was drained at that moment and the next receive's {@code MSG_DONTWAIT} probe would
 * almost surely answer {@code EAGAIN} ({@link #takeDrained}). Unlike the marks above these are
 * set and cleared on one thread only, the one that receives the Laio's completions — the loop
 * thread when attached, the polling thread when standalone ({@link Router} decides when); only
 * {@link #forget}, a close through laio from any thread, clears them from elsewhere. A wrong
 * "drained" (data arrived since, or the number was closed behind laio's back and reused) costs
 * a loop pass, never a call: the receive that skips its probe waits on a level-triggered
 * registration, which reports data already there at once, and a registration that finds the
 * number's entry gone tries the call at once.
 */
public final class ProbeHistory {
    static final int MISSES_BEFORE_SKIP = 4;
    static final int REPROBE_EVERY = 16;
    public static final int SIZE = 1 << 16;

    /** {@link #readProbe} answers. */
    static final int NOWAIT = 0;
    static final int CACHESTAT = 1;
    static final int SKIP = 2;
    static final int CACHESTAT_GUESS = 3;

    /** Marks in {@link #marks}. */
    private static final byte READ_CACHESTAT = 1;
    private static final byte READ_NONE = 2;
    private static final byte WRITE_NONE = 4;
    /** The previous file under the number was {@link #READ_CACHESTAT}; see {@link #CACHESTAT_GUESS}. */
    private static final byte READ_GUESS = 8;
    private static final byte READ_MARKS = READ_CACHESTAT | READ_NONE | READ_GUESS;

    private final byte[] misses = new byte[SIZE];
    private final byte[] skipped = new byte[SIZE];
    private final byte[] marks = new byte[SIZE];
    /** {@link #STREAM}, {@link #NOT_STREAM}, {@link #DRAINED}: the receives' marks, consumer thread only. */
    private final byte[] sockets = new byte[SIZE];

    /** Marks in {@link #sockets}. */
    static final int STREAM = 1;
    static final int NOT_STREAM = 2;
    private static final byte DRAINED = 4;

    /** Which probe a read of {@code fd} gets this time: {@link #NOWAIT}, {@link #CACHESTAT} or {@link #SKIP}. */
    int readProbe(long fd) {
        if (fd < 0 || fd >= SIZE) {
            return NOWAIT;
        }
        int i = (int) fd;
        byte mark = marks[i];
        if ((mark & READ_NONE) != 0) {
            return SKIP;
        }
        if ((mark & READ_CACHESTAT) != 0) {
            return nowAndThen(i) ? NOWAIT : CACHESTAT;
        }
        if ((mark & READ_GUESS) != 0) {
            return nowAndThen(i) ? NOWAIT : CACHESTAT_GUESS;
        }
        return misses[i] < MISSES_BEFORE_SKIP || nowAndThen(i) ? NOWAIT : SKIP;
    }

    /** Whether to probe a write of {@code fd} with RWF_NOWAIT this time. */
    boolean shouldProbeWrite(long fd) {
        if (fd < 0 || fd >= SIZE) {
            return true;
        }
        int i = (int) fd;
        return (marks[i] & WRITE_NONE) == 0 && (misses[i] < MISSES_BEFORE_SKIP || nowAndThen(i));
    }

    /** True every {@value #REPROBE_EVERY}th time it is asked about {@code i}. */
    private boolean nowAndThen(int i) {
        int s = skipped[i] + 1;
        skipped[i] = (byte) (s % REPROBE_EVERY);
        return s % REPROBE_EVERY == 0;
    }

    /** A RWF_NOWAIT probe of {@code fd} completed: its file system takes RWF_NOWAIT. */
    public void hit(long fd) {
        if (fd >= 0 && fd < SIZE) {
            int i = (int) fd;
            if (misses[i] != 0) {
                misses[i] = 0;
            }
            if ((marks[i] & READ_MARKS) != 0) {
                marks[i] &= ~READ_MARKS;
            }
        }
    }

    /** A RWF_NOWAIT probe of {@code fd} would have blocked (so the file system takes RWF_NOWAIT). */
    public void miss(long fd) {
        if (fd >= 0 && fd < SIZE) {
            int i = (int) fd;
            byte m = misses[i];
            if (m < Byte.MAX_VALUE) {
                misses[i] = (byte) (m + 1);
            }
            if ((marks[i] & READ_MARKS) != 0) {
                marks[i] &= ~READ_MARKS;
            }
        }
    }

    /** A read of {@code fd} was refused RWF_NOWAIT ({@code EOPNOTSUPP}): ask cachestat from now on. */
    public void nowaitRefused(long fd) {
        if (fd >= 0 && fd < SIZE) {
            marks[(int) fd] = (byte) ((marks[(int) fd] & ~READ_MARKS) | READ_CACHESTAT);
        }
    }

    /** No probe works on reads of {@code fd}: background without probing until it is closed. */
    void unprobeable(long fd) {
        if (fd >= 0 && fd < SIZE) {
            marks[(int) fd] = (byte) ((marks[(int) fd] & ~READ_MARKS) | READ_NONE);
        }
    }

    /** A write of {@code fd} was refused RWF_NOWAIT: writes of it go to the background without probing. */
    void writesRefused(long fd) {
        if (fd >= 0 && fd < SIZE) {
            marks[(int) fd] |= WRITE_NONE;
        }
    }

    /** A read's {@link #CACHESTAT_GUESS} found the number is not a file cachestat speaks for (a socket, a pipe): probe it as new. */
    void guessWrong(long fd) {
        if (fd >= 0 && fd < SIZE && (marks[(int) fd] & READ_GUESS) != 0) {
            marks[(int) fd] &= ~READ_GUESS;
        }
    }

    /**
     * The descriptor number was closed through laio: as {@link #forget}, except that a number
     * whose reads were refused RWF_NOWAIT keeps that as a {@link #CACHESTAT_GUESS} for the next
     * file under it (and its re-probe count, so the guess is still tested every
     * {@value #REPROBE_EVERY}th read however short each file's life).
     */
    void closed(long fd) {
        if (fd >= 0 && fd < SIZE) {
            int i = (int) fd;
            boolean guess = (marks[i] & (READ_CACHESTAT | READ_GUESS)) != 0;
            byte skips = skipped[i];
            forget(fd);
            if (guess) {
                marks[i] = READ_GUESS;
                skipped[i] = skips;
            }
        }
    }

    /** A call made the number (a socket, a pipe, a dup): whatever comes next under it is a new file. */
    void forget(long fd) {
        if (fd >= 0 && fd < SIZE) {
            misses[(int) fd] = 0;
            skipped[(int) fd] = 0;
            marks[(int) fd] = 0;
            sockets[(int) fd] = 0;
        }
    }

    /** Whether a receive of {@code fd} found it drained and no receive since has probed it. */
    boolean drained(long fd) {
        return fd >= 0 && fd < SIZE && (sockets[(int) fd] & DRAINED) != 0;
    }

    /** Consumer thread: takes the drained mark of {@code fd} (one skipped probe per short receive). */
    void takeDrained(long fd) {
        sockets[(int) fd] &= ~DRAINED;
    }

    /** Consumer thread: a receive of {@code fd} came back short ({@code true}), or full, at EOF or failed. */
    void drained(long fd, boolean drained) {
        if (fd >= 0 && fd < SIZE) {
            int i = (int) fd;
            byte s = sockets[i];
            byte n = (byte) (drained ? s | DRAINED : s & ~DRAINED);
            if (n != s) {
                sockets[i] = n;
            }
        }
    }

    /** What {@code SO_TYPE} said of {@code fd}: {@link #STREAM}, {@link #NOT_STREAM}, or 0 (not asked, or beyond the table). */
    int socketKind(long fd) {
        return fd >= 0 && fd < SIZE ? sockets[(int) fd] & (STREAM | NOT_STREAM) : 0;
    }

    /** Whether {@code fd} is known to be a stream socket ({@code null}: not known yet). */
    public Boolean knownStream(long fd) {
        int kind = socketKind(fd);
        return kind == 0 ? null : kind == STREAM;
    }

    /** Consumer thread: remembers whether {@code fd} is a stream socket. */
    void socketKind(long fd, boolean stream) {
        if (fd >= 0 && fd < SIZE) {
            int i = (int) fd;
            sockets[i] = (byte) ((sockets[i] & DRAINED) | (stream ? STREAM : NOT_STREAM));
        }
    }
}
