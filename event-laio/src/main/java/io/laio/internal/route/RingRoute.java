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

import io.laio.Laio;
import io.laio.internal.LaioCall;

/**
 * The loop's io_uring as the ring route sees it: calls with an opcode become submission entries
 * on the ring of the base's {@code "uring"} backend, and their completions come back from the
 * backend's reaping to the {@link Completion} they were submitted with. Implemented by
 * {@code io.laio.uring.UringCalls}.
 *
 * <p>Threading: loop thread only (the ring has one submitter) — {@link Router} sends a call here
 * only from {@code base.inLoop()}; {@link #closeCalls} also from the owning thread while no loop
 * runs.
 */
public interface RingRoute {
    /** {@link #submit}: the call is in flight; its completion comes later. */
    long IN_FLIGHT = Long.MIN_VALUE;

    /** Where a call's completion goes, on the loop thread, from the backend's reaping. */
    interface Completion {
        /**
         * The kernel's answer {@code res} (a value, or {@code -errno}) for {@code h}.
         *
         * @param h   the call submitted with this completion
         * @param res the completion's result
         */
        void completed(LaioCall h, int res);
    }

    /**
     * The calls of one {@code io.laio.LaioBatch} submission on the ring: entries with no record of
     * their own, named by the batch's id ({@link #openBatch}) and the call's index in the batch,
     * so a batch of any size costs no object per call. Loop thread (or a closing owner's thread
     * while no loop runs), as the ring.
     */
    interface Batch {
        /** The Laio the calls belong to: its close cancels them ({@link #closeCalls}). */
        Laio owner();

        /**
         * The kernel's answer {@code res} (a value, or {@code -errno}) for call {@code index}; each
         * entry pushed is answered exactly once.
         *
         * @param index the call's index in the batch
         * @param res   the completion's result
         */
        void completed(int index, int res);

        /**
         * Laio.close(): asks the ring to cancel ({@link #cancelBatchCall}) every call of the batch
         * still on it.
         *
         * @param ring this route
         * @return how many were asked: their completions are still to come
         */
        int cancelOnRing(RingRoute ring);
    }

    /** Where a close queued with {@link #closeUnawaited} reports a failure; its success posts nothing. */
    interface CloseFailure {
        /**
         * The close of {@code fd} failed with {@code errno}.
         *
         * @param fd    the descriptor number the close named
         * @param errno the kernel's errno
         */
        void closeFailed(int fd, int errno);
    }

    /**
     * Whether {@link #closeUnawaited} is offered: the kernel has {@code IORING_OP_CLOSE} and
     * {@code IOSQE_CQE_SKIP_SUCCESS} (5.17).
     */
    boolean closesUnawaited();

    /**
     * Registers {@code f} for the failures of its unawaited closes; the id goes in their
     * entries' {@code user_data} and stays taken until {@link #releaseFailureSink(int)} frees it.
     *
     * @return the id
     */
    int openFailureSink(CloseFailure f);

    /**
     * Frees an id of {@link #openFailureSink}: a failure still to come for it is logged by the
     * ring alone. The id is not given to another sink before every other id of its field has
     * been (2^24 openings on the ring), so such a failure is never counted on a later Laio
     * unless its close outlived that many.
     */
    void releaseFailureSink(int id);

    /**
     * Queues {@code close(fd)} with {@code IOSQE_CQE_SKIP_SUCCESS}: it goes to the kernel with the
     * loop's next wait (ahead of the entries queued after it) and, when it succeeds, posts no
     * completion at all — no record, handle or event; a failure reaches sink {@code sink}'s
     * {@link CloseFailure}.
     *
     * @throws java.io.UncheckedIOException if the ring took no entry even after a submission
     */
    void closeUnawaited(int sink, int fd);

    /**
     * Registers {@code b} for the entries it is about to push; its id stays taken until
     * {@link #closeBatch}, which the batch calls once its last entry has completed (so no
     * completion ever reaches a later batch of the same id).
     *
     * @return the batch's id
     */
    int openBatch(Batch b);

    /** Frees the id of a batch none of whose entries is in flight any more. */
    void closeBatch(int id);

    /**
     * Queues call {@code index} of batch {@code id} (for which {@link #takes} said yes); it goes to
     * the kernel with the loop's next wait, or at {@link #flush}.
     *
     * @throws java.io.UncheckedIOException if the ring took no entry even after a submission
     *                                      (unusable): the call was not queued
     */
    void pushBatchCall(int id, int index, long nr, long a1, long a2, long a3, long a4, long a5);

    /** Queues an {@code IORING_OP_ASYNC_CANCEL} of call {@code index} of batch {@code id}; its own completion is ignored. */
    void cancelBatchCall(int id, int index);

    /** Hands every queued entry to the kernel now (one {@code io_uring_enter}, no waiting); an EAGAIN/EBUSY/EINTR leaves them for the next wait. */
    void flush();

    /** Whether call {@code nr} with these arguments has an opcode the kernel has. */
    boolean takes(long nr, long a1, long a2, long a3, long a4, long a5);

    /**
     * Whether {@link io.laio.RingMode#DEFERRED} queues call {@code nr} with these arguments on the
     * ring without a probe, whatever its route ({@code close} too, which otherwise never leaves
     * the caller's thread): the calls of one pass then reach the kernel with the pass's wait.
     */
    boolean defers(long nr, long a1, long a2, long a3, long a4, long a5);

    /**
     * Queues {@code h} (filled: {@code nr}, arguments) on the ring. With {@code now}, hands it to
     * the kernel at once and looks whether the kernel completed it during the submission (it does
     * for cached reads and for sockets with data); else it goes with the loop's next wait.
     *
     * @return the call's {@code res} when it completed during the submission (the record is the
     *         caller's again), else {@link #IN_FLIGHT} and {@code done} gets it later
     */
    long submit(LaioCall h, Completion done, boolean now);

    /**
     * Loop thread: asks the kernel to cancel {@code h} ({@code IORING_OP_ASYNC_CANCEL}) and
     * reports whether it was stopped before it ran (its completion then says {@code ECANCELED}).
     * False also when the call is no longer in flight in generation {@code gen}.
     */
    boolean cancel(LaioCall h, long gen);

    /**
     * Laio.close(): cancels the calls {@code owner} has in flight and waits, until
     * {@code deadlineNanos} ({@link System#nanoTime()}), for their completions, which reach their
     * {@link Completion}s before this returns.
     *
     * @return how many were still in flight at the deadline
     */
    int closeCalls(Laio owner, long deadlineNanos);
}
