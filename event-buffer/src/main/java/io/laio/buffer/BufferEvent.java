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

package io.laio.buffer;

import io.laio.BlockingOp;
import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A buffered connection over a raw socket descriptor, libevent's {@code bufferevent}: bytes
 * read from the socket collect in {@link #input()}, bytes put in {@link #output()} are written
 * to it, and a {@link BufferEventHandler} hears of new input, of output drained, and of
 * connect, end-of-file, errors and timeouts. Every socket call is a {@link Laio} call: it runs
 * inline when the socket is ready and otherwise completes in the background as an
 * {@link Ev#LAIO} event (on an {@code epoll} base it waits on the loop's own epoll, with no
 * thread), so nothing here ever blocks the loop.
 *
 * <p><b>Threading.</b> Everything on the loop thread of the {@link Laio}'s base (or on the
 * thread that owns the base before its loop runs); every handler method runs there.
 *
 * <p><b>Reading</b> is off until {@link #enable enable(Ev.READ)} (as in libevent). While it
 * is on, one {@code recvfrom} of up to one segment is always outstanding; each read's bytes
 * are appended to the input, and {@link BufferEventHandler#onRead} runs when the input then
 * holds at least the read <em>low</em> watermark. With a read <em>high</em> watermark, a read
 * asks for no more than the room left below it, and reading pauses while the input holds that
 * much: the peer is held back by TCP flow control and memory stays bounded. It resumes by
 * itself as soon as the input is drained below the mark, wherever that happens. A read of 0
 * bytes is end-of-file: {@link #EOF}|{@link #READING}, and reading stops for good.
 *
 * <p><b>Writing</b> is on from the start. Whatever is appended to the output is written, in
 * order, once the callback that appended it returns: what {@link BufferEventHandler#onRead}
 * appends goes out before the next read is posted, anything else in this or the next loop pass
 * (appending in a callback batches), one segment or file range per call ({@code sendto} with {@code MSG_NOSIGNAL}, or {@code sendfile} for a file
 * range). {@link BufferEventHandler#onWrite} runs after a write leaves the output at or below
 * the write low watermark (0: empty). The write high watermark is advice for producers:
 * {@link #isWritable()} is false while the output holds that much or more (a proxy stops
 * reading its other side until {@code onWrite}).
 *
 * <p><b>Timeouts.</b> The read timeout runs while a read waits for data and restarts with
 * each read; the write timeout runs while a write (or the connect) waits for the socket and
 * restarts with each write. On expiry the call is cancelled, that direction is disabled, and
 * {@link #TIMEOUT} with {@link #READING} or {@link #WRITING} is reported. Enable it again to
 * go on waiting.
 *
 * <p><b>Memory and closing.</b> The connection owns its descriptor, its two buffers and their
 * segments. {@link #close()} cancels the calls in flight and, once the kernel has let go of
 * their memory (at once for calls that were waiting), closes the descriptor and empties both
 * buffers; no handler method runs after {@code close()}. {@link #closeWhenFlushed()} stops
 * reading and closes once every output byte has been written, or at a write error.
 */
public final class BufferEvent {
    /** Event flag: the error, timeout or end-of-file met reading. */
    public static final int READING = 0x01;
    /** Event flag: the error or timeout met writing (or connecting). */
    public static final int WRITING = 0x02;
    /** Event flag: the peer closed its side (a read returned 0). */
    public static final int EOF = 0x10;
    /** Event flag: a socket call failed; the errno comes with it. */
    public static final int ERROR = 0x20;
    /** Event flag: a read or write timeout elapsed. */
    public static final int TIMEOUT = 0x40;
    /** Event flag: {@link #connect} succeeded. */
    public static final int CONNECTED = 0x80;

    private static final Logger LOG = LoggerFactory.getLogger(BufferEvent.class);
    private static final long MSG_NOSIGNAL = 0x4000;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM = 1;
    private static final int SOCK_NONBLOCK = 04000;
    private static final int SOCK_CLOEXEC = 02000000;
    /** The most one sendfile is asked for (the kernel's own cap is about 2 GiB). */
    private static final long MAX_SENDFILE = 1L << 30;
    private static final Duration RETRY = Duration.ofMillis(1);
    /**
     * With TLS, the ciphertext that may wait to be sent before the next piece of a file range is
     * read: a large file over a slow peer holds this much memory, not the file.
     */
    private static final long TLS_FILE_AHEAD = 64 * 1024;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Scratch: the sendfile offset at 0, a sockaddr at {@link #SOCKADDR}. */
    private static final long SOCKADDR = 8;

    private static final EventCallback ON_READ = (ev, what, arg) -> ((BufferEvent) arg).readCompleted(ev.result(), ev.error());
    private static final EventCallback ON_WRITE = (ev, what, arg) -> ((BufferEvent) arg).writeCompleted(ev.result(), ev.error());
    private static final EventCallback ON_CONNECT = (ev, what, arg) -> ((BufferEvent) arg).connectCompleted(ev.result(), ev.error());
    private static final EventCallback ON_RESOLVE = (ev, what, arg) ->
            ((BufferEvent) arg).resolveCompleted(ev.result(), ((LaioHandle) ev.source()).exception());
    private static final EventCallback ON_FILE_READ = (ev, what, arg) -> ((BufferEvent) arg).fileReadCompleted(ev.result(), ev.error());
    private static final EventCallback ON_TASK = (ev, what, arg) -> ((BufferEvent) arg).taskCompleted();
    private static final EventCallback ON_KICK = (ev, what, arg) -> ((BufferEvent) arg).kicked();
    private static final EventCallback ON_READ_TIMEOUT = (ev, what, arg) -> ((BufferEvent) arg).readTimedOut();
    private static final EventCallback ON_WRITE_TIMEOUT = (ev, what, arg) -> ((BufferEvent) arg).writeTimedOut();

    private final Laio laio;
    private final EventBase base;
    private final SegmentPool pool;
    private final BufferEventHandler handler;
    private final EvBuffer input;
    private final EvBuffer output;
    /** What the socket calls read into and write from: the input and output, or TLS's ciphertext buffers. */
    private EvBuffer sockIn;
    private EvBuffer sockOut;
    private TlsSession tls;
    /** The engine threw: it is closed, and nothing more is wrapped or unwrapped. */
    private boolean tlsBroken;
    /** The events of a TLS end (close_notify) or failure not yet reported ({@link #reportTls}), or 0. */
    private int tlsReport;
    /** Inside {@link #arrived}: a TLS failure waits until {@code onRead} had the bytes before it. */
    private boolean delivering;
    private LaioHandle taskCall;
    private final MemorySegment scratch = Arena.ofAuto().allocate(64, 8);
    private final Event kick;
    private final Event readTimer;
    private final Event writeTimer;
    private int fd;
    private int enabled = Ev.WRITE;
    private boolean connected;
    private boolean eof;
    private boolean readFailed;
    private boolean writeFailed;
    private boolean closed;
    private boolean released;
    private boolean closeWhenFlushed;
    private boolean kickPending;
    /**
     * Inside {@link #deliver}: the kick that appending to the output or draining the input would
     * schedule is owed instead ({@link #kickOwed}), since the caller writes and reads next itself.
     */
    private boolean deferKick;
    private boolean kickOwed;
    private boolean inRead;
    private boolean inWrite;
    private long readLow;
    private long readHigh;
    private long writeLow;
    private long writeHigh;
    private Duration readTimeout;
    private Duration writeTimeout;
    /** The segment the outstanding (or next) read fills; not in the input until the read is done. */
    private Chunk readChunk;
    private LaioHandle readCall;
    private LaioHandle writeCall;
    /**
     * The handles and events of the last read and write waits, re-pointed at the next
     * ({@link Laio#gethandle(LaioHandle)}, {@link Event#assign}): a keep-alive connection's waits
     * allocate nothing.
     */
    private LaioHandle readHandle;
    private LaioHandle writeHandle;
    private Event readEvent;
    private Event writeEvent;
    /** With TLS: the pread of a file range's next piece, and the segment it fills. */
    private LaioHandle fileReadCall;
    private LaioHandle fileReadHandle;
    private Event fileReadEvent;
    private Chunk fileReadChunk;
    private LaioHandle connectCall;
    private LaioHandle resolveCall;
    private Resolve resolve;
    private InetAddress[] addresses;
    private int nextAddress;
    private int port;
    private Throwable failure;
    private CompletableFuture<BufferEvent> connectedStage;
    private CompletableFuture<BufferEvent> flushedStage;

    private BufferEvent(Laio laio, int fd, SegmentPool pool, BufferEventHandler handler) {
        this.laio = Objects.requireNonNull(laio, "laio");
        this.base = laio.base();
        if (base == null) {
            throw new IllegalArgumentException("the Laio must be attached to an EventBase (Laio.attach)");
        }
        this.pool = Objects.requireNonNull(pool, "pool");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.fd = fd;
        this.connected = fd >= 0;
        this.input = new EvBuffer(pool);
        this.output = new EvBuffer(pool);
        input.watcher = this;
        output.watcher = this;
        this.sockIn = input;
        this.sockOut = output;
        this.kick = Event.set(base, null, Ev.TIMEOUT, ON_KICK, this);
        this.readTimer = Event.set(base, null, Ev.TIMEOUT, ON_READ_TIMEOUT, this);
        this.writeTimer = Event.set(base, null, Ev.TIMEOUT, ON_WRITE_TIMEOUT, this);
    }

    /**
     * A connection over {@code fd}, a connected non-blocking stream socket (for example from
     * {@code accept4(…, SOCK_NONBLOCK)}), or over nothing yet ({@code fd == -1}) for
     * {@link #connect}. The connection owns {@code fd} from now on and closes it in
     * {@link #close()}.
     *
     * @param laio    the Laio its socket calls go through; attached to the loop it runs on
     * @param fd      the socket, or -1
     * @param pool    where its buffers' segments come from (one per loop)
     * @param handler its callbacks
     * @return the connection: writing enabled, reading not yet
     * @throws IllegalArgumentException if {@code laio} is not attached to a base
     */
    public static BufferEvent socket(Laio laio, int fd, SegmentPool pool, BufferEventHandler handler) {
        if (fd < -1) {
            throw new IllegalArgumentException("fd " + fd);
        }
        return new BufferEvent(laio, fd, pool, handler);
    }

    /** Bytes read and not yet drained by the user. @return the input buffer (the user drains it) */
    public EvBuffer input() {
        return input;
    }

    /** Bytes to write. @return the output buffer (the user appends to it) */
    public EvBuffer output() {
        return output;
    }

    /** The socket. @return its descriptor, or -1 before connect created one or after close released it */
    public int fd() {
        return fd;
    }

    /** The loop it runs on. @return the Laio's base */
    public EventBase base() {
        return base;
    }

    /** Whether the socket is connected (given connected, or {@link #CONNECTED} reported). @return that */
    public boolean connected() {
        return connected;
    }

    /** The enabled directions. @return {@link Ev#READ} and/or {@link Ev#WRITE} */
    public int enabled() {
        return enabled;
    }

    /**
     * The exception behind the last {@link #ERROR} when there was one: the resolver's
     * ({@link java.net.UnknownHostException}) after a failed {@link #connect(String, int)}.
     *
     * @return it, or {@code null}
     */
    public Throwable failure() {
        return failure;
    }

    /**
     * Whether the output holds less than the write high watermark (always true without one).
     * With TLS the ciphertext not yet sent counts too, since the filter empties the output into
     * it at once.
     *
     * @return {@code true} when a producer may add more
     */
    public boolean isWritable() {
        return writeHigh == 0 || output.length() + (sockOut == output ? 0 : sockOut.length()) < writeHigh;
    }

    /**
     * Makes this a TLS connection: from now on the input and output hold plaintext, and
     * {@code engine} turns it into the ciphertext the socket carries (libevent's
     * {@code bufferevent_openssl_filter_new}). Configure the engine first (client or server
     * mode, ALPN through {@link javax.net.ssl.SSLParameters#setApplicationProtocols}, client
     * authentication). The handshake starts once connected — at once for an accepted socket —
     * and reads what it needs even while reading is disabled; its delegated tasks run as
     * {@link Laio#call LAIO Java calls} on a helper lane, never on the loop. {@link #CONNECTED}
     * is reported when the handshake is done (then {@link #tlsEngine()} tells the session and
     * the application protocol). A failed handshake or a bad record is {@link #ERROR} with
     * {@link Errno#EPROTO} and the {@link javax.net.ssl.SSLException} in {@link #failure()};
     * the peer's close_notify is {@link #EOF}; end-of-file without it (a truncation attack) is
     * {@link #ERROR}|{@link #READING} with {@link Errno#EPROTO}. Both are reported only after
     * {@code onRead} ran for every byte decrypted before them, even when one read brought both.
     * {@link #closeWhenFlushed()} sends close_notify after the last byte (after a read error
     * too); {@link #close()} sends nothing.
     *
     * <p><b>A new handshake in mid-stream.</b> TLS 1.2 renegotiation — a ClientHello from the
     * client, or the HelloRequest a server asks for one with — is refused: the record is never
     * given to the engine (the JDK's would accept it, and has no per-engine switch), every byte
     * before it is delivered ({@code onRead}), then {@link #ERROR}|{@link #READING} is reported
     * with {@link Errno#EPROTO} and an {@link SSLException} in {@link #failure()} whose message
     * says "TLS renegotiation refused". Reading stops for good; writing goes on under the
     * current keys, so a reply and close_notify can still be sent ({@code closeWhenFlushed});
     * the peer, waiting for its handshake, sees the close as its refusal. TLS 1.3 has no
     * renegotiation: its KeyUpdate (and a client's NewSessionTicket) travel inside application
     * records and are handled by the engine, answering a requested KeyUpdate, with no event.
     * Post-handshake client authentication is not reachable: the JDK neither offers nor
     * requests it.
     *
     * <p><b>File ranges</b> in the output are read through rather than sendfile'd (their bytes
     * must be encrypted): {@code pread} through LAIO, a segment at a time (a cold file waits on
     * a helper), while less than 64 KiB of ciphertext waits to be sent, so a large file to a
     * slow peer holds little memory. The output's head is locked while such a read is in the
     * kernel. A file shorter than its range is {@link #WRITING}|{@link #ERROR} with
     * {@link Errno#EIO}, as without TLS.
     *
     * @param engine a new engine, not yet used
     * @throws IllegalStateException if TLS was started already, or bytes were read already
     */
    public void startTls(SSLEngine engine) {
        checkOpen();
        if (tls != null || readCall != null || !input.isEmpty()) {
            throw new IllegalStateException("TLS must start before anything is read, and only once");
        }
        sockIn = new EvBuffer(pool);
        sockOut = new EvBuffer(pool);
        sockIn.watcher = this;
        sockOut.watcher = this;
        tls = new TlsSession(Objects.requireNonNull(engine, "engine"), sockIn, sockOut, input, output);
        if (connected) {
            beginHandshake();
        }
    }

    /** The TLS engine, for its session and {@link SSLEngine#getApplicationProtocol()}. @return it, or {@code null} without TLS */
    public SSLEngine tlsEngine() {
        return tls == null ? null : tls.engine;
    }

    private void beginHandshake() {
        try {
            tls.engine.beginHandshake();
        } catch (SSLException e) {
            failTls(e);
            return;
        }
        scheduleKick();
    }

    /**
     * Runs the TLS engine as far as it goes and reports what it says; an end or a failure
     * waits in {@link #tlsReport} while {@link #delivering}.
     */
    private void pumpTls() {
        if (tls == null || tlsBroken || closed) {
            return;
        }
        int f;
        try {
            f = tls.pump();
        } catch (SSLException e) {
            failTls(e);
            return;
        }
        if ((f & TlsSession.TASK) != 0) {
            runTlsTask();
        }
        if ((f & TlsSession.FINISHED) != 0) {
            handler.onEvent(this, CONNECTED, 0);
            settleConnected(0);
        }
        if ((f & TlsSession.CLOSED) != 0 && !eof && !closed) {
            eof = true;
            tlsReport = READING | EOF; // after onRead for the records before close_notify
            reportTls();
        }
        if ((f & TlsSession.REFUSED) != 0 && !readFailed && !closed) {
            // the engine is sound: writing goes on under the current keys, so a reply and
            // close_notify can still be sent (closeWhenFlushed)
            failure = new SSLException("TLS renegotiation refused: the peer sent a "
                    + (tls.engine.getUseClientMode() ? "HelloRequest" : "ClientHello") + " after the handshake");
            readFailed = true;
            tlsReport = READING | ERROR;
            reportTls();
        }
    }

    /**
     * Reports the peer's close_notify or a TLS failure unless the bytes decrypted before it
     * still wait for {@code onRead} ({@link #arrived} reports it after that call): nothing read
     * before a close_notify, a bad record, a refused renegotiation or a truncation reaches the
     * user after the end or the error.
     */
    private void reportTls() {
        int ev = tlsReport;
        if (ev == 0 || delivering || closed) {
            return;
        }
        tlsReport = 0;
        if ((ev & EOF) != 0) {
            handler.onEvent(this, ev, 0);
            return;
        }
        handler.onEvent(this, ev, Errno.EPROTO);
        settleConnected(Errno.EPROTO);
        scheduleKick();
    }

    private void runTlsTask() {
        Runnable task = tls.engine.getDelegatedTask();
        if (task == null) {
            scheduleKick();
            return;
        }
        tls.taskRunning = true;
        long r = laio.call(new TaskOp(task));
        if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
            taskCall = laio.gethandle();
            Event.set(base, taskCall, Ev.LAIO, ON_TASK, this).add();
            return;
        }
        tls.taskRunning = false; // ran inline (an INLINE Laio), or was refused: the engine asks again
        scheduleKick();
    }

    private void taskCompleted() {
        taskCall = null;
        tls.taskRunning = false;
        if (closed) {
            finishClose();
            return;
        }
        scheduleKick();
    }

    private void failTls(SSLException e) {
        failure = e;
        try {
            tls.pump(); // the engine may have an alert to send
        } catch (SSLException alsoBroken) {
            // already reported through e
        }
        tlsBroken = true;
        readFailed = true;
        tlsReport = (tls.handshakeDone() ? READING : WRITING) | ERROR;
        reportTls();
    }

    /** A delegated TLS task as a LAIO Java call. */
    private static final class TaskOp implements BlockingOp {
        private final Runnable task;

        TaskOp(Runnable task) {
            this.task = task;
        }

        @Override
        public long run() {
            task.run();
            return 0;
        }
    }

    /**
     * Turns directions on: {@link Ev#READ} starts reading (again after a timeout or
     * {@link #disable}), {@link Ev#WRITE} lets pending output be written.
     *
     * @param what {@link Ev#READ} and/or {@link Ev#WRITE}
     */
    public void enable(int what) {
        checkOpen();
        enabled |= what & (Ev.READ | Ev.WRITE);
        scheduleKick();
    }

    /**
     * Turns directions off. A read waiting for data is cancelled (bytes it had already got are
     * kept in the input); a write in the kernel finishes, but no new one starts.
     *
     * @param what {@link Ev#READ} and/or {@link Ev#WRITE}
     */
    public void disable(int what) {
        enabled &= ~what;
        if ((what & Ev.READ) != 0) {
            readTimer.del();
            if (readCall != null) {
                laio.cancel(readCall);
            }
        }
        if ((what & Ev.WRITE) != 0 && writeCall == null) {
            writeTimer.del();
        }
    }

    /**
     * Sets the read watermarks (libevent's {@code bufferevent_setwatermark(EV_READ)}).
     *
     * @param low  {@code onRead} runs only when the input holds at least this many bytes
     * @param high reading pauses while the input holds this many; 0 for no limit
     * @throws IllegalArgumentException if negative, or {@code high != 0 && high < low}
     */
    public void readWatermarks(long low, long high) {
        checkMarks(low, high);
        readLow = low;
        readHigh = high;
        scheduleKick();
    }

    /**
     * Sets the write watermarks.
     *
     * @param low  {@code onWrite} runs when a write leaves the output at or below this
     * @param high {@link #isWritable()} is false while the output holds this many; 0 for no limit
     * @throws IllegalArgumentException if negative, or {@code high != 0 && high < low}
     */
    public void writeWatermarks(long low, long high) {
        checkMarks(low, high);
        writeLow = low;
        writeHigh = high;
    }

    private static void checkMarks(long low, long high) {
        if (low < 0 || high < 0 || (high != 0 && high < low)) {
            throw new IllegalArgumentException("watermarks low " + low + " high " + high);
        }
    }

    /**
     * Sets the timeouts; each applies from the next wait on.
     *
     * @param read  how long a read may wait for data; {@code null} for none
     * @param write how long a write or the connect may wait for the socket; {@code null} for none
     */
    public void timeouts(Duration read, Duration write) {
        this.readTimeout = read;
        this.writeTimeout = write;
        if (read == null) {
            readTimer.del();
        }
        if (write == null) {
            writeTimer.del();
        }
    }

    /** Starts writing the output now rather than in the next loop pass. */
    public void flush() {
        checkOpen();
        startWrite();
    }

    /**
     * Stops reading and closes the connection once every byte of the output has been written
     * (at once if there is none); no {@code onWrite} for that last drain. A write error ends
     * the wait: the error is reported, then the connection closes (at once if writing failed
     * already), since the rest can never be written.
     */
    public void closeWhenFlushed() {
        if (closed) {
            return;
        }
        closeWhenFlushed = true;
        disable(Ev.READ);
        if (writeFailed || !connected && connectCall == null && resolveCall == null) {
            close();
        } else if (connected) {
            startWrite();
        }
    }

    // ------------------------------------------------------------------ stages

    /**
     * A stage that completes, on the loop thread, when {@link #CONNECTED} is reported (after
     * the TLS handshake with {@link #startTls}), or exceptionally with an
     * {@link ErrnoException} on the connect's (or handshake's) {@link #ERROR} or
     * {@link #TIMEOUT}, or on {@link #close()}; completed already when connected. The handler
     * hears of it all the same.
     *
     * @return the stage; the same one until it completes
     */
    public CompletionStage<BufferEvent> whenConnected() {
        if (connectedStage == null) {
            connectedStage = new CompletableFuture<>();
            if (connected && (tls == null || tls.handshakeDone())) {
                connectedStage.complete(this);
            } else if (closed) {
                connectedStage.completeExceptionally(new ErrnoException("closed", Errno.ECANCELED));
            }
        }
        return connectedStage;
    }

    /**
     * A stage that completes, on the loop thread, once every byte now in the output (and
     * whatever is appended before that) has been written, or exceptionally with an
     * {@link ErrnoException} on a write {@link #ERROR} or {@link #TIMEOUT}, or on
     * {@link #close()}; completed already when nothing is pending (and then not kept: the
     * next call makes a new stage for what is appended after).
     *
     * @return the stage; the same one until it completes
     */
    public CompletionStage<BufferEvent> whenFlushed() {
        if (flushedStage != null) {
            return flushedStage;
        }
        CompletableFuture<BufferEvent> f = new CompletableFuture<>();
        if (closed) {
            f.completeExceptionally(new ErrnoException("closed", Errno.ECANCELED));
        } else if (outputDrained()) {
            // not kept: a stage completed now must not answer for bytes appended later
            f.complete(this);
        } else {
            flushedStage = f;
        }
        return f;
    }

    private boolean outputDrained() {
        return writeCall == null && output.isEmpty() && sockOut.isEmpty() && (tls == null || !tls.holdsOutput());
    }

    /** Completes (or fails) a stage and forgets it, so the next call makes a new one. */
    private void settleConnected(int errno) {
        CompletableFuture<BufferEvent> f = connectedStage;
        if (f != null) {
            connectedStage = null;
            if (errno == 0) {
                f.complete(this);
            } else {
                f.completeExceptionally(new ErrnoException("connect", errno));
            }
        }
    }

    private void settleFlushed(int errno) {
        CompletableFuture<BufferEvent> f = flushedStage;
        if (f != null && (errno != 0 || outputDrained())) {
            flushedStage = null;
            if (errno == 0) {
                f.complete(this);
            } else {
                f.completeExceptionally(new ErrnoException("write", errno));
            }
        }
    }

    // ------------------------------------------------------------------ connecting

    /**
     * Connects to {@code address} (the connection must have been made with {@code fd == -1}):
     * reports {@link #CONNECTED}, or {@link #ERROR}|{@link #WRITING} with the errno (for
     * example {@link Errno#ECONNREFUSED}). Output appended meanwhile is written once connected.
     *
     * @param address a resolved address
     * @throws IllegalStateException if already connected or connecting
     */
    public void connect(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address + ": use connect(host, port)");
        }
        startConnect(new InetAddress[] {address.getAddress()}, address.getPort());
    }

    /**
     * Resolves {@code host} with {@link InetAddress#getAllByName} — a blocking library call,
     * so it runs as a {@link Laio#call LAIO Java call} on a helper lane and the loop never waits
     * for it — then connects to each address in turn until one accepts. A host that does not
     * resolve is {@link #ERROR}|{@link #WRITING} with {@link Errno#EIO} and the exception in
     * {@link #failure()}; when every address refuses, the last address's errno.
     *
     * @param host a host name or literal address
     * @param port the port
     * @throws IllegalStateException if already connected or connecting
     */
    public void connect(String host, int port) {
        Objects.requireNonNull(host, "host");
        checkConnectable();
        this.port = port;
        Resolve op = new Resolve(host);
        long r = laio.call(op);
        if (r == -1) {
            int e = Laio.errno();
            if (e == Errno.EINPROGRESS) {
                resolve = op;
                resolveCall = laio.gethandle();
                Event.set(base, resolveCall, Ev.LAIO, ON_RESOLVE, this).add();
                return;
            }
            resolved(op, e == Errno.EIO ? op.error : null, e);
            return;
        }
        resolved(op, null, 0);
    }

    private void resolveCompleted(long result, Throwable error) {
        resolveCall = null;
        Resolve op = resolve;
        resolve = null;
        if (closed) {
            finishClose();
            return;
        }
        resolved(op, error, result == -1 ? Errno.EIO : 0);
    }

    private void resolved(Resolve op, Throwable error, int errno) {
        if (errno != 0 || op.addresses == null || op.addresses.length == 0) {
            failure = error != null ? error : op.error;
            failWrite(errno != 0 ? errno : Errno.EIO);
            return;
        }
        addresses = op.addresses;
        nextAddress = 0;
        connectNext(Errno.EHOSTUNREACH);
    }

    private void startConnect(InetAddress[] to, int port) {
        checkConnectable();
        this.port = port;
        this.addresses = to;
        this.nextAddress = 0;
        connectNext(Errno.EHOSTUNREACH);
    }

    private void checkConnectable() {
        checkOpen();
        if (connected || fd >= 0 || connectCall != null || resolveCall != null) {
            throw new IllegalStateException("already connected or connecting");
        }
    }

    /** Tries the next address; {@code lastErrno} is reported when none is left. */
    private void connectNext(int lastErrno) {
        while (nextAddress < addresses.length) {
            InetAddress a = addresses[nextAddress++];
            int len = sockaddr(a, port);
            int family = a instanceof Inet6Address ? AF_INET6 : AF_INET;
            long s = laio.syscall(Sys.SYS_socket, family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (s < 0) {
                lastErrno = Laio.errno();
                continue;
            }
            fd = (int) s;
            long r = laio.syscall(Sys.SYS_connect, fd, scratch.address() + SOCKADDR, len);
            if (r == 0) {
                becameConnected();
                return;
            }
            int e = Laio.errno();
            if (e == Errno.EINPROGRESS) {
                connectCall = laio.gethandle();
                Event.set(base, connectCall, Ev.LAIO, ON_CONNECT, this).add();
                if (writeTimeout != null) {
                    writeTimer.add(writeTimeout);
                }
                return;
            }
            lastErrno = e;
            closeFd();
        }
        failWrite(lastErrno);
    }

    private void connectCompleted(long result, int errno) {
        connectCall = null;
        writeTimer.del();
        if (closed) {
            finishClose();
            return;
        }
        if (result == 0) {
            becameConnected();
            return;
        }
        closeFd();
        if (errno == Errno.ECANCELED) {
            return; // timed out: reported by writeTimedOut
        }
        connectNext(errno);
    }

    private void becameConnected() {
        connected = true;
        if (tls != null) {
            beginHandshake(); // CONNECTED once it is done
            return;
        }
        handler.onEvent(this, CONNECTED, 0);
        settleConnected(0);
        scheduleKick();
    }

    private int sockaddr(InetAddress a, int port) {
        MemorySegment sa = scratch.asSlice(SOCKADDR, 28);
        sa.fill((byte) 0);
        sa.set(SHORT_BE, 2, (short) port);
        if (a instanceof Inet4Address) {
            sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            MemorySegment.copy(a.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
        MemorySegment.copy(a.getAddress(), 0, sa, ValueLayout.JAVA_BYTE, 8, 16);
        sa.set(ValueLayout.JAVA_INT, 24, ((Inet6Address) a).getScopeId());
        return 28;
    }

    /** The resolver call: its result is read on the loop thread after its completion event. */
    private static final class Resolve implements BlockingOp {
        private final String host;
        volatile InetAddress[] addresses;
        volatile Throwable error;

        Resolve(String host) {
            this.host = host;
        }

        @Override
        public long run() throws Exception {
            try {
                addresses = InetAddress.getAllByName(host);
            } catch (Exception e) {
                error = e;
                throw e;
            }
            return addresses.length;
        }
    }

    // ------------------------------------------------------------------ reading

    private boolean wantsRead() {
        return !closed && connected && !eof && !readFailed && readCall == null
                && ((enabled & Ev.READ) != 0 || (tls != null && !tls.handshakeDone()))
                && (readHigh == 0 || input.length() < readHigh);
    }

    private void startRead() {
        if (inRead) {
            return; // the loop below sees whatever changed
        }
        inRead = true;
        try {
            while (wantsRead()) {
                Chunk c = readChunk;
                if (c == null) {
                    c = readChunk = pool.take();
                }
                long room = c.capacity;
                if (readHigh > 0) {
                    room = Math.min(room, readHigh - input.length());
                }
                long r = laio.syscall(Sys.SYS_recvfrom, fd, c.address, room, 0, 0, 0);
                if (r == -1) {
                    int e = Laio.errno();
                    if (e == Errno.EINPROGRESS) {
                        readCall = readHandle = laio.gethandle(readHandle);
                        readEvent = await(readEvent, readCall, ON_READ);
                        if (readTimeout != null) {
                            readTimer.add(readTimeout);
                        }
                    } else if (e == Errno.EAGAIN) {
                        retryLater();
                    } else {
                        failRead(e);
                    }
                    return;
                }
                deliver(r);
                writeWhatTheReadCallbackAppended();
            }
        } finally {
            inRead = false;
        }
    }

    /** Waits on {@code ev} (made on first use) for the background call of {@code h}; returns the event. */
    private Event await(Event ev, LaioHandle h, EventCallback cb) {
        if (ev == null) {
            ev = Event.set(base, h, Ev.LAIO, cb, this);
        } else if (ev.source() != h) {
            ev.assign(h, Ev.LAIO, cb, this);
        }
        ev.add();
        return ev;
    }

    private void readCompleted(long result, int errno) {
        readCall = null;
        readTimer.del();
        if (closed) {
            finishClose();
            return;
        }
        if (result == -1) {
            if (errno != Errno.ECANCELED) {
                failRead(errno);
            }
            return; // cancelled: disabled or timed out
        }
        deliver(result);
        writeWhatTheReadCallbackAppended();
        startRead();
    }

    /**
     * {@link #arrived} for a caller that then writes what the callbacks appended and posts the
     * next read itself: the kick a reply or a drain would schedule is not needed, which saves a
     * callback of the loop per request. If a callback throws, the kick is scheduled after all.
     */
    private void deliver(long r) {
        deferKick = true;
        boolean done = false;
        try {
            arrived(r);
            done = true;
        } finally {
            deferKick = false;
            if (!done && kickOwed) {
                kickOwed = false;
                scheduleKick();
            }
        }
    }

    /**
     * A reply appended in {@code onRead} goes out now, before the next read is posted (a failed
     * {@code recvfrom} and a wait registration), not at the kick later in the pass: a
     * request-reply exchange waits for neither.
     */
    private void writeWhatTheReadCallbackAppended() {
        boolean owed = kickOwed;
        kickOwed = false;
        if ((owed || kickPending) && writeCall == null && !closed) {
            startWrite();
        }
    }

    /** A read returned {@code r >= 0} bytes into {@link #readChunk}. */
    private void arrived(long r) {
        if (r == 0) {
            eof = true;
            if (tls != null && !tls.engine.isInboundDone()) {
                try {
                    tls.engine.closeInbound(); // throws: the peer ended without close_notify
                } catch (SSLException e) {
                    failure = e;
                }
                readFailed = true;
                handler.onEvent(this, READING | ERROR, Errno.EPROTO);
                return;
            }
            handler.onEvent(this, READING | EOF, 0);
            return;
        }
        Chunk c = readChunk;
        c.end = (int) r;
        if (sockIn.appendRead(c)) {
            readChunk = null;
        }
        if (tls != null) {
            delivering = true;
            try {
                pumpTls();
                if (!closed) {
                    startWrite(); // the engine may have answered (handshake, close_notify)
                }
            } finally {
                delivering = false;
            }
            if (closed) {
                return;
            }
        }
        if (!input.isEmpty() && input.length() >= readLow) {
            handler.onRead(this);
        }
        reportTls();
    }

    private void failRead(int errno) {
        readFailed = true;
        handler.onEvent(this, READING | ERROR, errno);
    }

    private void readTimedOut() {
        if (closed) {
            return;
        }
        enabled &= ~Ev.READ;
        if (readCall != null) {
            laio.cancel(readCall);
        }
        handler.onEvent(this, READING | TIMEOUT, Errno.ETIMEDOUT);
    }

    // ------------------------------------------------------------------ writing

    private void startWrite() {
        if (inWrite) {
            return;
        }
        inWrite = true;
        try {
            if (tls != null && connected) {
                pumpTls(); // wrap what the output holds
                while (readFileThrough()) {
                    pumpTls();
                }
                if (closeWhenFlushed && tls.handshakeDone() && output.isEmpty() && !tls.holdsOutput()
                        && !tls.engine.isOutboundDone()) {
                    tls.engine.closeOutbound();
                    pumpTls(); // close_notify
                }
            }
            while (!closed && connected && !writeFailed && writeCall == null
                    && ((enabled & Ev.WRITE) != 0 || (tls != null && !tls.handshakeDone()))) {
                Chunk h = sockOut.firstReadable();
                if (h == null && tls != null && readFileThrough()) {
                    pumpTls();
                    continue;
                }
                if (h == null) {
                    if (closeWhenFlushed && allFlushed()) {
                        close();
                    }
                    return;
                }
                long r;
                if (h.isFile()) {
                    scratch.set(ValueLayout.JAVA_LONG, 0, h.fileOffset);
                    r = laio.syscall(Sys.SYS_sendfile, fd, h.fd, scratch.address(), Math.min(h.fileLength, MAX_SENDFILE));
                } else {
                    r = laio.syscall(Sys.SYS_sendto, fd, h.address + h.off, h.end - h.off, MSG_NOSIGNAL, 0, 0);
                }
                if (r == -1) {
                    int e = Laio.errno();
                    if (e == Errno.EINPROGRESS) {
                        writeCall = writeHandle = laio.gethandle(writeHandle);
                        sockOut.lockHead(true); // the kernel reads the head's bytes until the call completes
                        writeEvent = await(writeEvent, writeCall, ON_WRITE);
                        if (writeTimeout != null) {
                            writeTimer.add(writeTimeout);
                        }
                    } else if (e == Errno.EAGAIN) {
                        retryLater();
                    } else {
                        failWrite(e);
                    }
                    return;
                }
                if (!wrote(h, r)) {
                    return;
                }
            }
        } finally {
            inWrite = false;
        }
    }

    /**
     * With TLS a file range's bytes must be encrypted, so instead of {@code sendfile} the range
     * at the output's head is read, a segment at a time, with {@code pread} through LAIO (a cold
     * file waits on a helper, never on the loop), and the segment takes the range's place. Reads
     * only while less than {@link #TLS_FILE_AHEAD} of ciphertext waits. A file shorter than its
     * range is {@link Errno#EIO}, as with {@code sendfile}.
     *
     * @return whether bytes were read inline (the caller wraps them)
     */
    private boolean readFileThrough() {
        if (closed || writeFailed || fileReadCall != null || tlsBroken || !tls.handshakeDone()
                || tls.engine.isOutboundDone() || sockOut.length() >= TLS_FILE_AHEAD) {
            return false;
        }
        Chunk f = output.firstReadable();
        if (f == null || !f.isFile()) {
            return false;
        }
        Chunk c = pool.take();
        long r = laio.syscall(Sys.SYS_pread64, f.fd, c.address, Math.min(c.capacity, f.fileLength), f.fileOffset);
        if (r == -1) {
            int e = Laio.errno();
            if (e == Errno.EINPROGRESS) {
                fileReadChunk = c;
                fileReadCall = fileReadHandle = laio.gethandle(fileReadHandle);
                output.lockHead(true); // the range's offset stays put until the read lands
                fileReadEvent = await(fileReadEvent, fileReadCall, ON_FILE_READ);
                return false;
            }
            c.free();
            if (e == Errno.EAGAIN) {
                retryLater();
            } else {
                failWrite(e);
            }
            return false;
        }
        return readThrough(c, r);
    }

    private boolean readThrough(Chunk c, long r) {
        if (r == 0) {
            c.free();
            failWrite(Errno.EIO); // the file ends before the range does
            return false;
        }
        c.off = 0;
        c.end = (int) r;
        output.readThrough(c);
        return true;
    }

    private void fileReadCompleted(long result, int errno) {
        fileReadCall = null;
        output.lockHead(false);
        Chunk c = fileReadChunk;
        fileReadChunk = null;
        if (closed) {
            c.free();
            finishClose();
            return;
        }
        if (result == -1) {
            c.free();
            if (errno != Errno.ECANCELED) {
                failWrite(errno);
            }
            return;
        }
        if (readThrough(c, result)) {
            startWrite();
        }
    }

    private void writeCompleted(long result, int errno) {
        writeCall = null;
        sockOut.lockHead(false);
        writeTimer.del();
        if (closed) {
            finishClose();
            return;
        }
        if (result == -1) {
            if (errno != Errno.ECANCELED) {
                failWrite(errno);
            }
            return;
        }
        if (wrote(sockOut.firstReadable(), result)) {
            startWrite();
        }
    }

    /** A write of chunk {@code h} moved {@code r} bytes; whether to go on writing. */
    private boolean wrote(Chunk h, long r) {
        if (r == 0 && h.isFile()) {
            failWrite(Errno.EIO); // the file ends before the range does
            return false;
        }
        sockOut.drainSent(r);
        settleFlushed(0);
        if (closeWhenFlushed) {
            if (allFlushed()) {
                close();
                return false;
            }
            return true;
        }
        long pending = sockOut == output ? output.length() : output.length() + sockOut.length();
        if (pending <= writeLow) {
            handler.onWrite(this);
        }
        return !closed;
    }

    /** Every output byte is out (and TLS's close_notify with them). */
    private boolean allFlushed() {
        return writeCall == null && output.isEmpty() && sockOut.isEmpty()
                && (tls == null || (!tls.holdsOutput() && (tls.engine.isOutboundDone() || tlsBroken || !tls.handshakeDone() && readFailed)));
    }

    private void failWrite(int errno) {
        writeFailed = true;
        handler.onEvent(this, WRITING | ERROR, errno);
        settleConnected(errno);
        settleFlushed(errno);
        if (closeWhenFlushed && !closed) {
            close(); // nothing more can be written: waiting for the flush would leak the connection
        }
    }

    private void writeTimedOut() {
        if (closed) {
            return;
        }
        enabled &= ~Ev.WRITE;
        if (writeCall != null) {
            laio.cancel(writeCall);
        }
        if (connectCall != null) {
            laio.cancel(connectCall);
        }
        handler.onEvent(this, WRITING | TIMEOUT, Errno.ETIMEDOUT);
        settleConnected(Errno.ETIMEDOUT);
        settleFlushed(Errno.ETIMEDOUT);
    }

    // ------------------------------------------------------------------ scheduling

    /** From the buffers: something was appended. */
    void bufferGrew(EvBuffer b) {
        if ((b == output || b == sockOut) && writeCall == null) {
            kickOrOwe();
        }
    }

    /** From the buffers: something was drained. */
    void bufferShrank(EvBuffer b) {
        if (b == input && readHigh > 0 && readCall == null && !inRead && wantsRead()) {
            kickOrOwe(); // below the high watermark again: resume reading
        }
    }

    private void kickOrOwe() {
        if (deferKick) {
            kickOwed = true;
        } else {
            scheduleKick();
        }
    }

    private void scheduleKick() {
        if (!kickPending && !closed) {
            kickPending = true;
            kick.active(Ev.TIMEOUT);
        }
    }

    private void retryLater() {
        // the background was full (EAGAIN with no handle): try again shortly
        if (!closed && !kick.pending(Ev.TIMEOUT)) {
            kick.add(RETRY);
        }
    }

    private void kicked() {
        kickPending = false;
        if (closed) {
            return;
        }
        startWrite();
        startRead();
    }

    // ------------------------------------------------------------------ closing

    /**
     * Closes the connection now: pending output is dropped, calls in flight are cancelled, and
     * the descriptor is closed and the buffers emptied as soon as no call uses them. No handler
     * method runs afterwards. Closing twice does nothing.
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        kick.del();
        readTimer.del();
        writeTimer.del();
        cancel(readCall);
        cancel(writeCall);
        cancel(connectCall);
        cancel(resolveCall);
        cancel(taskCall);
        cancel(fileReadCall);
        settleConnected(Errno.ECANCELED);
        CompletableFuture<BufferEvent> f = flushedStage;
        flushedStage = null;
        if (f != null) {
            f.completeExceptionally(new ErrnoException("closed", Errno.ECANCELED));
        }
        finishClose();
    }

    /** Whether {@link #close()} was called. @return that */
    public boolean isClosed() {
        return closed;
    }

    private void cancel(LaioHandle h) {
        if (h != null) {
            laio.cancel(h);
        }
    }

    private void finishClose() {
        if (released || readCall != null || writeCall != null || connectCall != null || resolveCall != null
                || taskCall != null || fileReadCall != null) {
            return;
        }
        released = true;
        closeFd();
        if (readChunk != null) {
            readChunk.free();
            readChunk = null;
        }
        sockOut.lockHead(false);
        output.lockHead(false);
        input.watcher = null;
        output.watcher = null;
        sockIn.watcher = null;
        sockOut.watcher = null;
        input.clear();
        output.clear();
        sockIn.clear();
        sockOut.clear();
    }

    private void closeFd() {
        if (fd >= 0) {
            if (laio.close(fd) != 0) {
                LOG.debug("close of socket {}: errno {}", fd, Laio.errno());
            }
            fd = -1;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    @Override
    public String toString() {
        return "BufferEvent[fd " + fd + (connected ? ", connected" : "") + (closed ? ", closed" : "") + ", in "
                + input.length() + ", out " + output.length() + "]";
    }
}
