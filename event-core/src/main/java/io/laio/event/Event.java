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

package io.laio.event;

import io.laio.event.spi.EventSource;
import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * One event: a source, the conditions to wait for, and the callback to run.
 *
 * <p><b>Threading.</b> Every method is for the loop thread of {@link #base()}; while no loop is
 * running, the thread that owns the base may call them too (to set events up before
 * {@link EventBase#dispatch()}). Called from another thread while the loop runs, they throw
 * {@link IllegalStateException}. To act on an event from another thread, hand the action to the
 * loop with {@link EventBase#execute(Runnable)}.
 *
 * <p><b>One base for life.</b> An event belongs to the base given to {@link #set} until it is
 * garbage; it never moves ({@link #assign} changes its source, flags and callback, never its
 * base). On a thread of an {@link EventLoopGroup}, every method (and
 * {@link #set}) refuses an event of another base with {@link IllegalStateException}, even when
 * that base's loop is not running, so a connection's event used from the wrong loop fails at
 * once instead of racing the loop it belongs to; and on any other thread every method refuses
 * an event of a group's base, also before that base's loop has begun.
 *
 * <p><b>Vocabulary</b> (libevent's). An event is <em>pending</em> once {@link #add()}ed: the
 * loop is watching for its conditions. It becomes <em>active</em> when a condition occurs (or
 * {@link #active(int)} is called) and stays active until its callback runs. A
 * non-{@link Ev#PERSIST persistent} event stops being pending just before its callback runs; a
 * persistent one stays pending. {@link #del()} makes an event neither pending nor active.
 *
 * <p><b>Sources</b> and the flags they take:
 * <ul>
 *   <li>{@code null}: a timer. {@code what} may hold {@link Ev#TIMEOUT} and {@link Ev#PERSIST};
 *       it fires only through the timeout of {@link #add(Duration)}.</li>
 *   <li>a {@link SelectableChannel}: {@link Ev#READ}, {@link Ev#WRITE}, {@link Ev#CLOSED},
 *       {@link Ev#PERSIST}, {@link Ev#TIMEOUT}; needs a backend that watches channels
 *       ({@code event-nio}). Several events may share one channel.</li>
 *   <li>a readiness source of the backend's own kind: the epoll and io_uring backends watch
 *       descriptors by number ({@code io.laio.Descriptor}), with the same flags as a channel. Sources that are
 *       {@link Object#equals equal} are one source, as the kernel sees one descriptor: two
 *       objects for descriptor 7, made by the application and by LAIO's socket waits, each get
 *       their events, with one kernel entry watching the union of their interests.</li>
 *   <li>a signal name such as {@code "HUP"} or {@code "USR2"}: {@link Ev#SIGNAL}, usually with
 *       {@link Ev#PERSIST}; the callback runs on the loop thread after the signal arrived.</li>
 *   <li>an {@link EventSource} such as a LAIO handle: {@link Ev#LAIO}; {@link #result()} and
 *       {@link #error()} then hold the completed call's outcome.</li>
 * </ul>
 * Any pending event may also have a timeout ({@link #add(Duration)}), after which it fires with
 * {@link Ev#TIMEOUT}.
 */
public final class Event {
    // state bits
    static final int INSERTED = 1; // pending on its source (channel, signal, EventSource) or as a timer
    static final int IN_HEAP = 2;  // has a timeout in the timer heap
    static final int ACTIVE = 4;   // in an active queue, callback not yet run

    final EventBase base;
    // what the event waits for: set by set(), replaced by assign() while it is neither pending nor active
    Object source;
    int events;
    EventCallback callback;
    Object arg;
    int kind;

    int state;
    int priority;
    int activeRes;
    long result;
    int error;
    long readyAt; // when it last became active (nanoTime), for the loop-lag metric

    // timer heap
    long deadline;
    long timerSeq;
    int heapIndex = -1;
    long interval = -1; // the timeout of the last add(timeout), for persistent re-arming; -1: none

    // active queue links
    Event activePrev;
    Event activeNext;

    // channel source registration
    SourceRecord sourceRecord;
    /**
     * The record this event emptied when it was last deleted, reused by its next add on the same
     * source: an event deleted and added again for every wait (a keep-alive connection's) then
     * allocates no record each time.
     */
    SourceRecord spareRecord;

    static final int KIND_TIMER = 0;
    static final int KIND_CHANNEL = 1;
    static final int KIND_SIGNAL = 2;
    static final int KIND_EXTERNAL = 3;

    private Event(EventBase base, Object source, int events, EventCallback cb, Object arg, int kind) {
        this.base = base;
        this.source = source;
        this.events = events;
        this.callback = cb;
        this.arg = arg;
        this.kind = kind;
        this.priority = base.defaultPriority();
    }

    /**
     * Creates an event (libevent's {@code event_new}); it is not pending until {@link #add()}.
     * To re-point an existing event instead, without allocating, use {@link #assign}.
     *
     * @param base   the loop that will run it
     * @param source {@code null} (a timer), a {@link SelectableChannel}, a signal name, or an
     *               {@link EventSource} (a LAIO handle); see the class comment
     * @param what   the {@link Ev} flags to wait for, with {@link Ev#PERSIST} to stay pending
     * @param cb     the callback; never {@code null}
     * @param arg    passed to the callback as is
     * @throws IllegalArgumentException if {@code what} does not fit the source, or the source
     *                                  is of no supported type
     * @throws IllegalStateException    if the base is closed, or called off the loop thread
     *                                  while the loop runs
     */
    public static Event set(EventBase base, Object source, int what, EventCallback cb, Object arg) {
        if (base == null || cb == null) {
            throw new NullPointerException(base == null ? "base" : "cb");
        }
        checkLoop(base, "Event.set");
        base.checkThread("Event.set");
        return new Event(base, source, what, cb, arg, kindOf(base, source, what));
    }

    /**
     * Re-points this event at a new source, flags, callback and argument without allocating
     * (libevent's {@code event_assign} on an event that is not pending): afterwards it is the
     * event {@link #set Event.set(base(), source, what, cb, arg)} would have made, on the same
     * base, and it is not pending until {@link #add()}. A connection can so keep one event for
     * every wait of its life, even when each wait has a source of its own (a new
     * {@link EventSource LAIO handle} per background call).
     *
     * <p>Exactly what it keeps and resets:
     * <ul>
     *   <li>the base stays ({@link #base()} never changes: the one-base rule of the class
     *       comment);</li>
     *   <li>the priority goes back to the base's default ({@code n/2} after
     *       {@link EventBase#priorityInit(int) priorityInit(n)}), as libevent's
     *       {@code event_assign} does; set it again with {@link #priority(int)} if needed;</li>
     *   <li>no timeout is kept: the event was not pending, so it had none, and the timeout of
     *       an earlier {@link #add(Duration)} is not re-armed by a later {@link #add()} (a
     *       persistent event's re-arm interval went with its last {@link #del()});</li>
     *   <li>{@link #result()} and {@link #error()} of the previous firing read 0 until the event
     *       fires again; {@link #source()}, {@link #events()} report the new values.</li>
     * </ul>
     * Inside the event's own callback a non-persistent event is no longer pending, so it may be
     * assigned (and added) there: the keep-alive pattern. A persistent event stays pending:
     * {@link #del()} it first.
     *
     * @param source the new source: {@code null} (a timer), a {@link SelectableChannel}, a signal
     *               name, or an {@link EventSource}; see the class comment
     * @param what   the {@link Ev} flags to wait for, with {@link Ev#PERSIST} to stay pending
     * @param cb     the callback; never {@code null}
     * @param arg    passed to the callback as is
     * @throws NullPointerException     if {@code cb} is {@code null}
     * @throws IllegalArgumentException if {@code what} does not fit the source, or the source is
     *                                  of no supported type; the event is then unchanged
     * @throws IllegalStateException    if the event is pending or active (assigning it then would
     *                                  change what the loop is already watching or about to run:
     *                                  {@link #del()} it first), if the base is closed, or if
     *                                  called off the loop thread while the loop runs
     */
    public void assign(Object source, int what, EventCallback cb, Object arg) {
        if (cb == null) {
            throw new NullPointerException("cb");
        }
        checkLoop(base, "Event.assign");
        base.checkThread("Event.assign");
        if (state != 0) {
            throw new IllegalStateException("Event.assign: " + this + " is " + ((state & ACTIVE) != 0 ? "active"
                    : "pending") + "; only an event that is neither pending nor active can be assigned: del() it first");
        }
        int k = kindOf(base, source, what);
        if (spareRecord != null && spareRecord.source != source) {
            spareRecord = null; // a record for another channel would only keep that channel reachable
        }
        this.source = source;
        this.events = what;
        this.callback = cb;
        this.arg = arg;
        this.kind = k;
        this.priority = base.defaultPriority();
        this.result = 0;
        this.error = 0;
    }

    /** The kind of event {@code source} makes, after checking that {@code what} fits it. */
    private static int kindOf(EventBase base, Object source, int what) {
        int kind;
        int allowed;
        if (source == null) {
            kind = KIND_TIMER;
            allowed = Ev.TIMEOUT | Ev.PERSIST;
        } else if (source instanceof SelectableChannel) {
            kind = KIND_CHANNEL;
            allowed = Ev.READ | Ev.WRITE | Ev.CLOSED | Ev.ET | Ev.PERSIST | Ev.TIMEOUT;
            if ((what & (Ev.READ | Ev.WRITE | Ev.CLOSED)) == 0) {
                throw new IllegalArgumentException("a channel event needs READ, WRITE or CLOSED: " + Ev.toString(what));
            }
        } else if (source instanceof String) {
            kind = KIND_SIGNAL;
            allowed = Ev.SIGNAL | Ev.PERSIST | Ev.TIMEOUT;
            if ((what & Ev.SIGNAL) == 0) {
                throw new IllegalArgumentException("a signal event (source \"" + source + "\") needs Ev.SIGNAL");
            }
        } else if (source instanceof EventSource) {
            kind = KIND_EXTERNAL;
            allowed = Ev.LAIO | Ev.PERSIST | Ev.TIMEOUT;
        } else if (base.backendAccepts(source)) {
            kind = KIND_CHANNEL; // a readiness source of the backend's own kind (epoll: a descriptor)
            allowed = Ev.READ | Ev.WRITE | Ev.CLOSED | Ev.ET | Ev.PERSIST | Ev.TIMEOUT;
            if ((what & (Ev.READ | Ev.WRITE | Ev.CLOSED)) == 0) {
                throw new IllegalArgumentException("a readiness event needs READ, WRITE or CLOSED: " + Ev.toString(what));
            }
        } else {
            throw new IllegalArgumentException("unsupported event source " + source.getClass().getName()
                    + ": expected null (timer), a SelectableChannel, a signal name, an EventSource, or a source the"
                    + " base's backend watches");
        }
        if ((what & ~allowed) != 0) {
            throw new IllegalArgumentException("flags " + Ev.toString(what & ~allowed) + " do not apply to a "
                    + kindName(kind) + " event");
        }
        return kind;
    }

    /**
     * Refuses, on a group's loop thread, an event of another base, and on any other thread an
     * event of a group's base (the class comment's rule).
     */
    private static void checkLoop(EventBase base, String method) {
        Thread current = Thread.currentThread();
        if (current instanceof EventLoopGroup.LoopThread t) {
            if (t.base != base) {
                throw new IllegalStateException(method + ": the event belongs to another EventBase than the one of loop "
                        + t.getName() + "; an event stays on its base for life: hand the work to its loop with execute()");
            }
        } else if (base.groupThread != null) {
            throw new IllegalStateException(method + ": the event's EventBase is run by " + base.groupThread.getName()
                    + " of an EventLoopGroup, and only that thread may use its events (also before its loop begins):"
                    + " hand the work to it with EventLoopGroup.execute()");
        }
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case KIND_TIMER -> "timer";
            case KIND_CHANNEL -> "channel";
            case KIND_SIGNAL -> "signal";
            default -> "external-source";
        };
    }

    /**
     * Makes the event pending without changing its timeout: a pending event keeps the timeout
     * it has (libevent), a non-pending one gets none. Adding a pending event again does nothing.
     *
     * @throws IllegalStateException       if the base is closed or called off the loop thread
     * @throws UnsupportedOperationException for {@link Ev#ET}, or a channel with a backend that
     *                                     watches no channels
     * @throws java.io.UncheckedIOException if the channel cannot be watched (e.g. it is closed)
     */
    public void add() {
        checkLoop(base, "Event.add");
        base.addEvent(this, -1);
    }

    /**
     * Makes the event pending and (re)sets its timeout to {@code timeout} from now (the time
     * cached for the current loop pass, when called from a callback). On a pending event this
     * replaces the timeout. A {@code null} timeout is {@link #add()}. A {@link Ev#PERSIST}
     * event is re-armed with the same timeout after every activation.
     */
    public void add(Duration timeout) {
        if (timeout == null) {
            add();
            return;
        }
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative timeout " + timeout);
        }
        checkLoop(base, "Event.add");
        base.addEvent(this, saturatedNanos(timeout));
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 4;
        }
    }

    /**
     * Makes the event neither pending nor active: no later callback of it runs, even one due in
     * the current loop pass. Deleting an event that is not pending does nothing.
     */
    public void del() {
        checkLoop(base, "Event.del");
        base.delEvent(this);
    }

    /**
     * Makes the event active with {@code res} as if its conditions occurred; its callback runs
     * in this or the next loop pass. On an event already active, {@code res} is OR-ed into the
     * flags the one callback receives. Works on a non-pending event too.
     */
    public void active(int res) {
        checkLoop(base, "Event.active");
        base.checkThread("Event.active");
        base.activate(this, res);
    }

    /**
     * Whether the event is pending or active for any of {@code what}: {@link Ev#TIMEOUT} if it
     * has a timeout set, its I/O, signal or LAIO flags if it is added, or the flags it is active
     * with.
     */
    public boolean pending(int what) {
        checkLoop(base, "Event.pending");
        base.checkThread("Event.pending");
        int flags = 0;
        if ((state & INSERTED) != 0) {
            flags |= events & (Ev.READ | Ev.WRITE | Ev.CLOSED | Ev.SIGNAL | Ev.LAIO);
        }
        if ((state & IN_HEAP) != 0) {
            flags |= Ev.TIMEOUT;
        }
        if ((state & ACTIVE) != 0) {
            flags |= activeRes;
        }
        return (flags & what) != 0;
    }

    /**
     * Sets the priority: 0 is the most urgent, up to {@code n-1} after
     * {@link EventBase#priorityInit(int) priorityInit(n)}. New events get {@code n/2}.
     *
     * @throws IllegalStateException    if the event is active (libevent refuses this too)
     * @throws IllegalArgumentException if {@code p} is out of range
     */
    public void priority(int p) {
        checkLoop(base, "Event.priority");
        base.checkThread("Event.priority");
        if ((state & ACTIVE) != 0) {
            throw new IllegalStateException("Event.priority: cannot change the priority of an active event");
        }
        if (p < 0 || p >= base.priorities()) {
            throw new IllegalArgumentException("priority " + p + " out of range 0.." + (base.priorities() - 1));
        }
        priority = p;
    }

    /** For an {@link Ev#LAIO} activation: the completed call's return value; 0 otherwise. */
    public long result() {
        return result;
    }

    /** For an {@link Ev#LAIO} activation: the completed call's errno (0 on success); 0 otherwise. */
    public int error() {
        return error;
    }

    /**
     * The base given to {@link #set}: the loop that runs this event. Never {@code null}; it does
     * not change for the event's life, also after the base is closed.
     *
     * @return the event's base
     */
    public EventBase base() {
        return base;
    }

    /**
     * The source given to {@link #set} (or to the last {@link #assign}), the same object:
     * {@code null} for a timer, the {@link SelectableChannel} of a channel event, the signal name
     * of a signal event, or the {@link EventSource} (such as a LAIO handle) of a completion
     * event. Only {@link #assign} changes it.
     *
     * @return the event's source, or {@code null} for a timer
     */
    public Object source() {
        return source;
    }

    /** The {@code what} given to {@link #set} (or to the last {@link #assign}). */
    public int events() {
        return events;
    }

    @Override
    public String toString() {
        return "Event[" + kindName(kind) + (source != null ? " " + source : "") + " " + Ev.toString(events)
                + (pendingFlags() != 0 ? " pending" : "") + ((state & ACTIVE) != 0 ? " active" : "") + "]";
    }

    private int pendingFlags() {
        return state & (INSERTED | IN_HEAP);
    }
}
