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

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * One backend's run of the ledger soak ({@link LedgerSoakTest} says what it covers). Single
 * threaded by design: every call is issued, and every completion received, on one thread — the
 * test thread (standalone: {@link Laio#poll}) or the loop thread of the base, which is the test
 * thread too ({@code dispatch()} runs there) — so the ledger needs no locks and every failure is
 * recorded where the test can throw it.
 *
 * <p>The ledger: each call that answered {@code -1}/{@code EINPROGRESS} is an {@link Op} in
 * {@link #inflight} until its completion arrives; a completion for an op that is not in flight
 * (or a second one) is a duplicate; an op still in flight when nothing has completed for
 * {@link #STALL_NANOS} is lost. Every result is checked against what the op must return, and
 * every byte read against the byte written: file reads against a deterministic data file,
 * socket and pipe streams against a deterministic stream pattern indexed by stream position,
 * positioned writes against a per-slot expected image read back through LAIO, appends against a
 * log parsed at the end of each round (each record exactly once, none that was cancelled).
 */
final class SoakRun {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SoakRun.class);

    /** The three ways completions reach the caller. */
    enum Backend { STANDALONE, NIO, EPOLL }

    /** Sub-mixes that can be switched off (the known engine defects live in these). */
    static final boolean CANCEL_SOCKETS = Boolean.parseBoolean(System.getProperty("laio.soak.cancelSockets", "true"));
    static final boolean CANCEL_SENDS = Boolean.parseBoolean(System.getProperty("laio.soak.cancelSends", "true"));
    static final boolean POSITION_READS = Boolean.parseBoolean(System.getProperty("laio.soak.positionReads", "true"));
    static final boolean ABRUPT_CLOSE = Boolean.parseBoolean(System.getProperty("laio.soak.abruptClose", "true"));
    static final boolean STRICT_SHORT = Boolean.parseBoolean(System.getProperty("laio.soak.strictShortReads", "false"));

    static final long STALL_NANOS = Long.getLong("laio.soak.stallSeconds", 30) * 1_000_000_000L;

    // -------------------------------------------------------------- deterministic contents
    static final int PERIOD = 1_000_003; // odd, so no shift of a stream slice by a small amount matches
    static final byte[] PATTERN = new byte[PERIOD + 70_000];
    static final int DATA_SIZE = 8 << 20;
    static final byte[] DATA = new byte[DATA_SIZE];

    static {
        SplittableRandom r = new SplittableRandom(0x5EEDL);
        for (int i = 0; i < PERIOD; i++) {
            PATTERN[i] = (byte) r.nextInt();
        }
        System.arraycopy(PATTERN, 0, PATTERN, PERIOD, PATTERN.length - PERIOD);
        for (int i = 0; i < DATA_SIZE; i++) {
            DATA[i] = (byte) r.nextInt();
        }
    }

    static int streamIndex(long streamId, long pos) {
        return (int) ((pos + streamId * 7919L) % PERIOD);
    }

    // -------------------------------------------------------------- op kinds
    static final int PREAD = 0, PREADV = 1, FADVISE = 2, PWRITE = 3, VERIFY = 4, APPEND = 5, SEND = 6, RECV = 7,
            NANOSLEEP = 8, CALL = 9, GETPID = 10, CLOSE = 11, OPEN = 12, READ = 13;
    static final String[] KIND = {"pread", "preadv", "fadvise", "pwrite", "verify-read", "append", "send", "recv",
            "nanosleep", "call", "getpid", "close", "open", "read"};

    static final int SLOTS = 256, SLOT_SIZE = 512, FD_SLOTS = 4, CHANNELS = 6, BUF = 64 << 10;

    /** One issued call. */
    static final class Op {
        final long id;
        final int kind;
        int round;
        LaioHandle handle;
        int completions;
        boolean cancelRequested, cancelStopped, background;
        int index = -1; // in inflight
        FdSlot fdSlot;
        Stream stream;
        int slot = -1;
        MemorySegment buf, aux;
        long off;
        int len;
        int[] iov; // preadv: {bufOffset, len} pairs
        byte[] expect;
        long result;
        int errno;
        long addAt;

        Op(long id, int kind) {
            this.id = id;
            this.kind = kind;
        }

        @Override
        public String toString() {
            return "#" + id + " " + KIND[kind] + (fdSlot != null ? " fdslot" + fdSlot.index + "(fd " + fdSlot.fd + ")" : "")
                    + (stream != null ? " stream" + stream.id + (stream.pipe ? "(pipe)" : "(socket)") + " wfd=" + stream.wfd
                            + " rfd=" + stream.rfd + " sent=" + stream.sent + " recvd=" + stream.recvd : "")
                    + (slot >= 0 ? " slot" + slot : "") + " off=" + off + " len=" + len
                    + (background ? " bg" : " inline") + (cancelRequested ? " cancel->" + cancelStopped : "")
                    + " completions=" + completions + " result=" + result + " errno=" + Errno.name(errno);
        }
    }

    /** A descriptor of the data file that is closed and reopened (its number is reused). */
    static final class FdSlot {
        final int index;
        int fd = -1;
        int state; // 0 open, 1 closing, 2 closed, 3 opening
        int busy;

        FdSlot(int index) {
            this.index = index;
        }
    }

    /** A byte stream from wfd to rfd (one direction of a socket pair, or a pipe). */
    static final class Stream {
        final long id;
        final boolean pipe;
        final int wfd, rfd;
        long sent, recvd; // confirmed by completed sends / receives
        final List<Op> cancelledSends = new ArrayList<>(2); // the last ones that completed ECANCELED
        Op sendOp, recvOp;
        long stallUntil;

        Stream(long id, boolean pipe, int wfd, int rfd) {
            this.id = id;
            this.pipe = pipe;
            this.wfd = wfd;
            this.rfd = rfd;
        }
    }

    final Backend backend;
    final long seed;
    final long calls;
    final SplittableRandom rnd;
    final Path dir;
    final List<String> failures = new ArrayList<>();
    final long pid = ProcessHandle.current().pid();

    EventBase base;
    Laio laio;
    Arena arena;
    int round;
    LaioConfig config;
    boolean draining, closing, roundDone;
    long roundCalls, roundBudget;
    long lastProgress;
    long nextOpId, nextStreamId;
    long step;

    // the ledger
    final ArrayList<Op> inflight = new ArrayList<>();
    /** Attached: background calls whose Ev.LAIO event is added a few steps later. */
    final ArrayList<Op> deferred = new ArrayList<>();
    long deferredAdds;
    final IdentityHashMap<LaioHandle, Op> byHandle = new IdentityHashMap<>();
    final ArrayDeque<MemorySegment> buffers = new ArrayDeque<>();
    final Op[] trace = new Op[48];
    int traceAt;
    final List<LaioHandle> lastPolled = new ArrayList<>();
    final List<Op> lastPolledOps = new ArrayList<>();
    long drainStart;
    long started;

    // files and descriptors
    FdSlot[] fdSlots;
    int wfd, afd;
    /** A descriptor of the data file read sequentially with read(2): its file position is part of the ledger. */
    int seqFd;
    long seqPos;
    Op seqOp;
    final ArrayDeque<Op> seqHistory = new ArrayDeque<>(); // the last few read(2) calls, refused ones too
    final byte[][] slotImage = new byte[SLOTS][];
    final int[] slotVersion = new int[SLOTS];
    final boolean[] slotBusy = new boolean[SLOTS];
    final Set<Long> appended = new HashSet<>(), appendCancelled = new HashSet<>();
    final Map<Long, Integer> appendInFlight = new HashMap<>();
    final ArrayList<Stream> streams = new ArrayList<>();
    final ArrayList<int[]> channels = new ArrayList<>(); // {kind 0 socket / 1 pipe, fdA, fdB}

    // figures
    long totalCalls, inlineCalls, backgroundCalls, refused, cancels, cancelsStopped, streamBytes, fdCycles, chanCycles,
            rounds, abruptRounds, staleChecked;
    final long[] perKind = new long[KIND.length];
    final long[] shortInline = new long[KIND.length];

    SoakRun(Backend backend, long seed, long calls, Path dir) {
        this.backend = backend;
        this.seed = seed;
        this.calls = calls;
        this.rnd = new SplittableRandom(seed);
        this.dir = dir;
    }

    // ============================================================== failures

    void fail(String what) {
        if (failures.size() < 40) {
            failures.add("round " + round + " step " + step + ": " + what);
        }
    }

    boolean failed() {
        return !failures.isEmpty();
    }

    String traceDump() {
        StringBuilder b = new StringBuilder("last ops (oldest first):\n");
        for (int i = 0; i < trace.length; i++) {
            Op o = trace[(traceAt + i) % trace.length];
            if (o != null) {
                b.append("  ").append(o).append('\n');
            }
        }
        return b.toString();
    }

    // ============================================================== the run

    void run() throws Exception {
        started = System.nanoTime();
        Files.createDirectories(dir);
        Map<String, Integer> fdBase = SoakFds.snapshot(dir);
        int threadBase = SoakFds.laioThreads();
        writeDataFile();
        if (backend != Backend.STANDALONE) {
            base = backend == Backend.EPOLL ? EventBase.create("epoll") : EventBase.create();
            base.setUncaughtHandler((ev, t) -> fail("uncaught in a callback: " + SoakFds.stack(t)));
        }
        Map<String, Integer> roundFdBase = SoakFds.snapshot(dir);
        try {
            long done = 0;
            while (done < calls && !failed()) {
                long budget = Math.min(calls - done, 20_000 + rnd.nextInt(30_000));
                runRound(budget);
                done += roundCalls;
                rounds++;
                if (calls >= 1_000_000 && rounds % 20 == 0) { // long runs: a sign of life now and then
                    LOG.info(String.format("[soak] %s %d calls after %d rounds, %.0f s", backend, totalCalls, rounds,
                            (System.nanoTime() - started) / 1e9));
                }
                if (!failed()) {
                    SoakFds.awaitThreads(threadBase, this::fail, "after round " + round + " closed its Laio");
                    SoakFds.awaitFds(roundFdBase, dir, this::fail, "after round " + round);
                }
            }
        } finally {
            if (base != null) {
                base.close();
            }
        }
        if (!failed()) {
            SoakFds.awaitThreads(threadBase, this::fail, "after the run");
            SoakFds.awaitFds(fdBase, dir, this::fail, "after the run (base closed)");
        }
    }

    void writeDataFile() throws IOException {
        Path p = dir.resolve("data.bin");
        if (!Files.exists(p) || Files.size(p) != DATA_SIZE) {
            Files.write(p, DATA);
            try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true); // clean pages, so DONTNEED really drops them
            }
        }
    }

    void runRound(long budget) throws Exception {
        round++;
        roundCalls = 0;
        roundBudget = budget;
        draining = closing = roundDone = quiescing = false;
        deferred.clear();
        lastPolled.clear(); // the last round's Laio is closed: its handles are never reused
        lastPolledOps.clear();
        boolean abrupt = ABRUPT_CLOSE && rnd.nextInt(4) == 0;
        config = LaioConfig.builder().maxHelpers(1 + rnd.nextInt(2)).maxQueued(rnd.nextInt(5))
                .helperIdle(Duration.ofNanos(500_000 + rnd.nextInt(2_000_000))).build();
        arena = Arena.ofShared();
        buffers.clear();
        openRoundFiles();
        laio = base == null ? Laio.create(config) : Laio.attach(base, config);
        lastProgress = System.nanoTime();
        if (base == null) {
            driveStandalone(abrupt);
        } else {
            driveAttached(abrupt);
        }
        if (!laioClosed) {
            timedClose();
            laioClosed = true;
        }
        if (abrupt) {
            abruptRounds++;
        }
        if (!inflight.isEmpty()) {
            if (!failed()) fail(inflight.size() + " calls never completed (lost), e.g. " + inflight.subList(0, Math.min(5, inflight.size()))
                    + " with " + config);
            inflight.clear();
            byHandle.clear();
            closeRoundFiles(false);
            return; // keep the arena: a lost call may still write into it
        }
        closeRoundFiles(true);
        arena.close();
    }

    boolean laioClosed;
    long maxCloseNanos;
    /** Driver passes that issued nothing and waited (1 ms timer attached, 2 ms poll standalone), and the time they took. */
    long idleWaits, idleNanos;
    /** Abrupt close without socket cancels: stream calls are finished first, the rest stay in flight. */
    boolean quiescing;

    void timedClose() {
        long t = System.nanoTime();
        laio.close();
        maxCloseNanos = Math.max(maxCloseNanos, System.nanoTime() - t);
    }

    /** Whether an abrupt close may happen now: always when socket calls may be cancelled, else once none is in flight. */
    boolean streamsQuiet() {
        if (CANCEL_SOCKETS && CANCEL_SENDS) {
            return true;
        }
        quiescing = true;
        for (Stream s : streams) {
            if (s.sendOp != null || s.recvOp != null) {
                return false;
            }
        }
        return true;
    }

    // -------------------------------------------------------------- standalone

    final LaioCompletion[] out = newCompletions(64);

    static LaioCompletion[] newCompletions(int n) {
        LaioCompletion[] a = new LaioCompletion[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LaioCompletion();
        }
        return a;
    }

    void driveStandalone(boolean abrupt) {
        laioClosed = false;
        while (!failed()) {
            boolean progress = false;
            if (!draining && roundCalls >= roundBudget) {
                if (abrupt && streamsQuiet()) {
                    closing = true;
                    timedClose();
                    laioClosed = true;
                    while (!inflight.isEmpty() && !failed() && !stalled()) {
                        pollOnce(Duration.ofMillis(5));
                    }
                    pollOnce(Duration.ZERO); // nothing more may come
                    finishRound();
                    return;
                }
                if (!abrupt) {
                    draining = true;
                    drainStart = System.nanoTime();
                }
            }
            for (int i = 0; i < 4; i++) {
                progress |= step();
            }
            long t = progress ? 0 : System.nanoTime();
            int n = pollOnce(progress ? Duration.ZERO : Duration.ofMillis(2));
            if (!progress) {
                idleWaits++;
                idleNanos += System.nanoTime() - t;
            }
            if (draining && inflight.isEmpty() && streamsSettled()) {
                finishRound();
                return;
            }
            if (n == 0 && !progress && stalled()) {
                return;
            }
        }
    }

    int pollOnce(Duration timeout) {
        int n = laio.poll(out, out.length, timeout);
        // entering poll ended the previous poll's completions: their handles are stale now
        // (except those cancelled before they ran, which are never reused, and after close)
        if (!closing) {
            for (int i = 0; i < lastPolled.size(); i++) {
                LaioHandle h = lastPolled.get(i);
                staleChecked++;
                if (!h.isStale()) {
                    fail("a handle reported by the previous poll is not stale after the next poll: " + h + " pinned="
                            + h.call.pinned + " viaWaiter=" + h.call.viaWaiter + " bias=" + h.call.bias + " for " + lastPolledOps.get(i));
                }
            }
        }
        lastPolled.clear();
        lastPolledOps.clear();
        for (int i = 0; i < n; i++) {
            LaioHandle h = out[i].handle();
            Op op = byHandle.remove(h);
            if (op == null) {
                fail("poll reported a completion for a handle not in flight (duplicate or phantom): " + out[i]);
                continue;
            }
            completed(op, out[i].returnValue(), out[i].errno());
            if (!op.cancelStopped) {
                lastPolled.add(h);
                lastPolledOps.add(op);
            }
        }
        return n;
    }

    boolean stalled() {
        long now = System.nanoTime();
        if (draining && now - drainStart > 4 * STALL_NANOS) {
            fail("the round's end did not settle: " + inflight.size() + " calls in flight " + inflight.subList(0, Math.min(8,
                    inflight.size())) + ", streams " + streamStates());
            return true;
        }
        if (inflight.isEmpty()) {
            lastProgress = now;
            return false;
        }
        if (now - lastProgress > STALL_NANOS) {
            fail("no completion for " + STALL_NANOS / 1_000_000_000L + " s with " + inflight.size() + " calls in flight (lost): "
                    + inflight.subList(0, Math.min(8, inflight.size())) + " config " + config + " stats " + laio.stats());
            return true;
        }
        return false;
    }

    // -------------------------------------------------------------- attached

    void driveAttached(boolean abrupt) {
        laioClosed = false;
        Runnable[] driver = new Runnable[1];
        driver[0] = () -> {
            if (roundDone) {
                return;
            }
            if (failed() || stalled()) {
                roundDone = true;
                base.loopExit(null);
                return;
            }
            if (closing) { // abrupt: the close delivered what it cancelled; wait for the rest
                if (inflight.isEmpty()) {
                    finishRound();
                    base.loopExit(null);
                } else {
                    base.once(null, Ev.TIMEOUT, (e, w, a) -> driver[0].run(), null, Duration.ofMillis(1));
                }
                return;
            }
            if (!draining && roundCalls >= roundBudget) {
                if (abrupt && streamsQuiet()) {
                    closing = true;
                    addDeferred(true);
                    timedClose(); // on the loop thread, with calls in flight
                    laioClosed = true;
                    base.execute(driver[0]);
                    return;
                }
                if (!abrupt) {
                    draining = true;
                    drainStart = System.nanoTime();
                }
            }
            boolean progress = false;
            for (int i = 0; i < 8; i++) {
                progress |= step();
            }
            if (draining && inflight.isEmpty() && streamsSettled()) {
                finishRound();
                base.loopExit(null);
                return;
            }
            if (progress) {
                base.execute(driver[0]);
            } else {
                idleWaits++;
                long t = System.nanoTime();
                base.once(null, Ev.TIMEOUT, (e, w, a) -> {
                    idleNanos += System.nanoTime() - t;
                    driver[0].run();
                }, null, Duration.ofMillis(1));
            }
        };
        base.execute(driver[0]);
        int r = base.loop(0);
        if (!roundDone && !failed()) {
            fail("the loop returned " + r + " before the round ended, with " + inflight.size() + " calls in flight");
        }
    }

    void onLaioEvent(Event ev, int what, Object arg) {
        Op op = (Op) arg;
        if (what != Ev.LAIO) {
            fail("an Ev.LAIO event fired with " + Ev.toString(what) + " for " + op);
        }
        if (op.completions > 0 || op.index < 0) {
            op.completions++;
            fail("a second completion (" + ev.result() + ", " + Errno.name(ev.error()) + ") for " + op);
            return;
        }
        completed(op, ev.result(), ev.error());
    }

    // ============================================================== issuing

    /** Issues one call (or a cancel); whether anything happened. */
    boolean step() {
        try {
            return step0();
        } catch (RuntimeException | Error e) {
            fail("threw: " + SoakFds.stack(e));
            return false;
        }
    }

    boolean step0() {
        step++;
        if (!deferred.isEmpty()) {
            addDeferred(false);
        }
        if (failed()) {
            return false;
        }
        if (!draining && !inflight.isEmpty() && rnd.nextInt(100) < 3) {
            Op op = inflight.get(rnd.nextInt(inflight.size()));
            if (!op.cancelRequested && cancellable(op)) {
                cancel(op);
                return true;
            }
        }
        if (draining) {
            return drainStep();
        }
        if (quiescing) {
            for (Stream s : streams) {
                if (s.recvOp == null && s.sendOp != null) {
                    return issueRecv(s, BUF); // lets the pending send finish
                }
                if (s.recvOp != null && s.sendOp == null && s.recvd >= s.sent) {
                    return issueSend(s, 1 + rnd.nextInt(100)); // the waiting receive needs bytes
                }
            }
        }
        int k = rnd.nextInt(100);
        if (k < 18) {
            return issueRead(false);
        } else if (k < 26) {
            return issueRead(true);
        } else if (k < 27) {
            return issueFadvise();
        } else if (k < 28) {
            return issueSeqRead();
        } else if (k < 36) {
            return issuePwrite();
        } else if (k < 40) {
            return issueVerify();
        } else if (k < 47) {
            return issueAppend();
        } else if (k < 82) {
            return quiescing ? false : streamStep(streams.get(rnd.nextInt(streams.size())));
        } else if (k < 86) {
            return issueSleep();
        } else if (k < 89) {
            return issueCall();
        } else if (k < 92) {
            return issueGetpid();
        } else if (k < 95) {
            return cycleFd();
        } else if (k < 96) {
            return cycleChannel();
        } else {
            Stream s = streams.get(rnd.nextInt(streams.size()));
            s.stallUntil = step + 50 + rnd.nextInt(rnd.nextInt(4) == 0 ? 5000 : 500);
            return false;
        }
    }

    /** Whether the switches let this call be cancelled. */
    static boolean cancellable(Op op) {
        return op.stream == null || (CANCEL_SOCKETS && (CANCEL_SENDS || op.kind != SEND));
    }

    void addDeferred(boolean all) {
        for (int i = deferred.size() - 1; i >= 0; i--) {
            Op op = deferred.get(i);
            if (all || op.addAt <= step) {
                deferred.remove(i);
                Event.set(base, op.handle, Ev.LAIO, this::onLaioEvent, op).add();
            }
        }
    }

    void cancel(Op op) {
        op.cancelRequested = true;
        cancels++;
        try {
            op.cancelStopped = laio.cancel(op.handle);
        } catch (RuntimeException e) {
            fail("cancel threw on a call in flight: " + e + " for " + op);
            return;
        }
        if (op.cancelStopped) {
            cancelsStopped++;
        }
    }

    MemorySegment buffer() {
        MemorySegment b = buffers.poll();
        return b != null ? b : arena.allocate(BUF, 4096);
    }

    void release(MemorySegment b) {
        if (b != null) {
            buffers.push(b);
        }
    }

    FdSlot openFdSlot() {
        FdSlot s = fdSlots[rnd.nextInt(FD_SLOTS)];
        return s.state == 0 ? s : null;
    }

    boolean issueRead(boolean vector) {
        FdSlot s = openFdSlot();
        if (s == null) {
            return false;
        }
        Op op = new Op(nextOpId++, vector ? PREADV : PREAD);
        op.fdSlot = s;
        op.buf = buffer();
        op.off = rnd.nextInt(rnd.nextInt(8) == 0 ? DATA_SIZE : 64 << 10); // mostly a hot region; past EOF sometimes near
        if (rnd.nextInt(32) == 0) {
            op.off = DATA_SIZE - 1 - rnd.nextInt(8000); // reads that end at EOF
        }
        if (!vector) {
            op.len = 1 + rnd.nextInt(rnd.nextBoolean() ? 512 : 16_384);
            op.buf.asSlice(0, op.len).fill((byte) 0x5A);
            s.busy++;
            return issue(op, Sys.SYS_pread64, s.fd, op.buf.address(), op.len, op.off, 0, 0);
        }
        int n = 1 + rnd.nextInt(4);
        op.iov = new int[2 * n];
        op.aux = op.buf.asSlice(BUF - 16 * n, 16 * n);
        int at = 0;
        for (int i = 0; i < n; i++) {
            int l = 1 + rnd.nextInt(4096);
            at += rnd.nextInt(64); // gaps between the buffers
            op.iov[2 * i] = at;
            op.iov[2 * i + 1] = l;
            op.aux.set(ValueLayout.JAVA_LONG, 16L * i, op.buf.address() + at);
            op.aux.set(ValueLayout.JAVA_LONG, 16L * i + 8, l);
            at += l;
            op.len += l;
        }
        op.buf.asSlice(0, at).fill((byte) 0x5A);
        s.busy++;
        return issue(op, Sys.SYS_preadv, s.fd, op.aux.address(), n, op.off, 0, 0);
    }

    /**
     * read(2) at the file position of a descriptor of the data file; a range ahead of it is now
     * and then dropped from the cache so the non-blocking probe reads part of it. A call refused
     * with EAGAIN must not have moved the position.
     */
    boolean issueSeqRead() {
        if (seqOp != null || !POSITION_READS) {
            return false;
        }
        if (seqPos >= DATA_SIZE) {
            SoakFds.lseek(seqFd, 0);
            seqPos = 0;
        }
        if (rnd.nextInt(4) == 0) {
            SoakFds.dropCache(seqFd, (seqPos & ~4095L) + 4096 * (1 + rnd.nextInt(4)), 4096 * (1 + rnd.nextInt(16)));
        }
        Op op = new Op(nextOpId++, READ);
        op.buf = buffer();
        op.len = 1 + rnd.nextInt(rnd.nextBoolean() ? 8192 : 65536);
        op.off = seqPos;
        seqOp = op;
        if (seqHistory.size() == 4) {
            seqHistory.poll();
        }
        seqHistory.add(op);
        return issue(op, Sys.SYS_read, seqFd, op.buf.address(), op.len, 0, 0, 0);
    }

    boolean issueFadvise() {
        FdSlot s = openFdSlot();
        if (s == null) {
            return false;
        }
        Op op = new Op(nextOpId++, FADVISE);
        op.fdSlot = s;
        op.off = rnd.nextInt(DATA_SIZE >> 12) << 12;
        op.len = 1 << (12 + rnd.nextInt(8));
        s.busy++;
        return issue(op, Sys.SYS_fadvise64, s.fd, op.off, op.len, 4 /* POSIX_FADV_DONTNEED */, 0, 0);
    }

    boolean issuePwrite() {
        int slot = rnd.nextInt(SLOTS);
        if (slotBusy[slot]) {
            return false;
        }
        Op op = new Op(nextOpId++, PWRITE);
        op.slot = slot;
        op.buf = buffer();
        int v = ++slotVersion[slot];
        op.len = 1 + rnd.nextInt(SLOT_SIZE);
        op.off = (long) slot * SLOT_SIZE;
        MemorySegment.copy(PATTERN, (slot * 1009 + v * 4099) % PERIOD, op.buf, ValueLayout.JAVA_BYTE, 0, op.len);
        slotBusy[slot] = true;
        return issue(op, Sys.SYS_pwrite64, wfd, op.buf.address(), op.len, op.off, 0, 0);
    }

    boolean issueVerify() {
        int slot = rnd.nextInt(SLOTS);
        if (slotBusy[slot]) {
            return false;
        }
        Op op = new Op(nextOpId++, VERIFY);
        op.slot = slot;
        op.buf = buffer();
        op.len = SLOT_SIZE;
        op.off = (long) slot * SLOT_SIZE;
        op.expect = slotImage[slot].clone();
        op.buf.asSlice(0, SLOT_SIZE).fill((byte) 0x5A);
        slotBusy[slot] = true;
        return issue(op, Sys.SYS_pread64, wfd, op.buf.address(), op.len, op.off, 0, 0);
    }

    static final int APPEND_MAGIC = 0x4C454447; // "LEDG"

    boolean issueAppend() {
        Op op = new Op(nextOpId++, APPEND);
        op.buf = buffer();
        int payload = rnd.nextInt(1024);
        op.len = 16 + payload;
        op.buf.set(ValueLayout.JAVA_INT_UNALIGNED, 0, APPEND_MAGIC);
        op.buf.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, op.id);
        op.buf.set(ValueLayout.JAVA_INT_UNALIGNED, 12, payload);
        MemorySegment.copy(PATTERN, (int) ((op.id * 31) % PERIOD), op.buf, ValueLayout.JAVA_BYTE, 16, payload);
        appendInFlight.put(op.id, op.len);
        return issue(op, Sys.SYS_write, afd, op.buf.address(), op.len, 0, 0, 0);
    }

    boolean issueSleep() {
        Op op = new Op(nextOpId++, NANOSLEEP);
        op.buf = buffer();
        op.buf.set(ValueLayout.JAVA_LONG, 0, 0);
        op.buf.set(ValueLayout.JAVA_LONG, 8, rnd.nextInt(8) == 0 ? rnd.nextInt(2_000_000) : rnd.nextInt(100_000));
        return issue(op, Sys.SYS_nanosleep, op.buf.address(), 0, 0, 0, 0, 0);
    }

    boolean issueCall() {
        Op op = new Op(nextOpId++, CALL);
        long id = op.id;
        long park = rnd.nextInt(8) == 0 ? rnd.nextInt(300_000) : rnd.nextInt(20_000);
        return issueJava(op, () -> {
            LockSupport.parkNanos(park);
            return id;
        });
    }

    boolean issueGetpid() {
        return issue(new Op(nextOpId++, GETPID), Sys.SYS_getpid, 0, 0, 0, 0, 0, 0);
    }

    /** Closes an idle data-file descriptor through LAIO; its completion reopens it (usually with the same number). */
    boolean cycleFd() {
        FdSlot s = fdSlots[rnd.nextInt(FD_SLOTS)];
        if (s.state == 2) {
            return reopen(s);
        }
        if (s.state != 0 || s.busy != 0) {
            return false;
        }
        Op op = new Op(nextOpId++, CLOSE);
        op.fdSlot = s;
        s.state = 1;
        s.busy++;
        fdCycles++;
        return issue(op, Sys.SYS_close, s.fd, 0, 0, 0, 0, 0);
    }

    MemorySegment dataPath;

    boolean reopen(FdSlot s) {
        Op op = new Op(nextOpId++, OPEN);
        op.fdSlot = s;
        s.state = 3;
        s.busy++;
        return issue(op, Sys.SYS_openat, -100, dataPath.address(), 0x80000 /* O_CLOEXEC */, 0, 0, 0);
    }

    // -------------------------------------------------------------- streams

    boolean streamStep(Stream s) {
        if (rnd.nextBoolean()) {
            if (s.sendOp != null) {
                return false;
            }
            return issueSend(s, 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 40_000 : 3000));
        }
        if (s.recvOp != null || step < s.stallUntil) {
            return false;
        }
        return issueRecv(s, 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 40_000 : 3000));
    }

    /** Draining: keep every stream moving until all is received and nothing waits. */
    boolean drainStep() {
        boolean progress = false;
        for (Stream s : streams) {
            long outstanding = s.sent + (s.sendOp != null ? s.sendOp.len : 0) - s.recvd;
            if (s.recvOp == null && s.recvd < s.sent + (s.sendOp != null ? s.sendOp.len : 0)) {
                progress |= issueRecv(s, (int) Math.min(BUF, Math.max(1, outstanding)));
            }
            if (s.recvOp != null && s.sendOp == null && s.recvd >= s.sent) {
                progress |= issueSend(s, 1 + rnd.nextInt(100)); // the waiting receive needs bytes
            }
        }
        for (FdSlot f : fdSlots) {
            if (f.state == 2) {
                progress |= reopen(f);
            }
        }
        return progress;
    }

    String streamStates() {
        StringBuilder b = new StringBuilder();
        for (Stream s : streams) {
            b.append("[").append(s.id).append(" sent=").append(s.sent).append(" recvd=").append(s.recvd).append(" send=")
                    .append(s.sendOp).append(" recv=").append(s.recvOp).append("]");
        }
        return b.toString();
    }

    boolean streamsSettled() {
        for (Stream s : streams) {
            if (s.recvd != s.sent || s.sendOp != null || s.recvOp != null) {
                return false;
            }
        }
        for (FdSlot f : fdSlots) {
            if (f.state != 0) {
                return false;
            }
        }
        return true;
    }

    boolean issueSend(Stream s, int len) {
        Op op = new Op(nextOpId++, SEND);
        op.stream = s;
        op.buf = buffer();
        op.len = len;
        op.off = s.sent;
        MemorySegment.copy(PATTERN, streamIndex(s.id, s.sent), op.buf, ValueLayout.JAVA_BYTE, 0, len);
        s.sendOp = op;
        return s.pipe ? issue(op, Sys.SYS_write, s.wfd, op.buf.address(), len, 0, 0, 0)
                : issue(op, Sys.SYS_sendto, s.wfd, op.buf.address(), len, 0x4000 /* MSG_NOSIGNAL */, 0, 0);
    }

    boolean issueRecv(Stream s, int len) {
        Op op = new Op(nextOpId++, RECV);
        op.stream = s;
        op.buf = buffer();
        op.len = len;
        op.off = s.recvd;
        s.recvOp = op;
        return s.pipe ? issue(op, Sys.SYS_read, s.rfd, op.buf.address(), len, 0, 0, 0)
                : issue(op, Sys.SYS_recvfrom, s.rfd, op.buf.address(), len, 0, 0, 0);
    }

    /** Closes an idle channel (checking what is left in it) and opens a new one: descriptor numbers are reused. */
    boolean cycleChannel() {
        int i = rnd.nextInt(channels.size());
        int[] c = channels.get(i);
        List<Stream> mine = new ArrayList<>();
        for (Stream s : streams) {
            if (s.wfd == c[1] || s.wfd == c[2]) {
                if (s.sendOp != null || s.recvOp != null) {
                    return false;
                }
                mine.add(s);
            }
        }
        for (Stream s : mine) {
            checkLeftovers(s);
        }
        streams.removeAll(mine);
        SoakFds.close(c[1]);
        SoakFds.close(c[2]);
        channels.remove(i);
        openChannel(c[0] == 1);
        chanCycles++;
        return true;
    }

    void openChannel(boolean pipe) {
        int[] fds = pipe ? SoakFds.pipe() : SoakFds.socketpair();
        channels.add(new int[] {pipe ? 1 : 0, fds[0], fds[1]});
        if (pipe) {
            streams.add(new Stream(nextStreamId++, true, fds[1], fds[0]));
        } else {
            streams.add(new Stream(nextStreamId++, false, fds[0], fds[1]));
            streams.add(new Stream(nextStreamId++, false, fds[1], fds[0]));
        }
    }

    /** Nothing in flight on the stream: exactly sent - recvd bytes, the right ones, are left to read. */
    void checkLeftovers(Stream s) {
        byte[] left = SoakFds.readAvailable(s.rfd, s.pipe);
        long want = s.sent - s.recvd;
        int n = (int) Math.min(left.length, Math.max(0, want));
        int bad = mismatch(left, 0, s, s.recvd, n);
        if (left.length != want || bad >= 0) {
            fail("stream " + s.id + (s.pipe ? " (pipe)" : " (socket)") + ": after its calls completed, " + left.length
                    + " bytes were left to read where " + want + " were sent and not received"
                    + (bad >= 0 ? "; first wrong byte at stream position " + (s.recvd + bad) : "")
                    + " (a send reported cancelled or refused that sent bytes, or a receive that lost them); last sends that"
                    + " completed ECANCELED: " + s.cancelledSends);
        }
    }

    /** Index of the first byte of {@code got[at..at+n)} that differs from stream s at pos, or -1. */
    static int mismatch(byte[] got, int at, Stream s, long pos, int n) {
        int i = java.util.Arrays.mismatch(got, at, at + n, PATTERN, streamIndex(s.id, pos), streamIndex(s.id, pos) + n);
        return i;
    }

    // -------------------------------------------------------------- issue and settle

    boolean issue(Op op, long nr, long a1, long a2, long a3, long a4, long a5, long a6) {
        long r = laio.syscall(nr, a1, a2, a3, a4, a5, a6);
        return issued(op, r);
    }

    boolean issueJava(Op op, BlockingOp body) {
        long r = laio.call(body);
        return issued(op, r);
    }

    boolean issued(Op op, long r) {
        int e = Laio.errno();
        LaioHandle h = laio.gethandle();
        trace[traceAt++ % trace.length] = op;
        if (r == -1 && e == Errno.EINPROGRESS) {
            if (h == null) {
                fail("EINPROGRESS without a handle: " + op);
                return true;
            }
            op.background = true;
            op.handle = h;
            op.round = round;
            op.index = inflight.size();
            inflight.add(op);
            roundCalls++;
            totalCalls++;
            backgroundCalls++;
            perKind[op.kind]++;
            if (base == null) {
                if (byHandle.put(h, op) != null) {
                    fail("gethandle() returned a handle that is still in flight: " + h + " for " + op);
                }
            } else if (rnd.nextInt(10) == 0) {
                op.addAt = step + rnd.nextInt(40); // its completion may arrive first: it is kept and delivered at add()
                deferred.add(op);
                deferredAdds++;
            } else {
                Event.set(base, h, Ev.LAIO, this::onLaioEvent, op).add();
            }
            if (rnd.nextInt(50) == 0 && cancellable(op)) {
                cancel(op); // at once, most likely while queued
            }
            return true;
        }
        if (h != null) {
            fail("a call that did not go to the background left a handle: r=" + r + " " + Errno.name(e) + " " + op);
        }
        if (r == -1 && e == Errno.EAGAIN) {
            refused++;
            op.errno = e;
            undo(op); // back-pressure: nothing started
            return false;
        }
        roundCalls++;
        totalCalls++;
        inlineCalls++;
        perKind[op.kind]++;
        settle(op, r, r == -1 ? e : 0);
        return true;
    }

    void completed(Op op, long r, int e) {
        lastProgress = System.nanoTime();
        op.completions++;
        if (op.index < 0 || op.completions > 1) {
            fail("completion #" + op.completions + " (" + r + ", " + Errno.name(e) + ") for a call no longer in flight: " + op);
            return;
        }
        Op last = inflight.remove(inflight.size() - 1);
        if (last != op) {
            inflight.set(op.index, last);
            last.index = op.index;
        }
        op.index = -1;
        settle(op, r, e);
    }

    /** A refused (EAGAIN) call: give back what it held. */
    void undo(Op op) {
        switch (op.kind) {
            case PREAD, PREADV, FADVISE -> op.fdSlot.busy--;
            case PWRITE -> {
                slotBusy[op.slot] = false;
            }
            case VERIFY -> slotBusy[op.slot] = false;
            case READ -> seqOp = null;
            case APPEND -> appendInFlight.remove(op.id);
            case SEND -> op.stream.sendOp = null;
            case RECV -> op.stream.recvOp = null;
            case CLOSE -> {
                op.fdSlot.busy--;
                op.fdSlot.state = 0;
            }
            case OPEN -> {
                op.fdSlot.busy--;
                op.fdSlot.state = 2;
            }
            default -> { }
        }
        release(op.buf);
    }

    /** Reads and writes: a call of this kind stopped part-way reports the bytes it moved. */
    private static boolean movesBytes(int kind) {
        return kind == PREAD || kind == PREADV || kind == READ || kind == PWRITE || kind == VERIFY || kind == SEND
                || kind == RECV;
    }

    void settle(Op op, long r, int e) {
        op.result = r;
        op.errno = e;
        if (r == -1 && e == Errno.ECANCELED) {
            if (!op.cancelRequested && !closing) {
                fail("ECANCELED although nothing cancelled the call: " + op);
            }
            // a socket or pipe wait cancelled while a retry ran (cancel() false) ends cancelled when
            // the retry would block again; any other running call completes normally
            if (op.cancelRequested && !op.cancelStopped && !closing && op.kind != SEND && op.kind != RECV) {
                fail("cancel() returned false (running) but the call completed ECANCELED: " + op);
            }
            if (op.kind == APPEND) {
                appendCancelled.add(op.id);
            } else if (op.kind == SEND) {
                List<Op> c = op.stream.cancelledSends;
                if (c.size() == 2) {
                    c.remove(0);
                }
                c.add(op);
            }
            undo(op);
            return;
        }
        // A call stopped before it completed (cancel() true, close, or a cancelled socket wait whose
        // retry would block again) reports the bytes it moved, a short count: only then may a
        // background read or write be short.
        boolean stopped = op.cancelStopped || closing || op.cancelRequested && (op.kind == SEND || op.kind == RECV);
        if (op.cancelStopped && !(r > 0 && e == 0 && movesBytes(op.kind))) {
            fail("cancel() returned true (stopped before it ran) but the call completed (" + r + ", " + Errno.name(e) + "): " + op);
        }
        boolean whole = op.background && !stopped;
        if (r == -1) {
            fail("unexpected failure " + Errno.name(e) + ": " + op);
            undo(op);
            return;
        }
        switch (op.kind) {
            case PREAD, PREADV -> {
                op.fdSlot.busy--;
                long want = Math.min(op.len, DATA_SIZE - op.off);
                if (r > want || r < 0 || (r < want && (whole || STRICT_SHORT || r == 0))) {
                    fail(KIND[op.kind] + " returned " + r + " where " + want + " bytes were there" + (whole
                            ? " (a background read reports the total)" : "") + ": " + op);
                } else if (op.kind == PREAD) {
                    shortInline[op.kind] += r < want ? 1 : 0;
                    long bad = MemorySegment.mismatch(op.buf, 0, r, MemorySegment.ofArray(DATA), op.off, op.off + r);
                    if (bad >= 0) {
                        fail("pread byte " + bad + " differs from the file: " + op);
                    }
                } else {
                    shortInline[op.kind] += r < want ? 1 : 0;
                    long done = 0;
                    for (int i = 0; i < op.iov.length && done < r; i += 2) {
                        long l = Math.min(op.iov[i + 1], r - done);
                        long bad = MemorySegment.mismatch(op.buf, op.iov[i], op.iov[i] + l, MemorySegment.ofArray(DATA),
                                op.off + done, op.off + done + l);
                        if (bad >= 0) {
                            fail("preadv buffer " + i / 2 + " byte " + bad + " differs from the file: " + op);
                        }
                        done += l;
                    }
                }
            }
            case FADVISE -> {
                op.fdSlot.busy--;
                expect(op, r == 0);
            }
            case READ -> {
                seqOp = null;
                long want = Math.min(op.len, DATA_SIZE - op.off);
                if (r > want || (r < want && (whole || STRICT_SHORT || r == 0))) {
                    fail("read returned " + r + " where " + want + " bytes were there: " + op);
                } else {
                    shortInline[READ] += r < want ? 1 : 0;
                    long bad = MemorySegment.mismatch(op.buf, 0, r, MemorySegment.ofArray(DATA), op.off, op.off + r);
                    if (bad >= 0) {
                        fail("read(2) byte " + bad + " differs from the file at position " + op.off + " (the file position moved"
                                + " under a refused or cancelled call, or bytes were skipped): " + op + "; the last read(2) calls: "
                                + seqHistory);
                    }
                    seqPos += r;
                }
            }
            case PWRITE -> {
                slotBusy[op.slot] = false;
                if (r <= 0 || r > op.len || (r < op.len && whole)) {
                    fail("pwrite returned " + r + " for " + op.len + " bytes: " + op);
                } else {
                    MemorySegment.copy(op.buf, ValueLayout.JAVA_BYTE, 0, slotImage[op.slot], 0, (int) r);
                }
            }
            case VERIFY -> {
                slotBusy[op.slot] = false;
                if (r != SLOT_SIZE && (whole || r <= 0 || r > SLOT_SIZE)) {
                    fail("verify read of slot returned " + r + ": " + op);
                } else {
                    long bad = MemorySegment.mismatch(op.buf, 0, r, MemorySegment.ofArray(op.expect), 0, r);
                    if (bad >= 0) {
                        fail("slot " + op.slot + " reads back wrong at byte " + bad + " (a lost, doubled or reordered pwrite): " + op);
                    }
                }
            }
            case APPEND -> {
                appendInFlight.remove(op.id);
                if (r != op.len) {
                    fail("append returned " + r + " for a record of " + op.len + ": " + op);
                }
                appended.add(op.id);
            }
            case SEND -> {
                Stream s = op.stream;
                s.sendOp = null;
                if (r <= 0 || r > op.len || (r < op.len && whole)) {
                    fail("send returned " + r + " for " + op.len + " bytes (a background send completes in its entirety): " + op);
                } else {
                    s.sent += r;
                    streamBytes += r;
                }
            }
            case RECV -> {
                Stream s = op.stream;
                s.recvOp = null;
                long mayHave = s.sent + (s.sendOp != null ? s.sendOp.len : 0) - s.recvd;
                if (r <= 0 || r > op.len || r > mayHave) {
                    fail("receive returned " + r + " for " + op.len + " bytes with at most " + mayHave + " sent: " + op
                            + "; last sends that completed ECANCELED: " + s.cancelledSends);
                } else {
                    byte[] got = new byte[(int) r];
                    MemorySegment.copy(op.buf, ValueLayout.JAVA_BYTE, 0, got, 0, (int) r);
                    int bad = mismatch(got, 0, s, s.recvd, (int) r);
                    if (bad >= 0) {
                        fail("stream " + s.id + " byte at position " + (s.recvd + bad) + " is wrong (lost, doubled or reordered bytes): "
                                + op);
                    }
                    s.recvd += r;
                }
            }
            case NANOSLEEP -> expect(op, r == 0);
            case CALL -> expect(op, r == op.id);
            case GETPID -> expect(op, r == pid);
            case CLOSE -> {
                op.fdSlot.busy--;
                expect(op, r == 0);
                op.fdSlot.fd = -1;
                op.fdSlot.state = 2;
            }
            case OPEN -> {
                op.fdSlot.busy--;
                op.fdSlot.fd = (int) r;
                op.fdSlot.state = 0;
            }
            default -> fail("unknown kind " + op);
        }
        release(op.buf);
    }

    void expect(Op op, boolean ok) {
        if (!ok) {
            fail("wrong result: " + op);
        }
    }

    // -------------------------------------------------------------- round files

    void openRoundFiles() throws IOException {
        Path w = dir.resolve("slots.bin");
        Files.write(w, new byte[SLOTS * SLOT_SIZE]);
        for (int i = 0; i < SLOTS; i++) {
            slotImage[i] = new byte[SLOT_SIZE];
            slotVersion[i] = 0;
            slotBusy[i] = false;
        }
        Path a = dir.resolve("append.log");
        Files.deleteIfExists(a);
        wfd = SoakFds.open(w.toString(), 2 /* O_RDWR */);
        afd = SoakFds.open(a.toString(), 1 | 0x40 | 0x400 /* O_WRONLY|O_CREAT|O_APPEND */);
        appended.clear();
        appendCancelled.clear();
        appendInFlight.clear();
        dataPath = arena.allocateFrom(dir.resolve("data.bin").toString());
        seqFd = SoakFds.open(dir.resolve("data.bin").toString(), 0);
        seqPos = 0;
        seqOp = null;
        fdSlots = new FdSlot[FD_SLOTS];
        for (int i = 0; i < FD_SLOTS; i++) {
            fdSlots[i] = new FdSlot(i);
            fdSlots[i].fd = SoakFds.open(dir.resolve("data.bin").toString(), 0);
        }
        streams.clear();
        channels.clear();
        for (int i = 0; i < CHANNELS; i++) {
            openChannel(i % 3 == 2);
        }
    }

    /** Round end: every call has completed; check the files and streams, then close everything. */
    void finishRound() {
        roundDone = true;
        for (Stream s : streams) {
            if (s.sendOp == null && s.recvOp == null) {
                checkLeftovers(s);
            }
        }
    }

    void closeRoundFiles(boolean check) throws IOException {
        for (int[] c : channels) {
            SoakFds.close(c[1]);
            SoakFds.close(c[2]);
        }
        channels.clear();
        streams.clear();
        for (FdSlot s : fdSlots) {
            if (s.fd >= 0 && (s.state == 0 || s.state == 1)) {
                SoakFds.close(s.fd);
            }
        }
        SoakFds.close(wfd);
        SoakFds.close(afd);
        SoakFds.close(seqFd);
        if (!check || failed()) {
            return;
        }
        byte[] w = Files.readAllBytes(dir.resolve("slots.bin"));
        for (int i = 0; i < SLOTS; i++) {
            int bad = java.util.Arrays.mismatch(w, i * SLOT_SIZE, (i + 1) * SLOT_SIZE, slotImage[i], 0, SLOT_SIZE);
            if (bad >= 0) {
                fail("slots file: slot " + i + " differs at byte " + bad + " from the writes that completed (version "
                        + slotVersion[i] + ")");
            }
        }
        checkAppendLog(Files.readAllBytes(dir.resolve("append.log")));
    }

    void checkAppendLog(byte[] log) {
        MemorySegment m = MemorySegment.ofArray(log);
        Set<Long> seen = new HashSet<>();
        int at = 0;
        while (at < log.length) {
            if (log.length - at < 16 || m.get(ValueLayout.JAVA_INT_UNALIGNED, at) != APPEND_MAGIC) {
                fail("append log: no record at offset " + at + " of " + log.length + " (a torn or partial append)");
                return;
            }
            long id = m.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 4);
            int payload = m.get(ValueLayout.JAVA_INT_UNALIGNED, at + 12);
            if (payload < 0 || payload > 1024 || at + 16 + payload > log.length
                    || java.util.Arrays.mismatch(log, at + 16, at + 16 + payload, PATTERN, (int) ((id * 31) % PERIOD),
                            (int) ((id * 31) % PERIOD) + payload) >= 0) {
                fail("append log: record " + id + " at offset " + at + " is corrupt");
                return;
            }
            if (!seen.add(id)) {
                fail("append log: record " + id + " was written twice (a doubled write)");
            }
            if (appendCancelled.contains(id)) {
                fail("append log: record " + id + " is in the file although its write completed ECANCELED");
            } else if (!appended.contains(id)) {
                fail("append log: record " + id + " is in the file but its write never reported success");
            }
            at += 16 + payload;
        }
        for (long id : appended) {
            if (!seen.contains(id)) {
                fail("append log: record " + id + " reported written but missing (a lost write)");
                return;
            }
        }
    }

    String figures() {
        StringBuilder b = new StringBuilder();
        b.append(backend).append(": ").append(totalCalls).append(" calls (").append(inlineCalls).append(" inline, ")
                .append(backgroundCalls).append(" background), ").append(refused).append(" refused (EAGAIN), ")
                .append(cancels).append(" cancels (").append(cancelsStopped).append(" stopped), ").append(rounds)
                .append(" rounds (").append(abruptRounds).append(" closed with calls in flight), ").append(fdCycles)
                .append(" fd close/reopen, ").append(chanCycles).append(" channel cycles, ").append(streamBytes)
                .append(" stream bytes, ").append(deferredAdds).append(" events added late, ").append(staleChecked).append(" stale handles checked, short inline reads pread=")
                .append(shortInline[PREAD]).append(" preadv=").append(shortInline[PREADV]).append(" read=").append(shortInline[READ]).append(", ").append(idleWaits).append(" idle waits (").append(idleNanos / 1_000_000).append(" ms), longest close ")
                .append(maxCloseNanos / 1_000_000).append(" ms; per kind:");
        for (int i = 0; i < KIND.length; i++) {
            b.append(' ').append(KIND[i]).append('=').append(perKind[i]);
        }
        return b.toString();
    }
}
