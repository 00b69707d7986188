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

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The other wake-up: {@code IORING_OP_MSG_RING} (Linux 5.18) from a small ring of the waker's
 * own, which posts a completion tagged {@link UringBackend#WAKE} straight onto the loop's ring:
 * one {@code io_uring_enter} per wake-up and nothing to re-queue on the loop side. A submission
 * queue has one producer, so wakers share the small ring under this object's lock (the base's
 * wake-up protocol makes that at most one wake-up per sleep of the loop).
 */
final class UringMsgRingWake implements UringWake {
    private final UringRing own;
    private final int target;
    private final int skipSuccess;

    UringMsgRingWake(UringRing loopRing) throws IOException {
        if (!loopRing.supports(UringRing.OP_MSG_RING)) {
            throw UringRefusal.ofFeature("the kernel lacks IORING_OP_MSG_RING (older than 5.18)");
        }
        own = UringRing.open(2, 0);
        target = loopRing.fd;
        // a message that went through needs no completion on the sending ring: only failures land there
        skipSuccess = own.has(UringRing.FEAT_CQE_SKIP) ? UringRing.IOSQE_CQE_SKIP_SUCCESS : 0;
    }

    @Override
    public void beforeWait(UringRing ring) {
        // nothing in flight: the message itself is the completion
    }

    @Override
    public void completed(int res) {
        // nothing to re-queue
    }

    @Override
    public synchronized void signal() {
        try {
            reapFailures();
            own.push(UringRing.OP_MSG_RING, skipSuccess, target, UringBackend.WAKE, 0 /* IORING_MSG_DATA */, 0, 0, 0);
            int r = own.submit();
            if (r < 0 && r != -UringNative.EINTR && r != -UringNative.EAGAIN && r != -UringNative.EBUSY) {
                throw new IllegalStateException("io_uring MSG_RING wake-up failed: " + UringNative.errnoName(-r));
            }
            // EINTR, EAGAIN, EBUSY: the entry stays queued and goes with the next wake-up; the loop
            // is woken by that one or by whatever made the kernel busy (completions it has to reap)
        } catch (IOException e) {
            throw new IllegalStateException("io_uring MSG_RING wake-up failed", e);
        }
    }

    /**
     * Completions on the sending ring: a success where the kernel cannot skip it, else a failure.
     * EOVERFLOW means the loop's ring is full of completions, so the loop will not sleep anyway.
     */
    private void reapFailures() {
        MemorySegment cqes = own.cqes();
        int n = own.ready();
        for (int i = 0; i < n; i++) {
            int res = UringCqeLayout.res(cqes, own.cqeAt(0));
            own.consume(1);
            if (res < 0 && res != -UringNative.EOVERFLOW) {
                throw new IllegalStateException("io_uring MSG_RING wake-up failed: " + UringNative.errnoName(-res));
            }
        }
    }

    @Override
    public synchronized void close() {
        own.close();
    }
}
