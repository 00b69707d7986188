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

import io.laio.Sys;
import io.laio.internal.SchedulePoints;
import io.laio.internal.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

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
 * <p>One more mark stands beside the read marks, and no read lesson clears it: {@code cachestat}
 * refused the number's file to this process ({@link #cachestatRefused(long, long)}: {@code EPERM},
 * on kernels with the page-cache side-channel rule, to a caller who neither owns the file nor may
 * write it — a server running as its own user and serving root's files). Every ticket carries it
 * ({@link #cachestatRefused(long)}): a probe holding such a ticket does not ask cachestat again,
 * neither for a read nor for a {@code sendfile}, until the number is closed or forgotten through
 * laio (the next file under it may be the caller's own). It is taken per number, not per
 * process: one file says nothing of the others (and a server's threads share their credentials).
 * Kept past a close behind laio's back, it costs the next file cachestat's answers, never a
 * wrong one: that file's sendfiles are probed with RWF_NOWAIT instead, or not at all.
 *
 * <p><b>Concurrency.</b> Every calling thread probes and teaches the table without locks, and a
 * close through laio ({@link #forget}, {@link #closed}) comes from any thread. All a number
 * knows is one word — its read and write marks, its miss and re-probe counts, its socket marks
 * and a generation — changed only by compare-and-set, so no change of one thread is lost under
 * another's (a plain read-modify-write of a marks byte could drop a {@code WRITE_NONE} or revive
 * a mark a hit had just cleared). A probe takes a ticket — the number's generation — before its
 * system call ({@link #readProbe}, {@link #writeProbe}, {@link #ticket}) and teaches with it;
 * {@link #forget} and {@link #closed} start a new generation. The table guarantees:
 * <ol>
 *   <li>Every state is one a sequential run of the same operations leaves, each operation taking
 *       effect at one instant between its call and its return (a probe and its lesson as two
 *       operations, the lesson conditional on the ticket's generation still being current).</li>
 *   <li>A lesson ({@link #hit}, {@link #miss}, {@link #nowaitRefused}, {@link #unprobeable},
 *       {@link #writesRefused}, {@link #guessWrong}, {@link #cachestatRefused(long, long)})
 *       whose ticket was taken before a {@link #forget} or {@link #closed} of its number changes
 *       nothing: what a probe learned of a number's previous file never marks the next one
 *       (before, a late {@link #unprobeable} left the new file {@link #SKIP} until its own
 *       close).</li>
 *   <li>Per number: at most one read mark ({@link #CACHESTAT}, {@link #SKIP} for good, the
 *       guess), and the cachestat refusal beside it; marks change only through a lesson of the
 *       current generation, a forget or a close (a read of the table moves its re-probe count
 *       alone); after {@link #forget} nothing is known; after {@link #closed} at most the guess
 *       and the re-probe count (never the refusal: it was about the closed file); the miss count
 *       stops at {@value #MISSES_BEFORE_SKIP}; the re-probe count runs modulo
 *       {@value #REPROBE_EVERY} and so re-probes every {@value #REPROBE_EVERY}th read in a
 *       skipping state whatever other threads do, give or take the reads racing with a
 *       close.</li>
 * </ol>
 * A probe that starts while a close of its number is under way (after laio saw the close,
 * before the kernel closed it) races in the application: its call may reach either file, and so
 * may its lesson — at worst a file gets the previous one's mark until its own close through laio
 * or, for all marks but {@link #SKIP} for good, the next re-probe. A descriptor closed behind
 * laio's back keeps its marks until laio closes that number again or, for {@link #CACHESTAT},
 * the next re-probe; the worst case is, again, an unneeded hop. A read of the table costs one
 * load when nothing is marked (the common case), a compare-and-set when a re-probe count moves,
 * and a lesson that changes nothing writes nothing.
 *
 * <p><b>Memory.</b> Eight bytes per number, in chunks of {@value #CHUNK} numbers (32 KiB) made at
 * the first change to a number they cover (a read and a lesson that changes nothing make none),
 * listed in a directory that grows to the highest such chunk: memory follows the highest number
 * used, not the descriptor limit. Numbers at or above {@link #LIMIT}, the hard
 * {@code RLIMIT_NOFILE} when the class loaded (no descriptor has such a number unless the limit
 * was raised since), are always probed with RWF_NOWAIT and never marked, so a close of a bogus
 * number makes no chunk. Chunks are made and the directory grown under the table's lock, which
 * no other operation takes; a chunk never moves (a grown directory holds the same chunks), so a
 * compare-and-set through a directory read before the growth changes the very word every later
 * reader sees, and a chunk missing from the directory a thread read did not exist when it read
 * it (that directory never gets it later: chunks go into the current one only).
 *
 * <p><b>Drained stream sockets.</b> Three bits of the word remember what the receives of a
 * socket learned: whether it is a stream socket ({@code SO_TYPE}, asked once per number), and
 * whether its last receive came back short — fewer bytes than asked, more than none — so that
 * the socket was drained at that moment and the next receive's {@code MSG_DONTWAIT} probe would
 * almost surely answer {@code EAGAIN} ({@link #takeDrained}). Unlike the marks above these are
 * set and cleared on one thread only, the one that receives the Laio's completions — the loop
 * thread when attached, the polling thread when standalone ({@link Router} decides when); only
 * {@link #forget}, a close through laio from any thread, clears them from elsewhere. They take
 * no ticket: a receive's lesson landing after a close of its number on another thread can mark
 * the next file. A wrong "drained" (data arrived since, or the number was closed and reused)
 * costs a loop pass, never a call: the receive that skips its probe waits on a level-triggered
 * registration, which reports data already there at once, and a registration that finds the
 * number's entry gone tries the call at once.
 */
public final class ProbeHistory {
    static final int MISSES_BEFORE_SKIP = 4;
    static final int REPROBE_EVERY = 16;
    /** Numbers per chunk of the table. */
    static final int CHUNK = 1 << 12;
    private static final int CHUNK_BITS = 12;
    /** One past the highest number the table covers: the hard {@code RLIMIT_NOFILE} when the class loaded. */
    public static final long LIMIT = descriptorLimit();

    /** {@link #readProbe} answers ({@link #how} of its ticket). */
    static final int NOWAIT = 0;
    static final int CACHESTAT = 1;
    static final int SKIP = 2;
    static final int CACHESTAT_GUESS = 3;
    private static final long HOW = 3;

    /** The schedule point before a lesson's compare-and-set: a probe stopped here teaches late. */
    public static final String TEACH = "ProbeHistory.teach:before";

    // One word per number: marks (bits 0-3), misses (4-6), cachestat refused (7), re-probe count
    // (8-11), socket marks (12-14), generation (16-63: 2^48 closes of one number before it wraps).
    // A ticket: the generation, the refusal (7) and the probe chosen (0-1).
    private static final long READ_CACHESTAT = 1;
    private static final long READ_NONE = 2;
    private static final long WRITE_NONE = 4;
    /** The previous file under the number was {@link #READ_CACHESTAT}; see {@link #CACHESTAT_GUESS}. */
    private static final long READ_GUESS = 8;
    private static final long READ_MARKS = READ_CACHESTAT | READ_NONE | READ_GUESS;
    /** cachestat answered EPERM for the number's file: see {@link #cachestatRefused(long, long)}. Same bit in a ticket. */
    private static final long CACHESTAT_REFUSED = 1L << 7;
    private static final int MISSES_SHIFT = 4;
    private static final long MISSES = 7L << MISSES_SHIFT;
    private static final int SKIPPED_SHIFT = 8;
    private static final long SKIPPED = 15L << SKIPPED_SHIFT;
    private static final int SOCKETS_SHIFT = 12;
    /** Everything but the generation. */
    private static final long KNOWN = (1L << 16) - 1;
    private static final long GENERATION_ONE = 1L << 16;

    /** Socket marks (shifted by {@link #SOCKETS_SHIFT} in the word): the receives', consumer thread only. */
    static final int STREAM = 1;
    static final int NOT_STREAM = 2;
    private static final int DRAINED = 4;

    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(long[][].class);

    /** The chunks by number / {@value #CHUNK}, null where none was made; replaced, and chunks added, under the lock only. */
    private volatile long[][] directory = new long[0][];

    /** The hard {@code RLIMIT_NOFILE}, or 2^20 (Linux's default {@code fs.nr_open}) if it cannot be read. */
    private static long descriptorLimit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment capture = Syscalls.newCapture(a);
            MemorySegment limits = a.allocate(16, 8); // struct rlimit64 {cur, max}
            if (Syscalls.call(capture, Sys.SYS_prlimit64, 0, 7 /* RLIMIT_NOFILE */, 0, limits.address()) != 0) {
                return 1 << 20; // errno aside: a seccomp filter, say; the default ceiling of any limit
            }
            long max = limits.get(ValueLayout.JAVA_LONG, 8);
            return max < 0 || max > Integer.MAX_VALUE ? Integer.MAX_VALUE : max; // RLIM_INFINITY: numbers are ints
        }
    }

    /** One past the highest number this table covers: {@link #LIMIT}, or a test's. */
    private final long limit;

    /** A table of the numbers below {@link #LIMIT}. */
    public ProbeHistory() {
        this(LIMIT);
    }

    /** Tests: a table of the numbers below {@code limit}. */
    ProbeHistory(long limit) {
        this.limit = Math.min(limit, (long) Integer.MAX_VALUE + 1);
    }

    /** Whether the table covers {@code fd}: marks of other numbers are never kept. */
    boolean inTable(long fd) {
        return fd >= 0 && fd < limit;
    }

    /** Tests: how many chunks of {@value #CHUNK} numbers were made. */
    synchronized int chunks() {
        int n = 0;
        for (long[] c : directory) {
            n += c == null ? 0 : 1;
        }
        return n;
    }

    /** The chunk of words for {@code fd} (in the table), or null if none was made. */
    private long[] chunk(long fd) {
        long[][] d = directory;
        int k = (int) (fd >>> CHUNK_BITS);
        return k < d.length ? (long[]) CHUNKS.getAcquire(d, k) : null;
    }

    /** The chunk for {@code fd}, made (and the directory grown, its references copied) if there is none. */
    private synchronized long[] newChunk(long fd) {
        int k = (int) (fd >>> CHUNK_BITS);
        long[][] d = directory;
        if (k >= d.length) {
            d = Arrays.copyOf(d, Math.max(k + 1, d.length * 2));
            directory = d;
        }
        long[] c = d[k];
        if (c == null) {
            c = new long[CHUNK];
            CHUNKS.setRelease(d, k, c);
        }
        return c;
    }

    private static int at(long fd) {
        return (int) fd & (CHUNK - 1);
    }

    /** What a probe with {@code ticket} is: {@link #NOWAIT}, {@link #CACHESTAT}, {@link #SKIP} or {@link #CACHESTAT_GUESS}. */
    static int how(long ticket) {
        return (int) (ticket & HOW);
    }

    /** Whether the number's file had refused cachestat when {@code ticket} was taken: its probe does not ask again. */
    static boolean cachestatRefused(long ticket) {
        return (ticket & CACHESTAT_REFUSED) != 0;
    }

    /** {@code ticket} as if taken after a {@link #cachestatRefused(long, long)} of its own generation (a lesson of the same call). */
    static long withCachestatRefused(long ticket) {
        return ticket | CACHESTAT_REFUSED;
    }

    private static long ticketOf(long word, int how) {
        return (word & ~KNOWN) | (word & CACHESTAT_REFUSED) | how;
    }

    /** The word of {@code fd} (in the table): 0, nothing known in generation 0, where no chunk was made. */
    private long word(long fd) {
        long[] c = chunk(fd);
        return c == null ? 0 : (long) WORDS.getAcquire(c, at(fd));
    }

    /** Sets the word of {@code fd} (in the table) from {@code was} to {@code now}; false if it was no longer {@code was}. */
    private boolean swap(long fd, long was, long now) {
        if (was == now) {
            return true;
        }
        long[] c = chunk(fd);
        if (c == null) {
            c = newChunk(fd);
        }
        return WORDS.compareAndSet(c, at(fd), was, now);
    }

    /**
     * Which probe a read of {@code fd} gets this time ({@link #how} of the result: {@link #NOWAIT},
     * {@link #CACHESTAT}, {@link #CACHESTAT_GUESS} or {@link #SKIP}), and the ticket its lesson is taught with.
     */
    long readProbe(long fd) {
        if (!inTable(fd)) {
            return NOWAIT;
        }
        for (;;) {
            long w = word(fd);
            if ((w & READ_NONE) != 0) {
                return ticketOf(w, SKIP);
            }
            boolean reprobes = (w & (READ_CACHESTAT | READ_GUESS)) != 0;
            if (!reprobes && misses(w) < MISSES_BEFORE_SKIP) {
                return ticketOf(w, NOWAIT); // nothing marked: one load
            }
            long n = nowAndThen(w);
            if (swap(fd, w, n)) {
                int how = (n & SKIPPED) == 0 ? NOWAIT
                        : (w & READ_CACHESTAT) != 0 ? CACHESTAT : (w & READ_GUESS) != 0 ? CACHESTAT_GUESS : SKIP;
                return ticketOf(w, how);
            }
        }
    }

    /** Whether to probe a write of {@code fd} this time ({@link #how} of the result is {@link #NOWAIT}, else {@link #SKIP}), and its ticket. */
    long writeProbe(long fd) {
        if (!inTable(fd)) {
            return NOWAIT;
        }
        for (;;) {
            long w = word(fd);
            if ((w & WRITE_NONE) != 0) {
                return ticketOf(w, SKIP);
            }
            if (misses(w) < MISSES_BEFORE_SKIP) {
                return ticketOf(w, NOWAIT);
            }
            long n = nowAndThen(w);
            if (swap(fd, w, n)) {
                return ticketOf(w, (n & SKIPPED) == 0 ? NOWAIT : SKIP);
            }
        }
    }

    /** The ticket of a lesson about {@code fd} as it is now (a probe's ticket without its choice of probe). */
    public long ticket(long fd) {
        return inTable(fd) ? ticketOf(word(fd), NOWAIT) : NOWAIT;
    }

    private static int misses(long w) {
        return (int) ((w & MISSES) >>> MISSES_SHIFT);
    }

    /** {@code w} with its re-probe count moved on: 0 every {@value #REPROBE_EVERY}th time, when the call re-probes. */
    private static long nowAndThen(long w) {
        long s = (((w & SKIPPED) >>> SKIPPED_SHIFT) + 1) % REPROBE_EVERY;
        return (w & ~SKIPPED) | s << SKIPPED_SHIFT;
    }

    /**
     * Teaches {@code fd}'s word, if {@code ticket}'s generation is still its own: clears
     * {@code clear}, sets {@code set}, and counts a miss when {@code missed}.
     */
    private void teach(long fd, long ticket, long clear, long set, boolean missed) {
        if (!inTable(fd)) {
            return;
        }
        SchedulePoints.at(TEACH);
        for (;;) {
            long w = word(fd);
            if (((w ^ ticket) & ~KNOWN) != 0) {
                return; // closed through laio since the ticket: the lesson was about another file
            }
            long n = (w & ~clear) | set;
            if (missed && misses(w) < MISSES_BEFORE_SKIP) {
                n += 1L << MISSES_SHIFT;
            }
            if (swap(fd, w, n)) {
                return;
            }
        }
    }

    /** A RWF_NOWAIT probe of {@code fd} with {@code ticket} completed: its file system takes RWF_NOWAIT. */
    public void hit(long fd, long ticket) {
        teach(fd, ticket, MISSES | READ_MARKS, 0, false);
    }

    /** A RWF_NOWAIT probe of {@code fd} with {@code ticket} would have blocked (so the file system takes RWF_NOWAIT). */
    public void miss(long fd, long ticket) {
        teach(fd, ticket, READ_MARKS, 0, true);
    }

    /** A read of {@code fd} with {@code ticket} was refused RWF_NOWAIT ({@code EOPNOTSUPP}): ask cachestat from now on. */
    public void nowaitRefused(long fd, long ticket) {
        teach(fd, ticket, READ_MARKS, READ_CACHESTAT, false);
    }

    /** No probe works on reads of {@code fd} (ticket {@code ticket}): background without probing until it is closed. */
    void unprobeable(long fd, long ticket) {
        teach(fd, ticket, READ_MARKS, READ_NONE, false);
    }

    /** A write of {@code fd} with {@code ticket} was refused RWF_NOWAIT: writes of it go to the background without probing. */
    void writesRefused(long fd, long ticket) {
        teach(fd, ticket, 0, WRITE_NONE, false);
    }

    /**
     * cachestat refused {@code fd}'s file to this process ({@code EPERM}; ticket {@code ticket}):
     * probes of the number do not ask it again until laio closes or forgets the number. The read
     * marks stay as they are: whether the file system takes RWF_NOWAIT is another question.
     */
    void cachestatRefused(long fd, long ticket) {
        teach(fd, ticket, 0, CACHESTAT_REFUSED, false);
    }

    /**
     * A read's {@link #CACHESTAT_GUESS} (ticket {@code ticket}) found the number is not a file
     * cachestat speaks for (a socket, a pipe): probe it as new.
     */
    void guessWrong(long fd, long ticket) {
        teach(fd, ticket, READ_GUESS, 0, false);
    }

    /**
     * The descriptor number was closed through laio: as {@link #forget}, except that a number
     * whose reads were refused RWF_NOWAIT keeps that as a {@link #CACHESTAT_GUESS} for the next
     * file under it (and its re-probe count, so the guess is still tested every
     * {@value #REPROBE_EVERY}th read however short each file's life). A cachestat refusal is not
     * kept: it was the closed file's own.
     */
    void closed(long fd) {
        renew(fd, true);
    }

    /** A call made the number (a socket, a pipe, a dup): whatever comes next under it is a new file. */
    void forget(long fd) {
        renew(fd, false);
    }

    /** A new generation for {@code fd}: nothing known, but the guess when {@code guess} and there is one to keep. */
    private void renew(long fd, boolean guess) {
        if (!inTable(fd)) {
            return;
        }
        for (;;) {
            long w = word(fd);
            long kept = guess && (w & (READ_CACHESTAT | READ_GUESS)) != 0 ? READ_GUESS | (w & SKIPPED) : 0;
            if (swap(fd, w, ((w & ~KNOWN) + GENERATION_ONE) | kept)) {
                return;
            }
        }
    }

    private int sockets(long fd) {
        return inTable(fd) ? (int) (word(fd) >>> SOCKETS_SHIFT) & 7 : 0;
    }

    /** Sets {@code fd}'s socket marks to {@code f(old)}: {@code keep} of the old ones, or'ed with {@code set}. */
    private void sockets(long fd, int keep, int set) {
        if (!inTable(fd)) {
            return;
        }
        for (;;) {
            long w = word(fd);
            int s = (int) (w >>> SOCKETS_SHIFT) & 7;
            long n = (w & ~(7L << SOCKETS_SHIFT)) | (long) ((s & keep) | set) << SOCKETS_SHIFT;
            if (swap(fd, w, n)) {
                return;
            }
        }
    }

    /** Whether a receive of {@code fd} found it drained and no receive since has probed it. */
    boolean drained(long fd) {
        return (sockets(fd) & DRAINED) != 0;
    }

    /** Consumer thread: takes the drained mark of {@code fd} (one skipped probe per short receive). */
    void takeDrained(long fd) {
        sockets(fd, ~DRAINED, 0);
    }

    /** Consumer thread: a receive of {@code fd} came back short ({@code true}), or full, at EOF or failed. */
    void drained(long fd, boolean drained) {
        sockets(fd, ~DRAINED, drained ? DRAINED : 0);
    }

    /** What {@code SO_TYPE} said of {@code fd}: {@link #STREAM}, {@link #NOT_STREAM}, or 0 (not asked, or beyond the table). */
    int socketKind(long fd) {
        return sockets(fd) & (STREAM | NOT_STREAM);
    }

    /** Whether {@code fd} is known to be a stream socket ({@code null}: not known yet). */
    public Boolean knownStream(long fd) {
        int kind = socketKind(fd);
        return kind == 0 ? null : kind == STREAM;
    }

    /** Consumer thread: remembers whether {@code fd} is a stream socket. */
    void socketKind(long fd, boolean stream) {
        sockets(fd, DRAINED, stream ? STREAM : NOT_STREAM);
    }
}
