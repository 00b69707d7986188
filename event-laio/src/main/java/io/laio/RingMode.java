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

/**
 * Whether a {@link Laio} attached to a base on the {@code "uring"} backend
 * ({@code EventBase.create("uring")}) runs its background calls as io_uring submission entries on
 * the loop's own ring, and when it hands them to the kernel. It applies to {@link Policy#LAZY}
 * calls made <em>on the loop thread</em> whose system call has an io_uring opcode the kernel
 * offers (read, pread64, readv, preadv, write, pwrite64, writev, pwritev, open, openat, openat2,
 * statx, fsync, fdatasync, fallocate, rename(at/at2), unlink(at), rmdir, mkdir(at),
 * symlink(at), link(at), accept, accept4, recvfrom and sendto without an address, recvmsg,
 * fadvise64, ftruncate — docs/design/uring.md lists what stays with the helpers and why). Every
 * other call, every call from another thread, and every call on another backend or standalone
 * goes where it went before (the helper lanes and the socket waits); the mode changes nothing
 * there.
 */
public enum RingMode {
    /** The ring is not used for calls: they go to the helper lanes and socket waits as on any other base. */
    OFF,
    /**
     * The default. The call's probe runs first, as everywhere: if the call completes without
     * blocking its result is returned. If it would block, it becomes an entry on the ring instead
     * of a helper's work, handed to the kernel at once; if the kernel completed it during that
     * submission the result is still returned inline, else {@code -1}/{@link Errno#EINPROGRESS}
     * and its completion is an {@link io.laio.event.Ev#LAIO} event, as from a helper. No thread
     * is woken and none blocks: the loop reaps the completion in its wait.
     */
    LAZY,
    /**
     * Deferred submission: a call with an opcode — {@code close} ({@code IORING_OP_CLOSE}) too,
     * which never leaves the caller's thread otherwise — is queued on the ring without a probe
     * and returns {@code -1}/{@link Errno#EINPROGRESS} at once (a closed number is free only once
     * the pass's wait has run the close; a call queued after it on the same number fails with
     * {@link Errno#EBADF}; {@link Laio#closeUnawaited} queues one that posts nothing when it
     * works); the calls made during one loop pass
     * reach the kernel together, with the pass's wait, in one {@code io_uring_enter}, and every
     * one completes as an {@link io.laio.event.Ev#LAIO} event (never inline, even on cached
     * data). Batches pay: 16 cached reads cost about a quarter of 16 plain ones here. A call
     * still runs only once the loop waits again, so a caller that needs the result in the same
     * pass should use {@link #LAZY}.
     */
    DEFERRED
}
