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

package io.laio.uring;

import static io.laio.abi.AtFlags.AT_FDCWD;
import static io.laio.abi.AtFlags.AT_REMOVEDIR;

import io.laio.Sys;
import java.io.IOException;

/**
 * Which system calls have an io_uring opcode, and how each one's arguments fill an
 * {@code io_uring_sqe}: the one translation table from {@link Sys} numbers to submission
 * entries. Only what the kernel does the same way as the plain call is listed; what it does
 * differently stays with the helpers:
 * <ul>
 *   <li>{@code connect}: LAIO's probe has already started a non-blocking connect, which an
 *       {@code IORING_OP_CONNECT} after it would answer {@code EALREADY};</li>
 *   <li>{@code splice}: its offsets are pointers the plain call updates, the entry's are values;</li>
 *   <li>{@code sendmsg}: a short send of a message cannot be continued (its iovecs and control
 *       data together), and a socket write must complete in its entirety;</li>
 *   <li>{@code sendto}/{@code recvfrom} with an address: the entry has no room for it before 6.0;</li>
 *   <li>positional calls with a negative offset (the plain call's {@code EINVAL}, the entry's
 *       "current position"), lengths beyond {@code int}, and {@code shutdown} (it never blocks:
 *       inline is cheaper).</li>
 * </ul>
 * {@code close} has its entry ({@code IORING_OP_CLOSE}, 5.6), but only deferred calls and
 * batches use it ({@link UringCalls#defers}): a lazy close never blocks, so it stays inline. It
 * answers as the plain call does except on an io_uring's own descriptor, which the entry
 * refuses with {@code EBADF}.
 */
final class UringOps {
    static final int READV = 1;
    static final int WRITEV = 2;
    static final int FSYNC = 3;
    static final int RECVMSG = 10;
    static final int ACCEPT = 13;
    static final int FALLOCATE = 17;
    static final int OPENAT = 18;
    static final int CLOSE = 19;
    static final int STATX = 21;
    static final int READ = 22;
    static final int WRITE = 23;
    static final int FADVISE = 24;
    static final int SEND = 26;
    static final int RECV = 27;
    static final int OPENAT2 = 28;
    static final int RENAMEAT = 35;
    static final int UNLINKAT = 36;
    static final int MKDIRAT = 37;
    static final int SYMLINKAT = 38;
    static final int LINKAT = 39;
    static final int FTRUNCATE = 55;
    /** One past the highest opcode used here. */
    static final int LIMIT = 56;

    private static final int FSYNC_DATASYNC = 1;
    /**
     * Dropped from a socket call's flags: LAIO waits for a call that would block whatever the
     * caller's flags say (its probe adds the flag itself), while the kernel would answer EAGAIN
     * at once for an entry that carries it.
     */
    private static final int MSG_DONTWAIT = 0x40;
    private static final long CURRENT_POSITION = -1;

    private UringOps() {}

    /**
     * The opcode call {@code nr} with these arguments becomes, or -1 when it has none (or not
     * for these arguments). Whether the kernel has it is the caller's question.
     */
    static int opcode(long nr, long a1, long a2, long a3, long a4, long a5) {
        if (nr < 0 || nr > Integer.MAX_VALUE) {
            return -1;
        }
        return switch ((int) nr) {
            case (int) Sys.SYS_read -> fitsInt(a3) ? READ : -1;
            case (int) Sys.SYS_pread64 -> fitsInt(a3) && a4 >= 0 ? READ : -1;
            case (int) Sys.SYS_readv -> fitsInt(a3) ? READV : -1;
            case (int) Sys.SYS_preadv -> fitsInt(a3) && a4 >= 0 ? READV : -1;
            case (int) Sys.SYS_write -> fitsInt(a3) ? WRITE : -1;
            case (int) Sys.SYS_pwrite64 -> fitsInt(a3) && a4 >= 0 ? WRITE : -1;
            case (int) Sys.SYS_writev -> fitsInt(a3) ? WRITEV : -1;
            case (int) Sys.SYS_pwritev -> fitsInt(a3) && a4 >= 0 ? WRITEV : -1;
            case (int) Sys.SYS_open, (int) Sys.SYS_openat -> OPENAT;
            case (int) Sys.SYS_openat2 -> OPENAT2;
            case (int) Sys.SYS_statx -> STATX;
            case (int) Sys.SYS_fsync, (int) Sys.SYS_fdatasync -> FSYNC;
            case (int) Sys.SYS_fallocate -> FALLOCATE;
            case (int) Sys.SYS_rename, (int) Sys.SYS_renameat, (int) Sys.SYS_renameat2 -> RENAMEAT;
            case (int) Sys.SYS_unlink, (int) Sys.SYS_unlinkat, (int) Sys.SYS_rmdir -> UNLINKAT;
            case (int) Sys.SYS_mkdir, (int) Sys.SYS_mkdirat -> MKDIRAT;
            case (int) Sys.SYS_symlink, (int) Sys.SYS_symlinkat -> SYMLINKAT;
            case (int) Sys.SYS_link, (int) Sys.SYS_linkat -> LINKAT;
            case (int) Sys.SYS_accept, (int) Sys.SYS_accept4 -> ACCEPT;
            case (int) Sys.SYS_recvfrom -> fitsInt(a3) && a5 == 0 ? RECV : -1;
            case (int) Sys.SYS_sendto -> fitsInt(a3) && a5 == 0 ? SEND : -1;
            case (int) Sys.SYS_recvmsg -> RECVMSG;
            case (int) Sys.SYS_fadvise64 -> a3 >= 0 && a3 <= 0xFFFF_FFFFL ? FADVISE : -1;
            case (int) Sys.SYS_ftruncate -> FTRUNCATE;
            case (int) Sys.SYS_close -> CLOSE;
            default -> -1;
        };
    }

