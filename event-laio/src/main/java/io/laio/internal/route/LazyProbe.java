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
import static io.laio.abi.AtFlags.AT_STATX_DONT_SYNC;
import static io.laio.abi.AtFlags.AT_SYMLINK_NOFOLLOW;
import static io.laio.abi.MsgFlags.MSG_DONTWAIT;
import static io.laio.abi.MsgFlags.MSG_NOSIGNAL;
import static io.laio.abi.MsgFlags.MSG_OOB;
import static io.laio.abi.MsgFlags.MSG_PEEK;
import static io.laio.abi.OpenFlags.O_CLOEXEC;
import static io.laio.abi.OpenFlags.O_CREAT;
import static io.laio.abi.OpenFlags.O_NOFOLLOW;
import static io.laio.abi.OpenFlags.O_NONBLOCK;
import static io.laio.abi.OpenFlags.O_PATH;
import static io.laio.abi.OpenFlags.O_TMPFILE;
import static io.laio.abi.OpenFlags.O_TRUNC;
import static io.laio.abi.RwfFlags.RWF_NOWAIT;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import io.laio.abi.CachestatLayout;
import io.laio.abi.IovecLayout;
import io.laio.abi.OpenHowLayout;
import io.laio.abi.PollfdLayout;
import io.laio.abi.SeekWhence;
import io.laio.abi.StatxLayout;
import io.laio.internal.Iovecs;
import io.laio.internal.Scratch;
import io.laio.internal.Syscalls;
import io.laio.internal.ThreadState;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.sockets.Ppoll;
import io.laio.internal.sockets.SocketWaiter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The LAZY policy's first step: run the call in a form the kernel promises not to block, and
 * say "would block" ({@link ProbeOutcome}) when it would have; {@link RouteTable} says which probe a call gets and where it goes when it would block. The probes (each answers "would block" rather
 * than fail when the kernel, the filesystem or a container refuses it):
 * <ul>
 *   <li>{@code read}, {@code pread64}, {@code readv}, {@code preadv} → {@code preadv2(RWF_NOWAIT)}
 *       (files from the page cache, pipes and sockets with data). A short result on a regular
 *       file before its end means part of the range is not cached: the rest continues in the
 *       background and the completion reports the total (never a false end-of-file). Disabled
 *       on kernels 5.9 and 5.10, whose RWF_NOWAIT reads could come back short for no reason.
 *       Where the file system refuses RWF_NOWAIT ({@code EOPNOTSUPP}: FUSE, NFS, tmpfs on 6.x
 *       kernels) → {@code cachestat} on the range, at most {@link #RESIDENCY_BOUND} of it: all
 *       resident, the plain read runs inline; else background (docs/probes.md lists which file
 *       system gets which probe).</li>
 *   <li>{@code write}, {@code pwrite64} → {@code pwritev2(RWF_NOWAIT)} (pipes, sockets; a short
 *       write continues in the background until all N bytes are written).</li>
 *   <li>{@code open}, {@code openat}, {@code openat2} → {@code openat2(RESOLVE_CACHED)} (with the
 *       caller's own resolve flags for openat2); with {@code O_CREAT},
 *       {@code O_TRUNC} or {@code O_TMPFILE} always background (they write).</li>
 *   <li>{@code stat}, {@code lstat}, {@code newfstatat} → {@code openat2(O_PATH|RESOLVE_CACHED)},
 *       {@code fstat}, {@code close}; {@code statx} on a path → the same, then
 *       {@code statx(AT_EMPTY_PATH)}.</li>
 *   <li>{@code recvfrom}, {@code sendto} → {@code MSG_DONTWAIT}; {@code accept}/{@code accept4}
 *       → {@code ppoll} (zero timeout) first; {@code connect} and {@code sendfile} on a non-blocking socket
 *       (sendfile only when {@code cachestat} says the range, up to 1 MiB of it, is cached). What
 *       would block on a socket then waits on the {@link SocketWaiter}, not on a helper.</li>
 *   <li>A file cachestat refuses to this caller ({@code EPERM}: it neither owns the file nor may
 *       write it, as a server running as its own user serving root's files) is marked in
 *       {@link ProbeHistory} and not asked again until laio closes its number. A {@code sendfile}
 *       from it is probed with {@code preadv2(RWF_NOWAIT)} of its range instead, at most
 *       {@link #COPY_PROBE_BOUND} of it, into per-thread scratch memory that is thrown away
 *       ({@link #sendfileNowait}): all there, the sendfile runs inline (the first
 *       {@link #COPY_PROBE_BOUND} of a longer one, its rest on a helper); else a helper, as
 *       before. Its reads need nothing new: RWF_NOWAIT <em>is</em> their probe where the file
 *       system takes it, and where it does not (tmpfs, FUSE) nothing tells: {@code mincore}
 *       answers "all resident" to such a caller whatever the page cache holds (the same
 *       side-channel rule, answered with a lie instead of EPERM; seen on 6.18), so it is not
 *       used.</li>
 *   <li>A descriptor whose RWF_NOWAIT probes keep missing is not probed every time; one whose
 *       file system refuses RWF_NOWAIT is probed with cachestat from then on ({@link ProbeHistory}).</li>
 *   <li>{@link RouteTable#NEVER_BLOCKS calls that never block} → inline, with a critical downcall.</li>
 *   <li>everything else ({@code fsync}, {@code fdatasync}, {@code getdents64}, {@code nanosleep},
 *       unknown numbers) → background.</li>
 * </ul>
 * When the rest of a call that already moved bytes cannot be started (the background is full),
 * {@link Laio} returns those bytes as a short count. An error other than "would block" or
 * "unsupported" is the call's real answer (a cached
 * negative lookup's {@code ENOENT}, {@code EBADF}) and is returned inline.
 */
public final class LazyProbe {
    private static final long WOULD_BLOCK = ProbeOutcome.WOULD_BLOCK;

    private static final long F_GETFL = 3;
    /** cachestat is not free (~4 µs per MiB here): look at most this far ahead. */
    public static final long RESIDENCY_BOUND = 1 << 20;
    private static final long IOV_MAX = 1024;
    /**
     * cachestat answered ENOSYS: the kernel (or a seccomp filter) has none for anyone. EPERM does
     * not set it: since the page-cache side-channel fix (as mincore's) the kernel refuses
     * cachestat per file, to a caller who neither owns the file nor may write it (a server
     * running as its own user serving root's files), so one such file says nothing of the others.
     */
    private static boolean cachestatMissing;
    private static final long PAGE = Syscalls.PAGE_SIZE;
    /**
     * The most of a {@code sendfile} range one {@code RWF_NOWAIT} read may look at where cachestat
     * is refused: unlike cachestat the probe copies the bytes (into scratch memory), ~0.05 µs per
     * KiB here — 64 KiB took 3.4 µs, 1 MiB 44 µs, more than the helper hand-off it saves
     * (C, ext4, best of 200).
     */
    public static final long COPY_PROBE_BOUND = (long) Scratch.SINK * Scratch.SINK_IOVECS;
    /** {@link #resident}: cachestat refused this file to the caller ({@code EPERM}). */
    private static final int REFUSED = -2;

    static final boolean NOWAIT_READS_TRUSTED = !buggyNowaitKernel(System.getProperty("os.version", ""));

    private final CallCounters counters;
    public final ProbeHistory history = new ProbeHistory();
    /** How many times cachestat answered EPERM ({@link #cachestatRefusals}). */
    private final AtomicLong refusals = new AtomicLong();

    LazyProbe(CallCounters counters) {
        this.counters = counters;
    }

    /**
     * How many times cachestat answered {@code EPERM} to this Laio's probes: once per file it
     * refuses, as {@link ProbeHistory} keeps it from being asked again until the number is
     * closed through laio (numbers beyond {@link ProbeHistory#LIMIT} aside: they are never marked).
     * Tests and diagnostics.
     */
    public long cachestatRefusals() {
        return refusals.get();
    }

    public static boolean buggyNowaitKernel(String release) {
        return release.startsWith("5.9.") || release.equals("5.9") || release.startsWith("5.10.") || release.equals("5.10");
    }

    /**
     * read/pread: RWF_NOWAIT, or cachestat where the file system refuses RWF_NOWAIT
     * ({@link ProbeHistory}); the first refusal is answered by cachestat in the same call.
     */
    long nowaitRead(ThreadState ts, int slot, long fd, long buf, long count, long offset) {
        if (!NOWAIT_READS_TRUSTED) {
            return WOULD_BLOCK;
        }
        long ticket = history.readProbe(fd);
        int how = ProbeHistory.how(ticket);
        if (how != ProbeHistory.NOWAIT) {
            if (how == ProbeHistory.SKIP) {
                return WOULD_BLOCK;
            }
            long outcome = residentRead(ts, slot, fd, ticket, buf, count, offset, how == ProbeHistory.CACHESTAT_GUESS);
            if (outcome != GUESS_WRONG && outcome != GUESS_WRONG_REFUSED) {
                return outcome;
            }
            ticket = afterGuess(ticket, outcome);
        }
        MemorySegment iov = ts.scratch.iov;
        IovecLayout.set(iov, buf, count);
        long r = Syscalls.call(ts.capture, Sys.SYS_preadv2, fd, iov.address(), 1, offset, 0, RWF_NOWAIT);
        long outcome = nowaitAnswer(ts, slot, fd, ticket, r, r > 0 && r < count, offset);
        return outcome == NOWAIT_REFUSED ? residentRead(ts, slot, fd, ticket, buf, count, offset, false) : outcome;
    }

    /**
     * readv/preadv as one RWF_NOWAIT preadv2. A short answer on a regular file before its end
     * means the page cache held only the first part: like {@link #nowaitRead}, the rest continues
     * in the background, on a copy of the iovecs moved past what was read (the route's
     * {@link RouteTable#REST_OF_IOVECS}), and the completion reports the total. Where RWF_NOWAIT
     * is refused, cachestat decides.
     */
    long nowaitVector(ThreadState ts, int slot, long fd, long iov, long iovcnt, long offset) {
        if (!NOWAIT_READS_TRUSTED) {
            return WOULD_BLOCK;
        }
        long ticket = history.readProbe(fd);
        int how = ProbeHistory.how(ticket);
        if (how != ProbeHistory.NOWAIT) {
            if (how == ProbeHistory.SKIP) {
                return WOULD_BLOCK;
            }
            long outcome = residentVector(ts, slot, fd, ticket, iov, iovcnt, offset, how == ProbeHistory.CACHESTAT_GUESS);
            if (outcome != GUESS_WRONG && outcome != GUESS_WRONG_REFUSED) {
                return outcome;
            }
            ticket = afterGuess(ticket, outcome);
        }
        long r = Syscalls.call(ts.capture, Sys.SYS_preadv2, fd, iov, iovcnt, offset, 0, RWF_NOWAIT);
        boolean shortRead = r > 0 && r < IovecLayout.total(Iovecs.array(iov, iovcnt), iovcnt);
        long outcome = nowaitAnswer(ts, slot, fd, ticket, r, shortRead, offset);
        return outcome == NOWAIT_REFUSED ? residentVector(ts, slot, fd, ticket, iov, iovcnt, offset, false) : outcome;
    }

    /** {@link #nowaitAnswer}: the file system refused RWF_NOWAIT; cachestat answers in its place. */
    private static final long NOWAIT_REFUSED = -2;
    /**
     * {@link #residentRead}, {@link #residentVector}: the number's {@link ProbeHistory#CACHESTAT_GUESS}
     * was wrong (it names no file cachestat speaks for); nothing ran, RWF_NOWAIT probes it instead.
     */
    private static final long GUESS_WRONG = -3;
    /** {@link #GUESS_WRONG}, found by a cachestat that refused the file ({@code EPERM}): the RWF_NOWAIT probe after it must not ask again. */
    private static final long GUESS_WRONG_REFUSED = -4;

    /** The ticket a read probes RWF_NOWAIT with after its guess was dropped: with the refusal the guess's cachestat met, if it met one. */
    private static long afterGuess(long ticket, long outcome) {
        return outcome == GUESS_WRONG_REFUSED ? ProbeHistory.withCachestatRefused(ticket) : ticket;
    }

    /**
     * What an RWF_NOWAIT read's return {@code r} means: a hit; a short read before the end of a
     * regular file (only part of the range is cached: the rest continues in the background, on
     * the route's rest of the buffer or iovecs, and the completion reports the total, never a
     * false end-of-file); {@link #NOWAIT_REFUSED}; or a failure, which teaches the history.
     */
    private long nowaitAnswer(ThreadState ts, int slot, long fd, long ticket, long r, boolean shortRead, long offset) {
        if (r >= 0) {
            if (shortRead && moreInFile(ts, fd, offset < 0 ? -1 : offset + r)) {
                counters.probeWouldBlock.incrementAndGet(slot);
                history.miss(fd, ticket);
                return ProbeOutcome.partial(r);
            }
            counters.probeHit.incrementAndGet(slot);
            history.hit(fd, ticket);
            ts.errno = 0;
            return r;
        }
        if (Syscalls.errno(ts.capture) == Errno.EOPNOTSUPP) {
            counters.probeUnsupported.incrementAndGet(slot);
            history.nowaitRefused(fd, ticket);
            return NOWAIT_REFUSED;
        }
        return rememberRead(fd, ticket, failure(ts, slot), ts);
    }

    /**
     * A read on a file system that refuses RWF_NOWAIT: when {@code cachestat} finds every page
     * of the range that holds file data in the page cache, the plain read runs inline (it finds
     * them there); otherwise it goes to the background. cachestat costs 1–4 µs (a 1 MiB range
     * ~4 µs, docs/design/costs.md), so it looks at most {@link #RESIDENCY_BOUND} ahead: a longer read runs
     * that much inline and continues like a short RWF_NOWAIT read. A page evicted between the
     * two calls makes the inline read wait for it: the probe is a hint there, as everywhere.
     */
    private long residentRead(ThreadState ts, int slot, long fd, long ticket, long buf, long count, long offset,
            boolean guess) {
        if (ProbeHistory.cachestatRefused(ticket)) {
            return unprobeable(slot, fd, ticket, guess); // cachestat refused this file: RWF_NOWAIT is all there is
        }
        long pos = offset >= 0 ? offset : Syscalls.fast(ts.capture, Sys.SYS_lseek, fd, 0, SeekWhence.SEEK_CUR);
        if (pos < 0) {
            return unprobeable(slot, fd, ticket, guess); // no position: not a file cachestat can speak for
        }
        long len = Math.min(count, RESIDENCY_BOUND);
        int resident = resident(ts, fd, pos, len);
        if (resident != 1) {
            return resident == 0 ? residentMiss(slot) : cannotTell(ts, slot, fd, ticket, guess, resident);
        }
        MemorySegment iov = ts.scratch.iov;
        IovecLayout.set(iov, buf, len);
        long r = Syscalls.call(ts.capture, Sys.SYS_preadv2, fd, iov.address(), 1, offset, 0, 0);
        if (r < 0) {
            return failure(ts, slot);
        }
        counters.probeHit.incrementAndGet(slot);
        if (r == len && len < count) {
            return ProbeOutcome.partial(r); // the rest, beyond what cachestat looked at, continues in the background
        }
        ts.errno = 0;
        return r;
    }

    /** readv/preadv where RWF_NOWAIT is refused: inline when cachestat finds the whole range cached (and it is bounded). */
    private long residentVector(ThreadState ts, int slot, long fd, long ticket, long iov, long iovcnt, long offset,
            boolean guess) {
        if (iovcnt <= 0 || iovcnt > IOV_MAX) {
            return WOULD_BLOCK; // the plain call in the background gives the kernel's answer
        }
        if (ProbeHistory.cachestatRefused(ticket)) {
            return unprobeable(slot, fd, ticket, guess);
        }
        long total = IovecLayout.total(Iovecs.array(iov, iovcnt), iovcnt);
        if (total > RESIDENCY_BOUND) {
            return residentMiss(slot);
        }
        long pos = offset >= 0 ? offset : Syscalls.fast(ts.capture, Sys.SYS_lseek, fd, 0, SeekWhence.SEEK_CUR);
        if (pos < 0) {
            return unprobeable(slot, fd, ticket, guess);
        }
        int resident = resident(ts, fd, pos, total);
        if (resident != 1) {
            return resident == 0 ? residentMiss(slot) : cannotTell(ts, slot, fd, ticket, guess, resident);
        }
        long r = Syscalls.call(ts.capture, Sys.SYS_preadv2, fd, iov, iovcnt, offset, 0, 0);
        if (r < 0) {
            return failure(ts, slot);
        }
        counters.probeHit.incrementAndGet(slot);
        ts.errno = 0;
        return r;
    }

    private long residentMiss(int slot) {
        counters.probeWouldBlock.incrementAndGet(slot); // a cachestat miss starts no I/O: keep asking
        return WOULD_BLOCK;
    }

    /**
     * cachestat could not tell ({@code resident}: -1, or {@link #REFUSED}) for a read of
     * {@code fd}: as {@link #unprobeable}, and a refusal is remembered so that no probe of the
     * number asks cachestat again ({@link #GUESS_WRONG_REFUSED} after a guess).
     */
    private long cannotTell(ThreadState ts, int slot, long fd, long ticket, boolean guess, int resident) {
        long outcome = unprobeable(slot, fd, ticket, guess);
        if (resident == REFUSED && refused(ts, fd, ticket)) {
            return outcome == GUESS_WRONG ? GUESS_WRONG_REFUSED : outcome;
        }
        return outcome;
    }

    /**
     * cachestat refused {@code fd} (ticket {@code ticket}): counted, and marked in the history
     * when {@code fd} is a regular file — the one kind {@link #sendfileNowait} may read without
     * consuming anything. Whether it was marked.
     */
    private boolean refused(ThreadState ts, long fd, long ticket) {
        refusals.incrementAndGet();
        if (fileType(ts, fd) != StatxLayout.S_IFREG) {
            return false;
        }
        history.cachestatRefused(fd, ticket);
        return true;
    }

    /** cachestat cannot speak for {@code fd}: after a guess, RWF_NOWAIT probes it ({@link #GUESS_WRONG}); else no probe works. */
    private long unprobeable(int slot, long fd, long ticket, boolean guess) {
        if (guess) {
            history.guessWrong(fd, ticket);
            return GUESS_WRONG;
        }
        counters.probeUnsupported.incrementAndGet(slot);
        history.unprobeable(fd, ticket);
        return WOULD_BLOCK;
    }

    /**
     * Whether every page of {@code [off, off + len)} that holds file data is in the page cache:
     * 1 yes, 0 no, -1 cachestat cannot tell ({@code ENOSYS} before Linux 6.5 or under a seccomp
     * filter; {@code EOPNOTSUPP} on hugetlbfs; not a regular file), {@link #REFUSED} it will not
     * tell this caller ({@code EPERM}: a file the caller neither owns nor may write). Pages past
     * the end of the file hold none, so when cachestat alone says no, the size decides — from the
     * attributes the kernel already has ({@code AT_STATX_DONT_SYNC}: a FUSE or NFS file is not
     * revalidated with its server).
     */
    private static int resident(ThreadState ts, long fd, long off, long len) {
        if (len == 0) {
            return 1; // and cachestat would read a zero length as "to the end of the file"
        }
        if (cachestatMissing) {
            return -1;
        }
        MemorySegment range = ts.scratch.cachestatRange;
        MemorySegment stat = ts.scratch.cachestat;
        CachestatLayout.range(range, off, len);
        if (Syscalls.call(ts.capture, Sys.SYS_cachestat, fd, range.address(), stat.address(), 0) != 0) {
            int err = Syscalls.errno(ts.capture);
            if (err == Errno.ENOSYS) {
                cachestatMissing = true; // the kernel's answer for every descriptor: stop asking
            }
            return err == Errno.EPERM ? REFUSED : -1;
        }
        long cached = CachestatLayout.cachedPages(stat);
        if (cached >= pagesOf(off, len)) {
            return 1;
        }
        long size = cachedSize(ts, fd);
        if (size < 0) {
            return -1; // not a regular file (a character device, say): the page cache does not speak for it
        }
        if (off + len <= size) {
            return 0;
        }
        return cached >= (off >= size ? 0 : pagesOf(off, size - off)) ? 1 : 0;
    }

    /** The size of regular file {@code fd} from its cached attributes, or -1. */
    private static long cachedSize(ThreadState ts, long fd) {
        MemorySegment stx = ts.scratch.statx;
        long r = Syscalls.call(ts.capture, Sys.SYS_statx, fd, ts.scratch.emptyPath.address(),
                AT_EMPTY_PATH | AT_STATX_DONT_SYNC, StatxLayout.STATX_TYPE | StatxLayout.STATX_SIZE, stx.address());
        return r != 0 || (StatxLayout.mode(stx) & StatxLayout.S_IFMT) != StatxLayout.S_IFREG ? -1 : StatxLayout.size(stx);
    }

    long nowaitWrite(ThreadState ts, int slot, long fd, long buf, long count, long offset) {
        long ticket = history.writeProbe(fd);
        if (ProbeHistory.how(ticket) == ProbeHistory.SKIP) {
            return WOULD_BLOCK;
        }
        MemorySegment iov = ts.scratch.iov;
        IovecLayout.set(iov, buf, count);
        long r = Syscalls.call(ts.capture, Sys.SYS_pwritev2, fd, iov.address(), 1, offset, 0, RWF_NOWAIT);
        if (r >= 0) {
            if (r < count && r > 0) {
                counters.probeWouldBlock.incrementAndGet(slot);
                return ProbeOutcome.partial(r); // a write of N bytes completes at N bytes: the rest goes on in the background
            }
            counters.probeHit.incrementAndGet(slot);
            history.hit(fd, ticket);
            ts.errno = 0;
            return r;
        }
        long outcome = failure(ts, slot);
        if (outcome == WOULD_BLOCK) {
            if (Syscalls.errno(ts.capture) == Errno.EAGAIN) {
                history.miss(fd, ticket);
            } else {
                history.writesRefused(fd, ticket); // a buffered ext4 write, say: reads of it keep their probe
            }
        }
        return outcome;
    }

    /**
     * openat2 with the caller's own {@code open_how}, plus {@code RESOLVE_CACHED}: the caller's
     * resolve flags ({@code RESOLVE_BENEATH} and the like) hold as they would in the plain call.
     */
    @SuppressWarnings("restricted") // reads the caller's open_how through the pointer it passed
    long openat2Cached(ThreadState ts, int slot, long dirfd, long path, long howPtr, long size) {
        if (size != OpenHowLayout.SIZE || howPtr == 0) {
            return WOULD_BLOCK; // a larger (future) struct: the plain call decides
        }
        MemorySegment theirs = MemorySegment.ofAddress(howPtr).reinterpret(OpenHowLayout.SIZE);
        return openCached(ts, slot, dirfd, path, OpenHowLayout.flags(theirs), OpenHowLayout.mode(theirs),
                OpenHowLayout.resolve(theirs));
    }

    /** openat2 that fails with EAGAIN rather than wait for a lookup's I/O; never for creating or truncating opens. */
    long openCached(ThreadState ts, int slot, long dirfd, long path, long flags, long mode, long resolve) {
        if ((flags & (O_CREAT | O_TRUNC)) != 0 || (flags & O_TMPFILE) == O_TMPFILE) {
            return WOULD_BLOCK;
        }
        MemorySegment how = ts.scratch.how;
        OpenHowLayout.set(how, flags, mode, resolve | OpenHowLayout.RESOLVE_CACHED);
        long r = Syscalls.call(ts.capture, Sys.SYS_openat2, dirfd, path, how.address(), OpenHowLayout.SIZE);
        if (r >= 0) {
            counters.probeHit.incrementAndGet(slot);
            ts.errno = 0;
            return r;
        }
        return failure(ts, slot);
    }

    long statCached(ThreadState ts, int slot, long dirfd, long path, long statbuf, long atFlags) {
        return onCachedPath(ts, slot, dirfd, path, atFlags, Sys.SYS_fstat, statbuf, 0);
    }

    /** statx on a path: resolve it from the dentry cache only, then statx the O_PATH descriptor. */
    long statxCached(ThreadState ts, int slot, long dirfd, long path, long atFlags, long mask, long buf) {
        return onCachedPath(ts, slot, dirfd, path, atFlags, Sys.SYS_statx, buf, mask);
    }

    /**
     * Opens {@code path} with {@code O_PATH|RESOLVE_CACHED} (EAGAIN, so background, if any part
     * of the lookup needs I/O), runs {@code fstat} or {@code statx(AT_EMPTY_PATH)} on the
     * descriptor, and closes it: a stat that cannot block.
     */
    private long onCachedPath(ThreadState ts, int slot, long dirfd, long path, long atFlags, long statCall, long buf,
            long mask) {
        MemorySegment how = ts.scratch.how;
        long flags = O_PATH | O_CLOEXEC | ((atFlags & AT_SYMLINK_NOFOLLOW) != 0 ? O_NOFOLLOW : 0);
        OpenHowLayout.set(how, flags, 0, OpenHowLayout.RESOLVE_CACHED);
        long fd = Syscalls.call(ts.capture, Sys.SYS_openat2, dirfd, path, how.address(), OpenHowLayout.SIZE);
        if (fd < 0) {
            return failure(ts, slot);
        }
        try {
            long r;
            if (statCall == Sys.SYS_fstat) {
                r = Syscalls.call(ts.capture, Sys.SYS_fstat, fd, buf);
            } else {
                        r = Syscalls.call(ts.capture, Sys.SYS_statx, fd, ts.scratch.emptyPath.address(),
                        AT_EMPTY_PATH | (atFlags & ~AT_SYMLINK_NOFOLLOW), mask, buf);
            }
            ts.errno = r == -1 ? Syscalls.errno(ts.capture) : 0;
            counters.probeHit.incrementAndGet(slot);
            return r;
        } finally {
            int saved = ts.errno;
            Syscalls.fast(ts.capture, Sys.SYS_close, fd);
            ts.errno = saved;
        }
    }

    long recvNonblocking(ThreadState ts, int slot, long fd, long buf, long len, long flags, long addr, long addrlen) {
        long r = Syscalls.call(ts.capture, Sys.SYS_recvfrom, fd, buf, len, flags | MSG_DONTWAIT, addr, addrlen);
        if (r >= 0) {
            counters.probeHit.incrementAndGet(slot);
            ts.errno = 0;
            return r;
        }
        return failure(ts, slot);
    }

    /**
     * Consumer thread ({@link Router} decides): what a receive of {@code fd} that returned {@code r}
     * of the {@code len} bytes asked says of the socket's queue. Fewer than asked but more than
     * none, on a stream socket, without {@code MSG_PEEK} (which leaves the bytes queued) or
     * {@code MSG_OOB}: the queue was empty when the call returned, and the next receive skips its
     * probe ({@link ProbeHistory#takeDrained}). A full buffer (more may be queued), end of file,
     * an error or a datagram socket (a short datagram says nothing of the next one) clear the
     * mark. Whether {@code fd} is a stream socket is asked once per number ({@code SO_TYPE}) and
     * remembered until laio closes it.
     *
     * @param ts     the calling thread's state, or null to look it up (only needed for that one question)
     * @param mayAsk whether to ask {@code SO_TYPE} of a number not known yet (else: not a stream socket)
     */
    void received(ThreadState ts, long fd, long flags, long r, long len, boolean mayAsk) {
        boolean drained = r > 0 && r < len && (flags & (MSG_PEEK | MSG_OOB)) == 0 && history.inTable(fd)
                && (mayAsk ? streamSocket(ts, fd) : history.socketKind(fd) == ProbeHistory.STREAM);
        history.drained(fd, drained);
    }

    /**
     * Consumer thread: {@code fd} was just accepted from {@code listener}, so it is a socket of the
     * listener's type, which is asked once per listening number instead of once per connection.
     */
    void accepted(ThreadState ts, long fd, long listener) {
        if (history.inTable(fd) && history.inTable(listener)) {
            history.socketKind(fd, streamSocket(ts, listener));
        }
    }

    /** Consumer thread: {@code fd} was just made by {@code socket(domain, type, protocol)}. */
    void madeSocket(long fd, long type) {
        history.socketKind(fd, (type & SOCK_TYPE_MASK) == SOCK_STREAM);
    }

    /** The bits of {@code socket(2)}'s type that are the type (the others are flags: NONBLOCK, CLOEXEC). */
    private static final long SOCK_TYPE_MASK = 0xf;
    private static final long SOL_SOCKET = 1;
    private static final long SO_TYPE = 3;
    private static final int SOCK_STREAM = 1;

    /** Whether {@code fd} is a stream socket: remembered, or asked with {@code getsockopt(SO_TYPE)} (not a socket: no). */
    private boolean streamSocket(ThreadState ts, long fd) {
        int kind = history.socketKind(fd);
        if (kind != 0) {
            return kind == ProbeHistory.STREAM;
        }
        ThreadState t = ts != null ? ts : ThreadState.current();
        MemorySegment opt = t.scratch.sockopt;
        MemorySegment optlen = t.scratch.socklen;
        optlen.set(ValueLayout.JAVA_INT, 0, 4);
        long r = Syscalls.call(t.capture, Sys.SYS_getsockopt, fd, SOL_SOCKET, SO_TYPE, opt.address(), optlen.address());
        boolean stream = r == 0 && opt.get(ValueLayout.JAVA_INT, 0) == SOCK_STREAM; // ENOTSOCK (a pipe's read): no
        history.socketKind(fd, stream);
        return stream;
    }

    long sendNonblocking(ThreadState ts, int slot, long fd, long buf, long len, long flags, long addr, long addrlen) {
        long r = Syscalls.call(ts.capture, Sys.SYS_sendto, fd, buf, len, flags | MSG_DONTWAIT | MSG_NOSIGNAL, addr, addrlen);
        if (r >= 0) {
            if (r < len && r > 0) {
                counters.probeWouldBlock.incrementAndGet(slot);
                return ProbeOutcome.partial(r);
            }
            counters.probeHit.incrementAndGet(slot);
            ts.errno = 0;
            return r;
        }
        return failure(ts, slot);
    }

    /**
     * sendfile to a non-blocking socket from a file whose range is in the page cache
     * ({@code cachestat}) runs inline; what the socket cannot take yet continues on the socket
     * waiter. A file cachestat refuses to the caller is marked ({@link ProbeHistory}) and probed
     * with RWF_NOWAIT from then on ({@link #sendfileNowait}), the first time in the same call. A
     * blocking socket, an uncached range or a kernel without cachestat: background.
     */
    @SuppressWarnings("restricted") // reads the caller's off_t through the pointer it passed
    long sendfileCached(ThreadState ts, int slot, long outFd, long inFd, long offsetPtr, long count) {
        if (!isNonBlocking(ts, outFd)) {
            return WOULD_BLOCK;
        }
        long off = offsetPtr != 0 ? MemorySegment.ofAddress(offsetPtr).reinterpret(8).get(ValueLayout.JAVA_LONG, 0)
                : Syscalls.fast(ts.capture, Sys.SYS_lseek, inFd, 0, SeekWhence.SEEK_CUR);
        if (off < 0) {
            return ProbeOutcome.fileMiss();
        }
        long ticket = history.ticket(inFd);
        if (!ProbeHistory.cachestatRefused(ticket)) {
            int resident = resident(ts, inFd, off, Math.min(count, RESIDENCY_BOUND));
            if (resident == 1) {
                return sendfileInline(ts, slot, outFd, inFd, offsetPtr, count, count);
            }
            (resident == 0 ? counters.probeWouldBlock : counters.probeUnsupported).incrementAndGet(slot);
            if (resident != REFUSED || !refused(ts, inFd, ticket)) {
                // the disk, not the socket, is what it would wait for (or cachestat cannot tell,
                // ENOSYS before 6.5): a helper, not the socket waiter
                return ProbeOutcome.fileMiss();
            }
        }
        return sendfileNowait(ts, slot, outFd, inFd, offsetPtr, off, count);
    }

    /**
     * sendfile from a regular file cachestat refuses to the caller: {@code preadv2(RWF_NOWAIT)}
     * of the range, at most {@link #COPY_PROBE_BOUND} of it, into the thread's scratch
     * ({@link io.laio.internal.Scratch#sinkIovecs}: the bytes are thrown away, nothing is
     * allocated) says whether it is cached, as a read's probe would. All of it (or all up to the
     * end of the file): the sendfile runs inline, a longer one for its first
     * {@link #COPY_PROBE_BOUND} only, its rest on a helper (it was not looked at). A miss goes to
     * a helper and teaches the history as a read's miss does (after
     * {@value ProbeHistory#MISSES_BEFORE_SKIP} in a row, only every
     * {@value ProbeHistory#REPROBE_EVERY}th sendfile probes: a miss starts readahead, ~35–43 µs);
     * a file system that refuses RWF_NOWAIT as well (tmpfs, FUSE) leaves no probe, and its number
     * goes to a helper without one until laio closes it. The probe reads at an explicit offset:
     * it moves no file position, and a descriptor without one (a pipe) answers ESPIPE.
     */
    private long sendfileNowait(ThreadState ts, int slot, long outFd, long inFd, long offsetPtr, long off, long count) {
        long ticket = history.readProbe(inFd);
        int how = ProbeHistory.how(ticket);
        if (how == ProbeHistory.CACHESTAT_GUESS) {
            history.guessWrong(inFd, ticket); // only RWF_NOWAIT can tell here: try it, as a wrong guess's read does
        } else if (how != ProbeHistory.NOWAIT) {
            if (how == ProbeHistory.CACHESTAT) {
                counters.probeUnsupported.incrementAndGet(slot);
                history.unprobeable(inFd, ticket); // RWF_NOWAIT refused too: no probe left
            }
            return ProbeOutcome.fileMiss();
        }
        long len = Math.min(count, COPY_PROBE_BOUND);
        if (len <= 0) {
            return sendfileInline(ts, slot, outFd, inFd, offsetPtr, count, count); // the kernel's answer to a zero count
        }
        MemorySegment iovs = ts.scratch.sinkIovecs;
        int n = (int) ((len + Scratch.SINK - 1) / Scratch.SINK);
        long last = (n - 1) * IovecLayout.SIZE;
        IovecLayout.setLen(iovs, last, len - (long) (n - 1) * Scratch.SINK);
        long r = Syscalls.call(ts.capture, Sys.SYS_preadv2, inFd, iovs.address(), n, off, 0, RWF_NOWAIT);
        IovecLayout.setLen(iovs, last, Scratch.SINK);
        if (r == len || (r >= 0 && !moreInFile(ts, inFd, off + r))) {
            history.hit(inFd, ticket);
            return sendfileInline(ts, slot, outFd, inFd, offsetPtr, r == len ? len : count, count);
        }
        int err = r >= 0 ? Errno.EAGAIN : Syscalls.errno(ts.capture); // short before the end: a page not cached
        if (err == Errno.EAGAIN) {
            counters.probeWouldBlock.incrementAndGet(slot);
            history.miss(inFd, ticket);
        } else {
            counters.probeUnsupported.incrementAndGet(slot);
            if (err == Errno.EOPNOTSUPP) {
                history.unprobeable(inFd, ticket); // cachestat refused, and RWF_NOWAIT too
            }
        }
        return ProbeOutcome.fileMiss(); // the helper's plain sendfile gives the kernel's answer to any error
    }

    /**
     * sendfile of {@code n} of the {@code count} bytes asked, inline: {@code n} were found cached.
     * The socket full before {@code n}: the rest goes on when it drains (on the socket waiter),
     * unless part of it was not looked at ({@code n < count}), which goes to a helper, as does
     * the rest after {@code n}.
     */
    private long sendfileInline(ThreadState ts, int slot, long outFd, long inFd, long offsetPtr, long n, long count) {
        long sent = Syscalls.call(ts.capture, Sys.SYS_sendfile, outFd, inFd, offsetPtr, n);
        if (sent >= 0) {
            counters.probeHit.incrementAndGet(slot);
            if (sent < count && sent > 0) {
                return n < count ? ProbeOutcome.fileMiss(sent) : ProbeOutcome.partial(sent);
            }
            ts.errno = 0;
            return sent;
        }
        return failure(ts, slot);
    }

    /** connect on a non-blocking socket: the kernel's own EINPROGRESS becomes a wait on the waiter. */
    long connectNonblocking(ThreadState ts, int slot, long fd, long addr, long len) {
        if (!isNonBlocking(ts, fd)) {
            return WOULD_BLOCK;
        }
        long r = Syscalls.call(ts.capture, Sys.SYS_connect, fd, addr, len);
        if (r == 0) {
            counters.probeHit.incrementAndGet(slot);
            ts.errno = 0;
            return 0;
        }
        if (Syscalls.errno(ts.capture) == Errno.EINPROGRESS) {
            counters.probeWouldBlock.incrementAndGet(slot);
            return WOULD_BLOCK; // the connect is under way: the waiter reports its outcome
        }
        return failure(ts, slot);
    }

    static boolean isNonBlocking(ThreadState ts, long fd) {
        long fl = Syscalls.fast(ts.capture, Sys.SYS_fcntl, fd, F_GETFL);
        return fl >= 0 && (fl & O_NONBLOCK) != 0;
    }

    /** accept has no non-blocking flag for the listener: accept only what ppoll(0) says is there (-1: accept reports it). */
    long acceptReady(ThreadState ts, int slot, long fd, long addr, long addrlen, long flags) {
        long n = Ppoll.one(ts.capture, ts.scratch, (int) fd, PollfdLayout.POLLIN, false);
        if (n == 0) {
            counters.probeWouldBlock.incrementAndGet(slot);
            return WOULD_BLOCK;
        }
        long r = Syscalls.call(ts.capture, Sys.SYS_accept4, fd, addr, addrlen, flags);
        if (r >= 0) {
            counters.probeHit.incrementAndGet(slot);
            ts.errno = 0;
            return r;
        }
        return failure(ts, slot);
    }

    /** The file type bits ({@code S_IFMT}) of {@code fd}, or -1; the size goes to the scratch statx. */
    static int fileType(ThreadState ts, long fd) {
        MemorySegment stx = ts.scratch.statx;
        long r = Syscalls.call(ts.capture, Sys.SYS_statx, fd, ts.scratch.emptyPath.address(), AT_EMPTY_PATH,
                StatxLayout.STATX_TYPE | StatxLayout.STATX_SIZE, stx.address());
        return r != 0 ? -1 : StatxLayout.mode(stx) & StatxLayout.S_IFMT;
    }

    /** Whether {@code fd} is a socket (checked only on the would-block path, where it decides the route). */
    static boolean isSocket(ThreadState ts, long fd) {
        return fileType(ts, fd) == StatxLayout.S_IFSOCK;
    }

    /** Pages that {@code [off, off + len)} touches. */
    static long pagesOf(long off, long len) {
        return (off + len + PAGE - 1) / PAGE - off / PAGE;
    }

    /** Whether {@code fd} is a regular file with bytes at or after {@code offset} (-1: its current position). */
    private static boolean moreInFile(ThreadState ts, long fd, long offset) {
        MemorySegment stx = ts.scratch.statx;
        if (fileType(ts, fd) != StatxLayout.S_IFREG) {
            return false; // not a file: a short read is just what was there
        }
        long pos = offset;
        if (pos < 0) {
            pos = Syscalls.fast(ts.capture, Sys.SYS_lseek, fd, 0, SeekWhence.SEEK_CUR);
            if (pos < 0) {
                return false;
            }
        }
        return pos < StatxLayout.size(stx);
    }

    /** A call on a descriptor, which cannot wait on anything: run it as is. */
    public static long plain(ThreadState ts, long nr, long a1, long a2, long a3, long a4, long a5) {
        long r = Syscalls.call(ts.capture, nr, a1, a2, a3, a4, a5);
        ts.errno = r == -1 ? Syscalls.errno(ts.capture) : 0;
        return r;
    }

    /** Teaches the history what a failed read probe of {@code fd} meant (EOPNOTSUPP is handled before). */
    private long rememberRead(long fd, long ticket, long outcome, ThreadState ts) {
        if (outcome == WOULD_BLOCK) {
            if (Syscalls.errno(ts.capture) == Errno.EAGAIN) {
                history.miss(fd, ticket);
            } else {
                history.unprobeable(fd, ticket);
            }
        }
        return outcome;
    }

    /** After a probe returned -1: would-block and unsupported go to the background; other errors are answers. */
    private long failure(ThreadState ts, int slot) {
        int err = Syscalls.errno(ts.capture);
        switch (err) {
            case Errno.EAGAIN -> {
                counters.probeWouldBlock.incrementAndGet(slot);
                return WOULD_BLOCK;
            }
            case Errno.EOPNOTSUPP, Errno.ENOSYS, Errno.EINVAL, Errno.E2BIG, Errno.EPERM -> {
                counters.probeUnsupported.incrementAndGet(slot);
                return WOULD_BLOCK; // the plain call in the background gives the real answer
            }
            default -> {
                counters.probeHit.incrementAndGet(slot);
                ts.errno = err;
                return -1;
            }
        }
    }
}
