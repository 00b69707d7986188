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

import io.laio.internal.LaioCall;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An intrusive multi-producer queue of {@link LaioCall}s (Vyukov's MPSC queue): the link is a
 * field of the record, so offering allocates nothing. One consumer at a time: the completion
 * queue has one by construction (the loop thread or the caller of {@code poll}); a helper lane's
 * work queue has several helpers, which take turns through a tiny lock ({@link #pollShared()}).
 *
 * <p>{@link #offer} is wait-free (one {@code getAndSet} of the tail, one release store). A
 * producer preempted between the two leaves the queue non-empty but briefly unreadable past its
 * record: {@link #poll} then returns {@code null} and {@link #isEmpty} {@code false}, so a
 * consumer retries rather than sleeps.
 */
public final class CallQueue extends CallQueuePadded {
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final VarHandle LOCK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(CallQueueTail.class, "tail", LaioCall.class);
            HEAD = l.findVarHandle(CallQueue.class, "head", LaioCall.class);
            LOCK = l.findVarHandle(CallQueue.class, "lock", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Which link field threads the queue: {@link LaioCall#NEXT} or {@link LaioCall#WORK_NEXT}. */
    private final boolean work;
    private final LaioCall stub;
    /**
     * The next record to return, or the stub. Written by the consumer (release), read by
     * {@link #isEmpty} on any thread: a record at the head is not consumed yet even when the
     * tail has moved back to the stub (a poll that re-queued the stub behind a producer that had
     * not linked its record yet).
     */
    @SuppressWarnings("unused") // through HEAD
    private volatile LaioCall head;
    @SuppressWarnings("unused") // through LOCK
    private volatile int lock;

    /** @param work whether records are linked through their work link (else their completion link) */
    public CallQueue(boolean work) {
        this(work, new LaioCall(null));
    }

    private CallQueue(boolean work, LaioCall stub) {
        super(stub);
        this.work = work;
        this.stub = stub;
        this.head = stub;
    }

    private LaioCall next(LaioCall c) {
        return (LaioCall) (work ? LaioCall.WORK_NEXT.getAcquire(c) : LaioCall.NEXT.getAcquire(c));
    }

    private void link(LaioCall c, LaioCall n) {
        if (work) {
            LaioCall.WORK_NEXT.setRelease(c, n);
        } else {
            LaioCall.NEXT.setRelease(c, n);
        }
    }

    /** Any thread. */
    public void offer(LaioCall c) {
        link(c, null);
        LaioCall prev = (LaioCall) TAIL.getAndSet(this, c);
        link(prev, c);
    }

    /** The one consumer: the oldest record, or {@code null} if there is none (or it is not yet linked). */
    public LaioCall poll() {
        LaioCall h = (LaioCall) HEAD.getOpaque(this); // only consumers write it (one at a time)
        LaioCall n = next(h);
        if (h == stub) {
            if (n == null) {
                return null;
            }
            HEAD.setRelease(this, n);
            h = n;
            n = next(n);
        }
        if (n != null) {
            HEAD.setRelease(this, n);
            return h;
        }
        if (h != (LaioCall) TAIL.getVolatile(this)) {
            return null; // a producer is between its two steps: the record after h is coming
        }
        offer(stub);
        n = next(h);
        if (n != null) {
            HEAD.setRelease(this, n);
            return h;
        }
        return null; // h stays at the head (isEmpty says so) until its producer links the next
    }

    /** Several consumers: {@link #poll} under a lock held for a few instructions. */
    public LaioCall pollShared() {
        int spins = 0;
        while (!LOCK.compareAndSet(this, 0, 1)) {
            if (++spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder was preempted
            }
        }
        try {
            return poll();
        } finally {
            LOCK.setRelease(this, 0);
        }
    }

    /**
     * Any thread: {@code false} from the moment an offer has swapped the tail until a consumer
     * has taken the record (conservative while a consumer is mid-poll). Both ends must rest on
     * the stub: the tail alone is not enough, since a poll that re-queues the stub while a
     * producer has swapped the tail but not yet linked its record leaves records before the stub.
     */
    public boolean isEmpty() {
        return (LaioCall) TAIL.getVolatile(this) == stub && (LaioCall) HEAD.getVolatile(this) == stub;
    }
}

/**
 * The tail on a cache line of its own: producers swap it, consumers write the head and the lock,
 * and without the padding each side's writes would evict the other's line (false sharing; the
 * JCTools queues this replaces are padded the same way). Superclass fields are laid out first,
 * so the chain pad / tail / pad / head keeps them apart.
 */
abstract class CallQueuePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class CallQueueTail extends CallQueuePad0 {
    @SuppressWarnings("unused") // through CallQueue.TAIL
    public volatile LaioCall tail;

    CallQueueTail(LaioCall stub) {
        tail = stub;
    }
}

abstract class CallQueuePadded extends CallQueueTail {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q10, q11, q12, q13, q14, q15, q16, q17;

    CallQueuePadded(LaioCall stub) {
        super(stub);
    }
}