    /** Whether the opcode reads or writes at the file position when the call names no offset (needs IORING_FEAT_RW_CUR_POS). */
    static boolean usesPosition(long nr) {
        return nr == Sys.SYS_read || nr == Sys.SYS_write || nr == Sys.SYS_readv || nr == Sys.SYS_writev;
    }

    private static boolean fitsInt(long n) {
        return n >= 0 && n <= Integer.MAX_VALUE;
    }

    /** Queues call {@code nr} (whose {@link #opcode} is {@code op}) on {@code ring} with {@code userData}. */
    static void push(UringRing ring, int op, long nr, long a1, long a2, long a3, long a4, long a5, long userData)
            throws IOException {
        int fd = (int) a1;
        switch ((int) nr) {
            case (int) Sys.SYS_read, (int) Sys.SYS_write, (int) Sys.SYS_readv, (int) Sys.SYS_writev ->
                    ring.push(op, 0, fd, CURRENT_POSITION, a2, (int) a3, 0, userData);
            case (int) Sys.SYS_pread64, (int) Sys.SYS_pwrite64, (int) Sys.SYS_preadv, (int) Sys.SYS_pwritev ->
                    ring.push(op, 0, fd, a4, a2, (int) a3, 0, userData);
            case (int) Sys.SYS_open -> ring.push(op, 0, AT_FDCWD, 0, a1, (int) a3, (int) a2, userData);
            case (int) Sys.SYS_openat -> ring.push(op, 0, fd, 0, a2, (int) a4, (int) a3, userData);
            case (int) Sys.SYS_openat2 -> ring.push(op, 0, fd, a3 /* open_how */, a2, (int) a4, 0, userData);
            case (int) Sys.SYS_statx -> ring.push(op, 0, fd, a5 /* statxbuf */, a2, (int) a4 /* mask */, (int) a3, userData);
            case (int) Sys.SYS_fsync -> ring.push(op, 0, fd, 0, 0, 0, 0, userData);
            case (int) Sys.SYS_fdatasync -> ring.push(op, 0, fd, 0, 0, 0, FSYNC_DATASYNC, userData);
            case (int) Sys.SYS_fallocate -> ring.push(op, 0, fd, a3, a4 /* len */, (int) a2 /* mode */, 0, userData);
            case (int) Sys.SYS_rename -> ring.push(op, 0, AT_FDCWD, a2, a1, AT_FDCWD, 0, userData);
            case (int) Sys.SYS_renameat -> ring.push(op, 0, fd, a4, a2, (int) a3, 0, userData);
            case (int) Sys.SYS_renameat2 -> ring.push(op, 0, fd, a4, a2, (int) a3, (int) a5, userData);
            case (int) Sys.SYS_unlink -> ring.push(op, 0, AT_FDCWD, 0, a1, 0, 0, userData);
            case (int) Sys.SYS_rmdir -> ring.push(op, 0, AT_FDCWD, 0, a1, 0, AT_REMOVEDIR, userData);
            case (int) Sys.SYS_unlinkat -> ring.push(op, 0, fd, 0, a2, 0, (int) a3, userData);
            case (int) Sys.SYS_mkdir -> ring.push(op, 0, AT_FDCWD, 0, a1, (int) a2, 0, userData);
            case (int) Sys.SYS_mkdirat -> ring.push(op, 0, fd, 0, a2, (int) a3, 0, userData);
            case (int) Sys.SYS_symlink -> ring.push(op, 0, AT_FDCWD, a2, a1, 0, 0, userData);
            case (int) Sys.SYS_symlinkat -> ring.push(op, 0, (int) a2, a3, a1, 0, 0, userData);
            case (int) Sys.SYS_link -> ring.push(op, 0, AT_FDCWD, a2, a1, AT_FDCWD, 0, userData);
            case (int) Sys.SYS_linkat -> ring.push(op, 0, fd, a4, a2, (int) a3, (int) a5, userData);
            case (int) Sys.SYS_accept -> ring.push(op, 0, fd, a3 /* addrlen */, a2, 0, 0, userData);
            case (int) Sys.SYS_accept4 -> ring.push(op, 0, fd, a3, a2, 0, (int) a4, userData);
            case (int) Sys.SYS_recvfrom, (int) Sys.SYS_sendto ->
                    ring.push(op, 0, fd, 0, a2, (int) a3, (int) a4 & ~MSG_DONTWAIT, userData);
            case (int) Sys.SYS_recvmsg -> ring.push(op, 0, fd, 0, a2, 0, (int) a3 & ~MSG_DONTWAIT, userData);
            case (int) Sys.SYS_fadvise64 -> ring.push(op, 0, fd, a2, 0, (int) a3, (int) a4, userData);
            case (int) Sys.SYS_ftruncate -> ring.push(op, 0, fd, a2, 0, 0, 0, userData);
            case (int) Sys.SYS_close -> ring.push(op, 0, fd, 0, 0, 0, 0, userData);
            default -> throw new IllegalArgumentException("no io_uring entry for " + Sys.name(nr));
        }
    }
}
