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

import io.laio.event.internal.LoopAccess;
import io.laio.event.spi.Backend;
import io.laio.event.spi.BackendProvider;
import io.laio.event.spi.EventSource;
import io.laio.event.spi.LoopSource;
import io.laio.event.spi.ReadySink;
import io.laio.event.spi.Waker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.ServiceLoader;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import jdk.jfr.FlightRecorder;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop: one thread waits for the conditions of pending {@link Event}s (channel
 * readiness through a backend, timeouts, signals, LAIO completions) and runs their callbacks.
 *
 * <p><b>Threading.</b> {@link #execute}, {@link #loopBreak}, {@link #loopExit}, {@link #inLoop}
 * and {@link #now} may be called from any thread. Everything else — and every method of
 * {@link Event} — is for the loop thread while a loop runs (a call from another thread then
 * throws {@link IllegalStateException} naming the method), or for any one thread while no loop
 * runs (typically the thread that sets events up and then calls {@link #dispatch()}).
 *
 * <p><b>A loop pass</b> (libevent's): if nothing is active, wait in the backend until a channel
 * is ready, the earliest timeout is due, or another thread hands over work; then make active
 * whatever is ready, timed out, signalled or completed; run queued {@link #execute} tasks; then
 * run the callbacks of the most urgent non-empty priority only (a busy urgent priority starves
 * the others, by design), in activation order.
 *
 * <p>A callback that throws is passed to the uncaught handler ({@link #setUncaughtHandler}; by
 * default it is logged through slf4j at error level) and the loop goes on. With no slf4j
 * provider on the class path, such failures go to the JDK's platform logger instead
 * ({@link System.Logger} {@code io.laio.event}; stderr unless configured), once per kind
 * (where it failed and the exception's class), since slf4j would drop them.
 *
 * <p><b>Watching a loop.</b> {@link #stats()} reads the loop's metrics (pending and active
 * events, queued tasks, time per pass, loop lag) from any thread without stopping it; a
 * callback or task that holds the loop longer than {@link #blockedThreshold()} is logged at
 * warn level with the loop thread's stack; passes and callbacks over a threshold are JFR
 * events ({@code io.laio.LoopPass}, {@code io.laio.Callback}). docs/observability.md says how
 * to read them.
 */
public final class EventBase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBase.class);
    private static final FailureLog FAILURES = new FailureLog(LOG, null);
    private static final int DRAIN_BATCH = 4096;

    /**
     * The system property that sets {@link #blockedThreshold()} for new bases, in milliseconds
     * ({@code 0} turns the detector off): {@value}. Default {@value #DEFAULT_BLOCKED_THRESHOLD_MILLIS}.
     */
    public static final String BLOCKED_THRESHOLD_PROPERTY = "io.laio.blockedThresholdMillis";

    /** {@link #blockedThreshold()} of a new base when {@link #BLOCKED_THRESHOLD_PROPERTY} is not set: {@value} ms. */
    public static final long DEFAULT_BLOCKED_THRESHOLD_MILLIS = 1000;

    private static final VarHandle INSERTED;

    static {
        try {
            INSERTED = MethodHandles.lookup().findVarHandle(EventBase.class, "inserted", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        LoopAccess.install(new LoopAccess() {
            @Override
            public Waker attach(EventBase base, LoopSource source) {
                return base.attachSource(source);
            }

            @Override
            public void detach(EventBase base, LoopSource source) {
                base.detachSource(source);
            }

            @Override
            public boolean canWatch(EventBase base, Object source) {
                return base.backend.accepts(source);
            }

            @Override
            public Backend backend(EventBase base) {
                return base.backend;
            }

            @Override
            public void deliver(Event ev, long result, int error) {
                ev.base.checkThread("Loops.deliver");
                if ((ev.state & Event.INSERTED) != 0) {
                    ev.result = result;
                    ev.error = error;
                    ev.base.activate(ev, Ev.LAIO);
                }
            }
        });
    }

    private final Backend backend;
    private final LoopWaker waker;
    private final LoopSpin spin = new LoopSpin();
    /** Loop thread: whether the pass now ending ran an execute() task (what makes the loop spin before it sleeps). */
    private boolean ranTasks;
    /** Tests only: run on the loop thread as it starts a spin before sleeping; null in production. */
    Runnable spinHook;
    /** Tests only: run on the loop thread right before it publishes ASLEEP; null in production. */
    Runnable sleepHook;
    private final MpscUnboundedAtomicArrayQueue<Runnable> tasks = new MpscUnboundedAtomicArrayQueue<>(1024);
    private final TimerHeap timers = new TimerHeap();
    private final ActiveQueues active = new ActiveQueues(1);
    private final SourceTable channels = new SourceTable();
    private final ReadySink sink = new ReadySink() {
        @Override
        public void ready(Object attachment, int events) {
            channelReady((SourceRecord) attachment, events);
        }

        @Override
        public void invalid(Object attachment) {
            channelInvalid((SourceRecord) attachment);
        }
    };
    private volatile LoopSource[] sources = new LoopSource[0];
    private final IdentityHashMap<String, Event[]> signalEvents = new IdentityHashMap<>();

    private int priorities = 1;
    private int inserted; // events added and not deleted (their count keeps dispatch() running)
    private long cachedNow;
    private volatile Thread loopThread;
    /**
     * The thread of the {@link EventLoopGroup} loop that owns this base for life, null for a base
     * of one's own. Written once, before that thread starts; plain, so a standalone base's event
     * calls pay no fence for it (a thread that reads it stale sees null and is checked as before).
     */
    Thread groupThread;
    private volatile boolean running;
    private volatile boolean breakRequested;
    private volatile boolean exitRequested;
    private boolean gotBreak;
    private boolean gotExit;
    private volatile boolean closed;
    private BiConsumer<Event, Throwable> uncaughtHandler;

    // observability: see LoopMeter, BlockedLoopChecker, LoopPassEvent
    private final LoopMeter meter = new LoopMeter();
    private final PollFailures pollFailures = new PollFailures();
    private volatile long blockedThresholdNanos = defaultBlockedThresholdNanos();
    FailureLog failures = FAILURES;                     // tests replace them
    BlockedLoopChecker checker = BlockedLoopChecker.PROCESS;
    private long passStart;        // nanoTime the current pass began; 0 between passes
    private long clock;            // the loop thread's latest clock reading, stamped on activated events
    private boolean clockFresh;    // false while the backend waits: clock is then older than the wait
    private LoopPassEvent passEvent;
    private long passCallbacksBefore;

    private EventBase(Backend backend) {
        this.backend = backend;
        this.waker = new LoopWaker(backend);
    }

    /**
     * A new base on the {@link BackendProvider} of the highest {@link BackendProvider#priority()}
     * that {@link ServiceLoader} finds (on a tie, the first one found), else on a parking backend
     * that watches no channels. The providers laio ships:
     * <ul>
     *   <li>{@code "nio"}, priority 10, from event-nio: a {@code java.nio.channels.Selector};</li>
     *   <li>{@code "epoll"}, priority 5, from event-laio: the loop's own epoll, which watches no
     *       NIO channels (LAIO's socket waits use it without a thread hand-off);</li>
     *   <li>{@code "uring"}, priority 4 where an io_uring instance can be made (else never
     *       picked), from event-laio: readiness through {@code IORING_OP_POLL_ADD}; below epoll
     *       until LAIO's calls run on the ring too.</li>
     * </ul>
     * So with event-nio present the base is {@code nio} (whether or not event-laio is there too);
     * with event-laio alone it is {@code epoll}; with neither it is the parking backend. Ask for
     * one by name with {@link #create(String)}.
     *
     * @return a new base
     * @throws UncheckedIOException if the backend cannot be opened
     */
    public static EventBase create() {
        BackendProvider best = null;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (best == null || p.priority() > best.priority()) {
                best = p;
            }
        }
        if (best == null) {
            return new EventBase(new ParkingBackend());
        }
        try {
            return new EventBase(best.open());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + best.name() + " backend", e);
        }
    }

    /**
     * A new base on the {@link BackendProvider} of that {@link BackendProvider#name() name}
     * found by {@link ServiceLoader}: {@code "nio"} (event-nio's selector), {@code "epoll"}
     * (event-laio's: watches no NIO channels, but LAIO's socket waits on it cost no thread
     * hand-off), {@code "uring"} (event-laio's io_uring; fails with the cause where io_uring
     * is absent or refused), {@code "parking"} (no channels at all).
     *
     * @throws IllegalArgumentException if no provider of that name is present (the message
     *                                  lists those that are)
     * @throws UncheckedIOException     if the backend cannot be opened
     */
    public static EventBase create(String backend) {
        if (backend.equals("parking")) {
            return new EventBase(new ParkingBackend());
        }
        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of("parking"));
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(backend)) {
                try {
                    return new EventBase(p.open());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the " + p.name() + " backend", e);
                }
            }
            names.add(p.name());
        }
        throw new IllegalArgumentException("no backend named '" + backend + "' (present: " + names + ")");
    }

    /** Whether this base's backend can watch {@code source} (a channel, or a backend's own source type). */
    boolean backendAccepts(Object source) {
        return backend.accepts(source);
    }

    /** A base on the given backend (tests, and backends outside ServiceLoader). */
    static EventBase create(Backend backend) {
        return new EventBase(backend);
    }

    /** The name of the backend in use, e.g. {@code "nio"} or {@code "parking"}. */
    public String backendName() {
        return backend.name();
    }

    // ------------------------------------------------------------------ the loop

    /** Runs the loop until no events are pending, or {@link #loopExit}/{@link #loopBreak}: {@code loop(0)}. */
    public int dispatch() {
        return loop(0);
    }

    /**
     * Runs the loop on the calling thread.
     *
     * @param flags 0, or an OR of {@link Ev#LOOP_ONCE} (wait for events, run the active ones
     *              once, return), {@link Ev#LOOP_NONBLOCK} (run what is active now without
     *              waiting, return) and {@link Ev#LOOP_NO_EXIT_ON_EMPTY} (keep running with
     *              no events pending, until {@link #loopExit} or {@link #loopBreak})
     * @return {@code 0} when it ended through {@link #loopExit}, {@link #loopBreak}, or the
     *         end of a ONCE/NONBLOCK run; {@code 1} when it returned because no events were
     *         pending; {@code -1} when refused: called from a callback of this base (re-entrant)
     *         or while another thread runs this base's loop. Interrupting the loop thread
     *         ends the loop on every backend: a wait in the backend returns at once (the
     *         parking backend's park, NIO's select and the epoll backend's
     *         {@code epoll_pwait} all wake on an interrupt), the callbacks of the current pass
     *         still run, and the loop returns {@code 0} before its next wait with
     *         {@link #gotBreak()} true; the interrupt status stays set. An interrupt pending
     *         when {@code loop} is called ends it at once.
     * @throws IllegalStateException if the base is closed
     */
    public int loop(int flags) {
        if (closed) {
            throw new IllegalStateException("EventBase.loop: the base is closed");
        }
        synchronized (this) {
            if (running) {
                return -1;
            }
            running = true;
            loopThread = Thread.currentThread();
            if (blockedThresholdNanos > 0) {
                checker.watch(this);
            }
        }
        gotBreak = false;
        gotExit = false;
        breakRequested = false; // a loopBreak() before the loop started is forgotten (libevent)
        try {
            return runLoop(flags);
        } finally {
            endPass();
            meter.idle();
            clockFresh = false; // an event made active before the next loop reads its own time
            waker.awake();
            synchronized (this) {
                running = false;
                loopThread = null;
            }
        }
    }

    private int runLoop(int flags) {
        boolean once = (flags & Ev.LOOP_ONCE) != 0;
        boolean nonblock = (flags & Ev.LOOP_NONBLOCK) != 0;
        boolean stayOnEmpty = (flags & Ev.LOOP_NO_EXIT_ON_EMPTY) != 0;
        while (true) {
            if (exitRequested) {
                exitRequested = false;
                gotExit = true;
                return 0;
            }
            if (breakRequested || Thread.currentThread().isInterrupted()) {
                breakRequested = false;
                gotBreak = true;
                return 0;
            }
            cachedNow = endPass();
            if (!stayOnEmpty && inserted == 0 && active.total() == 0 && tasks.isEmpty() && sourcesEmpty()) {
                return 1;
            }
            pollBackend(active.total() != 0 || nonblock);
            cachedNow = beginPass();
            expireTimers();
            runTasks();
            if (closed) {
                return 0;
            }
            drainSources();
            if (active.total() != 0) {
                int ran = runActive();
                if (once && active.total() == 0 && ran != 0) {
                    return endedAfterPass();
                }
            } else if (nonblock) {
                return endedAfterPass();
            }
            if (closed) {
                return 0;
            }
        }
    }

    /**
     * A ONCE or NONBLOCK run ends after its pass; a {@link #loopBreak} or {@link #loopExit}
     * made in that pass ended it too, so it shows in {@link #gotBreak}/{@link #gotExit} (as in
     * libevent) and is not left over to end the next loop at once.
     */
    private int endedAfterPass() {
        if (breakRequested) {
            breakRequested = false;
            gotBreak = true;
        } else if (exitRequested) {
            exitRequested = false;
            gotExit = true;
        }
        return 0;
    }

    private void pollBackend(boolean noWait) {
        long timeout;
        if (noWait) {
            timeout = 0;
        } else {
            Event first = timers.peek();
            timeout = first == null ? -1 : Math.max(0, first.deadline - cachedNow);
        }
        if (timeout != 0) {
            long spinNanos = spin.budget(ranTasks, timeout);
            if (spinNanos != 0 && spinForWork(spinNanos)) {
                timeout = 0; // work came while the word said AWAKE: its producer paid no wake-up
            } else if (!publishSleep()) {
                timeout = 0;
            }
        }
        long backOff = 0;
        clockFresh = false;
        try {
            backend.poll(timeout, sink);
            if (pollFailures.inARow() != 0) {
                pollRecovered();
            }
        } catch (IOException e) {
            backOff = pollFailed(e);
        } finally {
            waker.awake();
        }
        if (backOff != 0) {
            // a poll that fails at once would otherwise spin a core; an interrupt cuts it short
            // and ends the loop at the top of the next pass
            LockSupport.parkNanos(backOff);
        }
    }

    /**
     * L1-L2 of the wake-up protocol (docs/design/wakeup.md): publish ASLEEP, then look at every
     * queue once more. A task enqueued before the publication is seen by the re-check (its
     * producer's swap read AWAKE, so nobody else would wake the loop); one enqueued after it
     * makes its producer's swap read ASLEEP and wake the backend.
     *
     * @return whether the loop may sleep: nothing was found
     */
    private boolean publishSleep() {
        Runnable hook = sleepHook;
        if (hook != null) {
            hook.run(); // tests: a producer enqueues right between the spin and the publication
        }
        waker.sleep();
        return tasks.isEmpty() && sourcesMaySleep() && !breakRequested && !exitRequested;
    }

    /**
     * The spin before sleeping ({@link LoopSpin}): polls the task queue, every source and the
     * break/exit flags (reads only: the producers' cache lines are not stolen by writes) for up
     * to {@code nanos}, while the wake-up word still says AWAKE, so a producer that comes now
     * pays no wake-up. The backend is not polled: a zero-timeout poll is a system call (a
     * selectNow, an epoll_wait), too dear to repeat in a spin of a few µs.
     *
     * @return whether work (or a break or exit request) arrived
     */
    private boolean spinForWork(long nanos) {
        Runnable hook = spinHook;
        if (hook != null) {
            hook.run(); // tests: a producer enqueues while the loop spins
        }
        long start = System.nanoTime();
        long now = start;
        boolean hit;
        do {
            Thread.onSpinWait();
            hit = !tasks.isEmpty() || !sourcesEmpty() || breakRequested || exitRequested;
        } while (!hit && (now = System.nanoTime()) - start < nanos);
        meter.spin(now - start, hit); // a hit is counted up to the clock reading before it: one turn short
        spin.ended(hit);
        return hit;
    }

    /** Logs the failure unless it is one of a run already logged recently; returns how long to back off. */
    private long pollFailed(IOException e) {
        if (pollFailures.failed(System.nanoTime())) {
            long n = pollFailures.unlogged();
            long inARow = pollFailures.inARow();
            failures.error("poll", inARow == 1
                    ? "backend " + backend.name() + " failed to poll; the loop retries, backing off while it fails"
                    : "backend " + backend.name() + " still fails to poll: " + n + " failures since the last report, "
                            + inARow + " in a row; the loop retries every " + pollFailures.sleepNanos() / 1_000_000 + " ms",
                    e);
        }
        return pollFailures.sleepNanos();
    }

    private void pollRecovered() {
        long n = pollFailures.succeeded();
        failures.warn("poll", "backend " + backend.name() + " polls again after " + n + " failures in a row", null);
    }

    // ------------------------------------------------------------------ passes and metrics

    /** After the wait: starts timing a pass; returns the time, the loop's new cached clock. */
    private long beginPass() {
        long now = System.nanoTime();
        passStart = now;
        clock = now;
        clockFresh = true;
        meter.busy(now);
        // isInitialized() first: loading an event class costs a JVM that never records
        // hundreds of milliseconds, so the event classes load only once JFR is up
        if (FlightRecorder.isInitialized() && LoopPassEvent.PROBE.isEnabled()) {
            beginPassEvent();
        }
        return now;
    }

    /** Ends the pass being timed, if any; returns the time read. */
    private long endPass() {
        long now = System.nanoTime();
        long start = passStart;
        if (start != 0) {
            passStart = 0;
            meter.pass(now - start);
            if (passEvent != null) {
                commitPassEvent();
            }
        }
        return now;
    }

    private void beginPassEvent() {
        passEvent = new LoopPassEvent();
        passCallbacksBefore = meter.read(LoopMeter.CALLBACKS);
        passEvent.begin();
    }

    private void commitPassEvent() {
        LoopPassEvent e = passEvent;
        passEvent = null;
        e.end();
        if (e.shouldCommit()) {
            e.backend = backend.name();
            e.callbacks = (int) (meter.read(LoopMeter.CALLBACKS) - passCallbacksBefore);
            e.stillActive = active.total();
            e.queuedTasks = tasks.size();
            e.commit();
        }
    }

    /** The clock to stamp an event made active now; read afresh once per wait that activates something. */
    private long activationClock() {
        if (!clockFresh) {
            clock = System.nanoTime();
            clockFresh = true;
        }
        return clock;
    }

    /**
     * Any thread: the loop's metrics now, read without stopping the loop or taking a lock
     * (see {@link LoopStats} for what each number means and how consistent they are).
     */
    public LoopStats stats() {
        LoopMeter m = meter;
        return new LoopStats(
                (int) INSERTED.getOpaque(this),
                active.totalRacy(),
                tasks.size(),
                m.read(LoopMeter.PASSES),
                m.read(LoopMeter.PASS_LAST),
                m.read(LoopMeter.PASS_MAX),
                m.read(LoopMeter.PASS_TOTAL),
                m.read(LoopMeter.CALLBACKS),
                m.read(LoopMeter.LAG_LAST),
                m.read(LoopMeter.LAG_MAX),
                m.read(LoopMeter.LAG_TOTAL),
                m.read(LoopMeter.BLOCKED_EPISODES),
                m.passHistogram(),
                m.lagHistogram(),
                m.read(LoopMeter.SPINS),
                m.read(LoopMeter.SPIN_HITS),
                m.read(LoopMeter.SPIN_NANOS));
    }

    /**
     * Sets how long one callback or task may hold the loop before the blocked-loop detector
     * logs it: a warning through slf4j (logger {@code io.laio.event.BlockedLoopChecker}) with
     * the loop thread's stack, once per blocking episode, counted in
     * {@link LoopStats#blockedEpisodes()}. {@code null} or zero turns the detector off for this
     * base. Any thread; takes effect within one check interval (a quarter of the threshold,
     * 5 to 500 ms), also for a running loop.
     *
     * <p>On by default ({@value #DEFAULT_BLOCKED_THRESHOLD_MILLIS} ms, or
     * {@link #BLOCKED_THRESHOLD_PROPERTY}): a blocked loop stalls every connection it serves and
     * is otherwise invisible, and the detector costs the loop nothing beyond its metrics (one
     * checker thread per process wakes a few times per threshold while a loop runs). Precision:
     * a callback is reported between the threshold and the threshold plus one interval.
     *
     * @throws IllegalArgumentException if {@code threshold} is negative
     */
    public void blockedThreshold(Duration threshold) {
        long n = threshold == null ? 0 : Event.saturatedNanos(threshold);
        if (threshold != null && threshold.isNegative()) {
            throw new IllegalArgumentException("blockedThreshold: negative: " + threshold);
        }
        synchronized (this) {
            blockedThresholdNanos = n;
            if (running && n > 0) {
                checker.watch(this);
            }
        }
    }

    /** The blocked-loop detector's threshold; {@link Duration#ZERO} when it is off for this base. */
    public Duration blockedThreshold() {
        return Duration.ofNanos(blockedThresholdNanos);
    }

    /**
     * Sets how long, at most, the loop spins before it sleeps, waiting for a task from another
     * thread: a task handed with {@link #execute} to a loop that is still spinning costs neither
     * side a wake-up (a system call for the producer, a sleeping hand-off for the loop: 10-30 µs
     * of CPU on a virtual machine) and runs within a fraction of a microsecond. {@code null} or
     * zero turns spinning off. Any thread; takes effect at the loop's next sleep.
     *
     * <p>The spin is adaptive (docs/design/wakeup.md, "Spinning before sleeping"): the loop spins
     * only after a pass that ran an {@link #execute} task, only when no timer is due within the
     * spin, and, after 8 spins in a row found nothing, only every 8th time until one finds work
     * again ({@link LoopStats#spins()}, {@link LoopStats#spinHits()} and
     * {@link LoopStats#spinNanosTotal()} count them and their time). A loop that only serves
     * timers and channels, or none, never spins: an idle loop costs no CPU. While spinning it
     * polls the task queue and the attached sources, not the backend, so a channel that becomes
     * ready meanwhile waits for the end of the spin. The time spent spinning is in no pass figure
     * of {@link #stats()}, but it is CPU time the other threads of the machine do not get: on a
     * machine whose cores are all busy, turn it off.
     *
     * <p>Default 5 µs on a machine with more than one CPU, off on one (the producer could not run
     * while the loop spins).
     *
     * @param max the longest spin, at most 1 ms
     * @throws IllegalArgumentException if {@code max} is negative or longer than 1 ms
     */
    public void spinBeforeSleep(Duration max) {
        if (max != null && (max.isNegative() || max.compareTo(Duration.ofNanos(LoopSpin.LIMIT_NANOS)) > 0)) {
            throw new IllegalArgumentException("spinBeforeSleep: must be 0..1 ms, was " + max);
        }
        spin.maxNanos(max == null ? 0 : max.toNanos());
    }

    /** The longest spin before the loop sleeps ({@link #spinBeforeSleep(Duration)}); {@link Duration#ZERO} when off. */
    public Duration spinBeforeSleep() {
        return Duration.ofNanos(spin.maxNanos());
    }

    private static long defaultBlockedThresholdNanos() {
        long ms = Long.getLong(BLOCKED_THRESHOLD_PROPERTY, DEFAULT_BLOCKED_THRESHOLD_MILLIS);
        return Math.max(0, ms) * 1_000_000L;
    }

    long blockedThresholdNanos() {
        return blockedThresholdNanos;
    }

    LoopMeter meter() {
        return meter;
    }

    Thread loopThread() {
        return loopThread;
    }

    private boolean sourcesEmpty() {
        for (LoopSource s : sources) {
            if (!s.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Each source's {@link LoopSource#beforeSleep()}, until one has work. */
    private boolean sourcesMaySleep() {
        for (LoopSource s : sources) {
            if (!s.beforeSleep()) {
                return false;
            }
        }
        return true;
    }

    private void expireTimers() {
        Event ev;
        while ((ev = timers.peek()) != null && ev.deadline - cachedNow <= 0) {
            timers.remove(ev);
            ev.state &= ~Event.IN_HEAP;
            if ((ev.events & Ev.PERSIST) == 0) {
                // a non-persistent event is deleted before its callback; do the I/O part now
                removeFromSource(ev);
            }
            if ((ev.state & Event.ACTIVE) == 0) {
                activate(ev, Ev.TIMEOUT);
                ev.readyAt = ev.deadline; // it was due then, however late the loop looked
            } else {
                activate(ev, Ev.TIMEOUT);
            }
        }
    }

    private void runTasks() {
        // Bounded to what is queued now, so tasks that re-submit themselves cannot starve I/O.
        int n = tasks.size();
        ranTasks = n != 0;
        for (int i = 0; i < n; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                break;
            }
            try {
                r.run();
            } catch (Throwable t) {
                uncaught(null, t);
            }
        }
    }

    private void drainSources() {
        for (LoopSource s : sources) {
            try {
                s.drain(DRAIN_BATCH);
            } catch (Throwable t) {
                uncaught(null, t);
            }
        }
    }

    /** Runs the active callbacks of the most urgent priority; returns how many ran. */
    private int runActive() {
        int p = active.firstNonEmpty();
        if (p < 0) {
            return 0;
        }
        int budget = active.size(p); // those activated during this run wait for the next pass
        int ran = 0;
        long t = System.nanoTime(); // one clock read per callback: the end of one is the start of the next
        while (budget-- > 0 && active.size(p) != 0) {
            Event ev = active.head(p);
            active.remove(ev);
            ev.state &= ~Event.ACTIVE;
            int res = ev.activeRes;
            ev.activeRes = 0;
            if ((ev.events & Ev.PERSIST) == 0) {
                delEvent(ev);
            } else {
                rearmPersistent(ev, res);
            }
            ran++;
            long lag = t - ev.readyAt;
            meter.callback(t, lag);
            CallbackEvent jfr = FlightRecorder.isInitialized() && CallbackEvent.PROBE.isEnabled() ? beginCallbackEvent() : null;
            try {
                ev.callback.onEvent(ev, res, ev.arg);
            } catch (Throwable thrown) {
                uncaught(ev, thrown);
            }
            t = System.nanoTime();
            clock = t;
            if (jfr != null) {
                commitCallbackEvent(jfr, ev, res, lag);
            }
            if (breakRequested || closed) {
                break;
            }
        }
        return ran;
    }

    private static CallbackEvent beginCallbackEvent() {
        CallbackEvent e = new CallbackEvent();
        e.begin();
        return e;
    }

    private static void commitCallbackEvent(CallbackEvent e, Event ev, int res, long lag) {
        e.end();
        if (e.shouldCommit()) {
            e.callbackClass = ev.callback.getClass().getName();
            e.event = ev.toString();
            e.what = Ev.toString(res);
            e.lag = lag;
            e.commit();
        }
    }

    private void rearmPersistent(Event ev, int res) {
        if (ev.interval < 0 || (ev.state & Event.INSERTED) == 0) {
            return;
        }
        long deadline;
        if ((res & Ev.TIMEOUT) != 0 && (ev.state & Event.IN_HEAP) == 0) {
            // fired by its timeout: previous deadline plus the interval, so no drift; if that is
            // already past (a slow callback, a stalled loop), restart from now, as libevent does:
            // missed periods are skipped, never replayed back to back
            deadline = ev.deadline + ev.interval;
            if (deadline - cachedNow < 0) {
                deadline = cachedNow + ev.interval;
            }
        } else {
            deadline = cachedNow + ev.interval;
        }
        if ((ev.state & Event.IN_HEAP) != 0) {
            timers.remove(ev);
        }
        timers.insert(ev, deadline);
        ev.state |= Event.IN_HEAP;
    }

    private void uncaught(Event ev, Throwable t) {
        BiConsumer<Event, Throwable> h = uncaughtHandler;
        if (h != null) {
            try {
                h.accept(ev, t);
                return;
            } catch (Throwable inHandler) {
                t.addSuppressed(inHandler);
            }
        }
        failures.error(ev == null ? "task" : "callback",
                (ev == null ? "a task" : "the callback of " + ev) + " threw; the loop goes on", t);
    }

    // ------------------------------------------------------------------ add / del / activate

    void addEvent(Event ev, long timeoutNanos) {
        checkThread("Event.add");
        if ((ev.state & Event.INSERTED) == 0) {
            // pending before the source hears of it: a source may deliver at once (a LAIO call
            // that completed before add())
            ev.state |= Event.INSERTED;
            inserted++;
            try {
                insertIntoSource(ev);
            } catch (RuntimeException e) {
                ev.state &= ~Event.INSERTED;
                inserted--;
                throw e;
            }
        }
        if (timeoutNanos >= 0) {
            ev.interval = timeoutNanos;
            if ((ev.state & Event.IN_HEAP) != 0) {
                timers.remove(ev);
            }
            timers.insert(ev, now() + timeoutNanos);
            ev.state |= Event.IN_HEAP;
        }
    }

    private void insertIntoSource(Event ev) {
        switch (ev.kind) {
            case Event.KIND_CHANNEL -> addChannelEvent(ev);
            case Event.KIND_SIGNAL -> addSignalEvent(ev);
            case Event.KIND_EXTERNAL -> ((EventSource) ev.source).added(ev);
            default -> { }
        }
    }

    void delEvent(Event ev) {
        checkThread("Event.del");
        if ((ev.state & Event.ACTIVE) != 0) {
            active.remove(ev);
            ev.state &= ~Event.ACTIVE;
            ev.activeRes = 0;
        }
        if ((ev.state & Event.IN_HEAP) != 0) {
            timers.remove(ev);
            ev.state &= ~Event.IN_HEAP;
        }
        ev.interval = -1;
        if ((ev.state & Event.INSERTED) != 0) {
            ev.state &= ~Event.INSERTED;
            inserted--;
            removeFromSource(ev);
        }
    }

    /** Detaches {@code ev} from its channel, signal or external source (idempotent). */
    private void removeFromSource(Event ev) {
        switch (ev.kind) {
            case Event.KIND_CHANNEL -> removeChannelEvent(ev);
            case Event.KIND_SIGNAL -> removeSignalEvent(ev);
            case Event.KIND_EXTERNAL -> {
                if ((ev.state & Event.INSERTED) == 0) {
                    ((EventSource) ev.source).deleted(ev);
                }
            }
            default -> { }
        }
    }

    void activate(Event ev, int res) {
        if ((ev.state & Event.ACTIVE) != 0) {
            ev.activeRes |= res;
            return;
        }
        ev.activeRes = res;
        ev.readyAt = activationClock();
        ev.state |= Event.ACTIVE;
        active.append(ev);
    }

    // ------------------------------------------------------------------ channels

    private void addChannelEvent(Event ev) {
        if ((ev.events & Ev.ET) != 0 && !backend.supportsEdgeTriggered()) {
            throw new UnsupportedOperationException("Ev.ET: the " + backend.name() + " backend has no edge-triggered mode");
        }
        if (!backend.accepts(ev.source)) {
            throw new UnsupportedOperationException("the " + backend.name() + " backend cannot watch "
                    + ev.source.getClass().getName() + (backend instanceof ParkingBackend ? ": put event-nio on the path" : ""));
        }
        SourceRecord rec = channels.get(ev.source);
        boolean fresh = rec == null;
        if (fresh) {
            SourceRecord spare = ev.spareRecord;
            rec = spare != null && spare.source == ev.source ? spare : new SourceRecord(ev.source);
            ev.spareRecord = null;
        }
        rec.events.add(ev);
        int interest = rec.combinedInterest();
        try {
            if (fresh) {
                rec.key = backend.register(ev.source, interest, rec);
                channels.put(ev.source, rec);
            } else if (interest != rec.interest) {
                backend.modify(rec.key, interest);
            }
            rec.interest = interest;
            ev.sourceRecord = rec;
        } catch (IOException e) {
            rec.events.remove(ev);
            throw new UncheckedIOException("cannot watch " + ev.source, e);
        }
    }

    private void removeChannelEvent(Event ev) {
        SourceRecord rec = ev.sourceRecord;
        if (rec == null) {
            return;
        }
        ev.sourceRecord = null;
        rec.events.remove(ev);
        if (rec.events.isEmpty()) {
            channels.remove(rec.source);
            backend.cancel(rec.key);
            ev.spareRecord = rec; // nothing else holds it now: the backend dropped it with the key
            return;
        }
        int interest = rec.combinedInterest();
        if (interest != rec.interest) {
            rec.interest = interest;
            try {
                backend.modify(rec.key, interest);
            } catch (IOException e) {
                LOG.debug("cannot narrow interest on {}; it will be reported invalid", rec.source, e);
            }
        }
    }

    private void channelReady(SourceRecord rec, int ready) {
        for (int i = 0; i < rec.events.size(); i++) {
            Event ev = rec.events.get(i);
            int res = ev.events & ready & (Ev.READ | Ev.WRITE | Ev.CLOSED);
            if (res != 0) {
                activate(ev, res);
            }
        }
    }

    private void channelInvalid(SourceRecord rec) {
        Event[] evs = rec.events.toArray(new Event[0]);
        for (Event ev : evs) {
            delEvent(ev);
        }
    }

    // ------------------------------------------------------------------ signals

    private void addSignalEvent(Event ev) {
        String name = normalizeSignal((String) ev.source);
        SignalHub.register(name, this);
        Event[] list = signalEvents.get(name);
        list = list == null ? new Event[] {ev} : append(list, ev);
        signalEvents.put(name, list);
    }

    private void removeSignalEvent(Event ev) {
        String name = normalizeSignal((String) ev.source);
        Event[] list = signalEvents.get(name);
        if (list == null) {
            return;
        }
        int i = Arrays.asList(list).indexOf(ev);
        if (i < 0) {
            return;
        }
        Event[] shorter = new Event[list.length - 1];
        System.arraycopy(list, 0, shorter, 0, i);
        System.arraycopy(list, i + 1, shorter, i, list.length - i - 1);
        if (shorter.length == 0) {
            signalEvents.remove(name);
        } else {
            signalEvents.put(name, shorter);
        }
        SignalHub.unregister(name, this);
    }

    private static String normalizeSignal(String name) {
        String n = name.startsWith("SIG") ? name.substring(3) : name;
        return n.intern();
    }

    /** Called on the JVM's signal thread. */
    void signalArrived(String name) {
        String key = normalizeSignal(name);
        post(() -> {
            Event[] list = signalEvents.get(key);
            if (list != null) {
                for (Event ev : list) {
                    if ((ev.state & Event.INSERTED) != 0) {
                        activate(ev, Ev.SIGNAL);
                    }
                }
            }
        });
    }

    private static Event[] append(Event[] a, Event ev) {
        Event[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = ev;
        return b;
    }

    // ------------------------------------------------------------------ loop sources (SPI)

    private synchronized Waker attachSource(LoopSource s) {
        checkThread("Loops.attach");
        LoopSource[] cur = sources;
        LoopSource[] next = Arrays.copyOf(cur, cur.length + 1);
        next[cur.length] = s;
        sources = next;
        return waker;
    }

    private synchronized void detachSource(LoopSource s) {
        LoopSource[] cur = sources;
        int i = Arrays.asList(cur).indexOf(s);
        if (i < 0) {
            return;
        }
        LoopSource[] next = new LoopSource[cur.length - 1];
        System.arraycopy(cur, 0, next, 0, i);
        System.arraycopy(cur, i + 1, next, i, cur.length - i - 1);
        sources = next;
    }

    // ------------------------------------------------------------------ public controls

    /**
     * Ends the loop after the callbacks of the pass in which {@code delay} elapses. A
     * {@code null} or zero delay ends it after the current pass. Called while no loop runs,
     * it is kept for the next {@link #loop} (libevent). Any thread.
     */
    public void loopExit(Duration delay) {
        checkOpen("EventBase.loopExit");
        if (delay == null || delay.isZero() || delay.isNegative()) {
            exitRequested = true;
            waker.wakeupAlways();
            return;
        }
        long deadline = System.nanoTime() + Event.saturatedNanos(delay);
        post(() -> {
            Event exit = Event.set(this, null, Ev.TIMEOUT, (ev, what, arg) -> exitRequested = true, null);
            exit.add(Duration.ofNanos(Math.max(0, deadline - now())));
        });
    }

    /**
     * Ends the loop right after the callback that is running (or at once, if none is). A
     * {@code loopBreak()} made while no loop runs is forgotten when the next loop starts
     * (libevent). Any thread.
     */
    public void loopBreak() {
        checkOpen("EventBase.loopBreak");
        breakRequested = true;
        if (!inLoop()) {
            waker.wakeupAlways();
        }
    }

    /** Whether the last {@link #loop} ended through {@link #loopExit}; reset when a loop starts. */
    public boolean gotExit() {
        return gotExit;
    }

    /** Whether the last {@link #loop} ended through {@link #loopBreak}; reset when a loop starts. */
    public boolean gotBreak() {
        return gotBreak;
    }

    /**
     * Sets the number of priorities, {@code 0} (most urgent) to {@code n-1}; new events get
     * {@code n/2}. Default: 1 level.
     *
     * @throws IllegalStateException    if any event is pending or active
     * @throws IllegalArgumentException if {@code n < 1} or {@code n > 256}
     */
    public void priorityInit(int n) {
        checkThread("EventBase.priorityInit");
        if (n < 1 || n > 256) {
            throw new IllegalArgumentException("priorityInit: n must be 1..256, was " + n);
        }
        if (inserted != 0 || active.total() != 0) {
            throw new IllegalStateException("priorityInit: call it before any event is added");
        }
        priorities = n;
        active.resize(n);
    }

    int priorities() {
        return priorities;
    }

    int defaultPriority() {
        return priorities / 2;
    }

    /**
     * Runs {@code cb} once, after {@code source} becomes ready for {@code what} or
     * {@code timeout} elapses (libevent's {@code event_base_once}); the event is created and
     * added here and gone after its callback. {@link Ev#PERSIST} is refused.
     */
    public void once(Object source, int what, EventCallback cb, Object arg, Duration timeout) {
        if ((what & Ev.PERSIST) != 0) {
            throw new IllegalArgumentException("once: Ev.PERSIST makes no sense for a one-shot event");
        }
        Event ev = Event.set(this, source, source == null ? what | Ev.TIMEOUT : what, cb, arg);
        ev.add(timeout);
    }

    /**
     * Runs {@code task} on the loop thread, in submission order per submitting thread. Any
     * thread; the loop is woken only if it sleeps. A task submitted while no loop runs runs
     * in the next one. A task that throws goes to the uncaught handler with a {@code null}
     * event.
     *
     * @throws IllegalStateException if the base is closed
     */
    public void execute(Runnable task) {
        if (task == null) {
            throw new NullPointerException("task");
        }
        checkOpen("EventBase.execute");
        post(task);
    }

    private void post(Runnable task) {
        tasks.offer(task);
        waker.wakeup();
    }

    /** Whether the calling thread is running this base's loop. */
    public boolean inLoop() {
        return running && loopThread == Thread.currentThread();
    }

    /**
     * The loop's clock in {@link System#nanoTime()} units: on the loop thread while a loop
     * runs, the time cached at the start of the current pass (and refreshed after the wait);
     * otherwise {@code System.nanoTime()}.
     */
    public long now() {
        return inLoop() ? cachedNow : System.nanoTime();
    }

    /**
     * Replaces what happens when a callback or task throws: {@code h} receives the event
     * ({@code null} for a task) and the exception. {@code null} restores the default (an slf4j
     * error). If {@code h} itself throws, both are logged.
     */
    public void setUncaughtHandler(BiConsumer<Event, Throwable> h) {
        checkThread("EventBase.setUncaughtHandler");
        uncaughtHandler = h;
    }

    /**
     * Deletes every pending event (their callbacks never run), drops queued tasks, releases the
     * backend and signal handlers. Later use of the base or its events throws
     * {@link IllegalStateException}; closing twice does nothing. Call it on the loop thread
     * after the loop returned, or on any thread while no loop runs; called from a callback, the
     * loop returns after that callback.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (running && !inLoop()) {
            throw new IllegalStateException("EventBase.close: the loop is running on " + loopThread
                    + "; call loopBreak() and close it there once loop() returned");
        }
        for (Event ev : timers.snapshot()) {
            delEvent(ev);
        }
        for (SourceRecord rec : channels.snapshot()) {
            for (Event ev : rec.events.toArray(new Event[0])) {
                delEvent(ev);
            }
        }
        for (Event[] list : signalEvents.values().toArray(new Event[0][])) {
            for (Event ev : list) {
                delEvent(ev);
            }
        }
        int p;
        while ((p = active.firstNonEmpty()) >= 0) {
            delEvent(active.head(p));
        }
        closed = true;
        checker.unwatch(this);
        int dropped = 0;
        while (tasks.poll() != null) {
            dropped++;
        }
        if (dropped != 0) {
            LOG.debug("closed with {} queued tasks; they were dropped", dropped);
        }
        backend.close();
    }

    // ------------------------------------------------------------------ checks

    void checkThread(String method) {
        if (closed) {
            throw new IllegalStateException(method + ": the base is closed");
        }
        if (running && loopThread != Thread.currentThread()) {
            throw new IllegalStateException(method + " must be called on the loop thread (" + loopThread
                    + ") while the loop runs; hand it over with EventBase.execute()");
        }
    }

    private void checkOpen(String method) {
        if (closed) {
            throw new IllegalStateException(method + ": the base is closed");
        }
    }

    // package-private views for tests
    int insertedCount() {
        return inserted;
    }

    int timerCount() {
        return timers.size();
    }

    LoopSpin spin() {
        return spin;
    }
}
