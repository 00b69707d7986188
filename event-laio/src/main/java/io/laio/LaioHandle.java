package io.laio;

import io.laio.event.Event;
import io.laio.event.spi.EventSource;
import io.laio.event.spi.Loops;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One background call: what {@link Laio#gethandle()} returns after a call answered
 * {@code -1}/{@link Errno#EINPROGRESS}. Wait for it with an {@link io.laio.event.Ev#LAIO}
 * event ({@code Event.set(base, handle, Ev.LAIO, cb, arg).add()}) or collect it with
 * {@link Laio#poll}; it is reported exactly once.
 *
 * <p>Its life:
 * <pre>
 *   QUEUED ──a helper (or the socket waiter) takes it──► RUNNING ──the call returns──► DONE ──► reported once
 *     ▲                                                     │
 *     └──── the waiter's non-blocking retry would block ────┘
 *   QUEUED ──────────────────── cancel() ─────────────────────────────────────────► DONE (-1, ECANCELED)
 * </pre>
 * DONE is final; only the socket waiter ever moves a call back to QUEUED, so a call waiting for
 * readiness can still be cancelled.
 * {@link #done()}, {@link #result()} and {@link #errno()} are meant for the thread that
 * receives the completion (the loop thread, or the caller of {@code poll}).
 */
public final class LaioHandle implements EventSource {
    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int DONE = 2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(LaioHandle.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Laio owner;
    final long nr;
    final long a1, a2, a3, a4, a5, a6;
    final BlockingOp op;
    final long submittedNanos;
    /** Native memory the call reads or writes (a typed helper's path copy): kept reachable until done. */
    volatile MemorySegment keepAlive;
    /** Bytes the inline attempt already moved; added to the background result. */
    long bias;
    /** Socket waiter: bytes of a write already sent. */
    long progress;
    /** Waits on the socket waiter (counted against its bound, not the helpers'). */
    boolean viaWaiter;
    /** A read or write of a pipe: the waiter retries it with RWF_NOWAIT instead of MSG_DONTWAIT. */
    boolean pipe;

    @SuppressWarnings("unused") // through STATE
    private volatile int state = QUEUED;
    volatile boolean cancelRequested;
    long result;
    int errno;
    Throwable exception;

    // loop-thread (or poller) side
    boolean drained;   // taken off the completion queue
    boolean reported;  // delivered to an event or returned by poll
    Event waiting;     // the LAIO event added on this handle, if any

    LaioHandle(Laio owner, long nr, long a1, long a2, long a3, long a4, long a5, long a6, BlockingOp op) {
        this.owner = owner;
        this.nr = nr;
        this.a1 = a1;
        this.a2 = a2;
        this.a3 = a3;
        this.a4 = a4;
        this.a5 = a5;
        this.a6 = a6;
        this.op = op;
        this.submittedNanos = System.nanoTime();
    }

    /** Helper: QUEUED → RUNNING; false if it was cancelled first. */
    boolean start() {
        return STATE.compareAndSet(this, QUEUED, RUNNING);
    }

    /** cancel(): QUEUED → DONE; false if a helper took it first. */
    boolean cancelQueued() {
        return STATE.compareAndSet(this, QUEUED, DONE);
    }

    /** Socket waiter: RUNNING → QUEUED after a retry that would still block (cancellable again). */
    void requeue() {
        STATE.setRelease(this, QUEUED);
    }

    void finish() {
        STATE.setRelease(this, DONE);
    }

    int state() {
        return (int) STATE.getAcquire(this);
    }

    /** The syscall number ({@link Sys}), or -1 for {@link Laio#call(BlockingOp)}. */
    public long syscall() {
        return nr;
    }

    /** Whether the completion has reached the loop or {@code poll} (its outcome is known). */
    public boolean done() {
        return drained;
    }

    /** The call's return value; meaningful once {@link #done()}. */
    public long result() {
        return result;
    }

    /** The call's errno (0 on success); meaningful once {@link #done()}. */
    public int errno() {
        return errno;
    }

    /** Whether {@link Laio#cancel} was called on it (a running call still completes normally). */
    public boolean cancelled() {
        return cancelRequested;
    }

    /** What a {@link BlockingOp} threw, or {@code null}. */
    public Throwable exception() {
        return exception;
    }

    @Override
    public void added(Event ev) {
        if (ev.base() != owner.base()) {
            throw new IllegalArgumentException("this handle belongs to " + (owner.base() == null
                    ? "a standalone Laio (use poll())" : "another EventBase"));
        }
        if (reported) {
            throw new IllegalArgumentException("stale handle: its completion was already reported");
        }
        waiting = ev;
        if (drained) {
            reported = true;
            Loops.deliver(ev, result, errno);
        }
    }

    @Override
    public void deleted(Event ev) {
        if (waiting == ev) {
            waiting = null;
        }
    }

    @Override
    public String toString() {
        String what = op != null ? "call" : Sys.name(nr);
        return "LaioHandle[" + what + (drained ? " done result=" + result + " errno=" + Errno.name(errno)
                : state() == RUNNING ? " running" : " queued") + (cancelRequested ? " cancelled" : "") + "]";
    }
}
