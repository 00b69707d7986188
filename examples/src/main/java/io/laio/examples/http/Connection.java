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

package io.laio.examples.http;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.abi.AtFlags;
import io.laio.abi.OpenFlags;
import io.laio.abi.OpenHowLayout;
import io.laio.abi.StatxLayout;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventCallback;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One client connection: reads request heads, serves files, and goes round again while the
 * connection is kept alive. A state machine run on the loop thread; every step that would
 * wait returns, and the completion or readiness that ends the wait resumes it.
 *
 * <pre>
 *  ┌──────────────────────────── keep-alive ────────────────────────────┐
 *  ▼                                                                    │
 * HEAD ──► OPEN ──► STAT ───────────────────► SEND ──► BODY_SEND ──► DONE
 *  │        ▲ │      │ │ │                     ▲  ▲       │ ▲ ▲  │
 *  │        └─┼──────┘ │ └──► SMALL ───────────┘  │       │ │ └──┘ raw socket: the next sendfile
 *  │          │        │                          │       ▼ │
 *  │          │        └──────────────────────────┼─► BODY_READ      NIO socket: read a chunk, send it
 *  └──────────┴──────── an error response ────────┘
 * </pre>
 *
 * With the {@link FileCache} on, OPEN first looks the path up: a cached file is VALIDATEd by one
 * {@code statx} of its path and served from the cached descriptor (no openat2, no close),
 * which the connection holds (acquired) until DONE or its close.
 *
 * STAT goes back to OPEN for a directory's index.html; it goes to SEND itself with a 301, 403
 * or 500, with a head that has no body after it, or on a raw socket for a body that goes by
 * sendfile.
 *
 * Every transition, and the state that follows it ("closed": {@link #close()}, which any state
 * also reaches when the timer fires):
 * <pre>
 *  HEAD       head incomplete                     HEAD (receive again; no set free: wait for one)
 *             head parsed, method and path valid  OPEN
 *             head, method or path refused        SEND (an error response)
 *             end of stream or a socket error     closed
 *  OPEN       the path has a file cache entry     VALIDATE
 *             opened                              STAT
 *             EMFILE, the cache had idle files    OPEN (they are closed, the open made again, once)
 *             refused or failed                   SEND (403, 404, 500 or 503)
 *  VALIDATE   the path's statx is the entry's     as STAT with a regular file, from the entry's descriptor
 *             another identity, or statx failed   OPEN (the entry dropped; openat2 as without the cache)
 *  STAT       regular file, no body to send       SEND (304, 416, HEAD, an empty file)
 *             regular file on a plain raw socket  SMALL if the body fits behind the head, else SEND (corked)
 *             regular file on an NIO or TLS one   BODY_READ
 *             directory named with its slash      OPEN (its index.html, once)
 *             directory named without it          SEND (301)
 *             anything else, or statx failed      SEND (403 or 500)
 *  SMALL      the whole body read                 SEND
 *             a short read or a disk error        closed
 *  SEND       head sent, body left                BODY_SEND
 *             head sent, nothing left             DONE
 *             a socket error                      closed
 *  BODY_READ  a chunk read                        BODY_SEND
 *             end of file or a disk error         closed
 *  BODY_SEND  part sent, body left                BODY_SEND (raw: sendfile) or BODY_READ (NIO)
 *             body sent                           DONE
 *             0 or a socket error                 closed
 *  DONE       keep-alive                          HEAD (with any pipelined bytes)
 *             otherwise                           closed
 * </pre>
 *
 * SMALL is a raw socket's way with a body that fits behind the head in the out buffer: read
 * there, sent with the head in one call. Larger bodies on raw sockets go by sendfile under
 * {@code TCP_CORK}; on NIO sockets every body is read in chunks, the head with the first. A
 * TLS socket ({@link TlsSocketIo}, raw but encrypting) sends no files either: its bodies take
 * the NIO way, BODY_READ and BODY_SEND, each chunk read by a LAIO {@code pread}. The heads
 * themselves are written by a {@link ResponseWriter}.
 *
 * Disk calls go through the server's {@link Laio} in every mode (its policy is what the mode
 * changes); the socket is a {@link SocketIo}. A connection closed while a LAIO call is in
 * flight keeps its buffers until the call completes, since the kernel may still write them.
 *
 * <p>Memory: between requests a connection waits with its next request's first bytes read into
 * a 1 KB {@link WaitBuffers wait buffer}; when they arrive it takes a {@link ConnectionBuffers}
 * set from the server's pool, moves them there, and serves the request in it; at DONE, with
 * nothing pipelined behind the request, it gives the set back. An idle keep-alive connection
 * so holds this object, its timer, its socket and the wait buffer; the sets number as many
 * as requests were ever in progress at once, {@link ThttpdServer#MAX_SETS} at most (a request
 * beyond them waits for one in HEAD, its first bytes in the wait buffer).
 */
final class Connection {
    private static final int HEAD = 0;
    private static final int OPEN = 1;
    private static final int STAT = 2;
    private static final int SEND = 3;
    private static final int BODY_READ = 4;
    private static final int BODY_SEND = 5;
    private static final int DONE = 6;
    private static final int SMALL = 7;
    private static final int VALIDATE = 8;

    /** run(): no result yet, start the state's operation. */
    private static final long START = Long.MIN_VALUE + 1;
    private static final long STOP = SocketIo.PENDING;
    /** sendfile and pread chunks: the timer is re-armed after each, and cachestat bounds its look to 1 MiB. */
    private static final long CHUNK = 1 << 20;

    private static final EventCallback ON_LAIO = (ev, what, arg) -> ((Connection) arg).laioDone(ev);
    private static final EventCallback ON_TIMEOUT = (ev, what, arg) -> ((Connection) arg).timerFired();

    private final ThttpdServer server;
    private final Laio laio;
    private final FileCache cache;
    private final SocketIo io;
    private final WaitBuffers.Buffer wait;
    private final ResponseWriter response;
    private final Event timer;
    /** The set a request in progress works in, and its parts; null between requests. */
    private ConnectionBuffers buf;
    private HttpRequest req;
    private RequestPath path;
    private ByteRange range;
    /** Where the request head is read: the wait buffer between requests, else the set's. */
    private ByteBuffer in;
    private long inAddress;

    private int state = HEAD;
    private LaioHandle pending;
    /** The handle and event of the last LAIO wait, re-pointed at the next ({@link Laio#gethandle(LaioHandle)}). */
    private LaioHandle spareHandle;
    private Event laioEvent;
    /** This connection's closes (its socket's, its files'), one handle and event reused as the wait's. */
    private final DescriptorCloser closer;
    private boolean closed;
    private boolean headTimerArmed;
    private boolean corked;
    /**
     * When the connection times out, on the loop's clock. The timer fires at or before it and
     * re-arms itself for what is left, so the steps of a request move a number rather than a
     * timer-heap entry (nginx's lazy timers do the same).
     */
    private long deadline;
    /** When the pending timer fires; {@code Long.MAX_VALUE}: none is pending. */
    private long timerDue = Long.MAX_VALUE;

    // the request being served
    private int headLength;
    private int status;
    private boolean keepAlive;
    private boolean triedIndex;
    private int fileFd = -1;
    /** The {@link FileCache} entry {@code fileFd} belongs to (acquired: released by closeFile), or -1: the connection's own. */
    private int entry = -1;
    /** Whether the cache was asked about the path being opened (a miss, or a hit found changed): open it. */
    private boolean lookedUp;
    /** Whether an openat2 that found no descriptor was retried after the cache closed its idle ones. */
    private boolean shedRetried;
    private long fileSize;
    private long mtime;
    private long bodyFrom;
    private long bodyLeft;
    private long bodySent;
    private boolean headInChunk;
    private long chunkLength;

    Connection(ThttpdServer server, SocketIo io, WaitBuffers.Buffer wait) {
        this.server = server;
        this.laio = server.laio();
        this.cache = server.fileCache();
        this.io = io;
        this.wait = wait;
        this.response = new ResponseWriter(server.dates());
        this.in = wait.bytes;
        this.inAddress = wait.address;
        io.owner = this;
        this.timer = Event.set(server.base(), null, Ev.TIMEOUT, ON_TIMEOUT, this);
        this.closer = new DescriptorCloser(server.base(), laio);
    }

    void start() {
        expireIn(server.idleTimeout());
        run(START);
    }

    /** The result of the operation that returned {@link SocketIo#PENDING}. */
    void resume(long r) {
        if (closed) {
            release(r);
            return;
        }
        run(r);
    }

    private void run(long r) {
        while (r != STOP && !closed) {
            r = switch (state) {
                case HEAD -> readHead(r);
                case OPEN -> open(r);
                case STAT -> stat(r);
                case SEND -> sendHead(r);
                case BODY_READ -> readChunk(r);
                case BODY_SEND -> sendBody(r);
                case SMALL -> readSmallBody(r);
                case VALIDATE -> validate(r);
                default -> finish();
            };
        }
    }

    // ---- HEAD: parse what is buffered, read more while incomplete

    private long readHead(long r) {
        ByteBuffer in = this.in;
        if (r != START) {
            if (r <= 0) {
                close(); // end of stream or a socket error between or inside requests
                return STOP;
            }
            in.position(in.position() + (int) r);
            if (!headTimerArmed) {
                headTimerArmed = true; // slowloris: the whole head must arrive within the header timeout
                expireIn(server.headerTimeout());
            }
        }
        if (buf == null) {
            if (in.position() == 0) {
                in.limit(in.capacity());
                return io.recv(in, inAddress); // idle: wait in the small buffer
            }
            if (!takeBuffers()) {
                server.waitForBuffers(this); // all lent: the head's first bytes wait here
                return STOP;
            }
            in = this.in; // a request has begun
        }
        int n = RequestParser.parse(in, in.position(), req);
        if (n == RequestParser.NEED_MORE) {
            in.limit(in.capacity());
            return io.recv(in, inAddress);
        }
        headLength = n;
        if (n < 0) {
            return error(-n, false);
        }
        return request();
    }

    private long request() {
        keepAlive = req.keepAlive && server.keepAlive() && !req.hasBody;
        triedIndex = false;
        lookedUp = false;
        shedRetried = false;
        if (req.method == HttpRequest.OTHER) {
            return error(405, keepAlive);
        }
        int s = path.parse(req.target, req.targetLength);
        if (s != 0) {
            return error(s, keepAlive);
        }
        state = OPEN;
        return START;
    }

    // ---- OPEN / STAT: openat2 beneath the root, then statx on the descriptor

    private long open(long r) {
        if (r == START) {
            if (!lookedUp) {
                lookedUp = true;
                entry = cache.acquire(path.bytes, path.length);
                if (entry >= 0) {
                    state = VALIDATE;
                    return START;
                }
            }
            OpenHowLayout.set(buf.how, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC | OpenFlags.O_NOCTTY, 0,
                    OpenHowLayout.RESOLVE_BENEATH | OpenHowLayout.RESOLVE_NO_MAGICLINKS);
            MemorySegment.copy(path.bytes, 0, buf.pathSegment, ValueLayout.JAVA_BYTE, 0,
                    path.length + 1);
            return viaLaio(laio.syscall(Sys.SYS_openat2, server.rootFd(), buf.pathSegment.address(), buf.how.address(),
                    OpenHowLayout.SIZE));
        }
        if (r < 0) {
            if ((r == -Errno.EMFILE || r == -Errno.ENFILE) && !shedRetried && server.shedCachedFiles() > 0) {
                shedRetried = true; // the descriptor budget wins over the cache: its idle files closed, the open once more
                return START;
            }
            int code = openFailure((int) -r);
            return error(triedIndex && code == 404 ? 403 : code, keepAlive); // a directory without index.html: no listing
        }
        fileFd = (int) r;
        state = STAT;
        return START;
    }

    /**
     * VALIDATE: the path has a {@link FileCache} entry; one {@code statx} of the path beneath the
     * root says whether it still names the entry's file unchanged (then it is served from the
     * entry's descriptor, the response's size and mtime this statx's) or not (the entry is
     * dropped and the path opened as without the cache, which decides 403 and 404 as ever;
     * see {@link FileCache} for what a hit can and cannot reach).
     */
    private long validate(long r) {
        if (r == START) {
            MemorySegment.copy(path.bytes, 0, buf.pathSegment, ValueLayout.JAVA_BYTE, 0, path.length + 1);
            return viaLaio(laio.syscall(Sys.SYS_statx, server.rootFd(), buf.pathSegment.address(), FileCache.STATX_FLAGS,
                    FileCache.STATX_MASK, buf.statx.address()));
        }
        if (r == 0 && cache.validate(entry, buf.statx)) {
            fileFd = cache.fd(entry);
            return regularFile();
        }
        if (r != 0) {
            cache.drop(entry); // gone, or unreachable: openat2 tells which
        }
        cache.release(entry);
        entry = -1;
        state = OPEN;
        return START;
    }

    static int openFailure(int errno) {
        return switch (errno) {
            case Errno.ENOENT, Errno.ENOTDIR, Errno.ENAMETOOLONG -> 404;
            case Errno.EACCES, Errno.EPERM, Errno.EXDEV, Errno.ELOOP, Errno.ENXIO -> 403;
            case Errno.EMFILE, Errno.ENFILE -> 503; // out of descriptors: the client may retry
            default -> 500;
        };
    }

    private long stat(long r) {
        if (r == START) {
            int mask = cache.enabled() ? FileCache.STATX_MASK
                    : StatxLayout.STATX_TYPE | StatxLayout.STATX_MODE | StatxLayout.STATX_SIZE | StatxLayout.STATX_MTIME;
            return viaLaio(laio.syscall(Sys.SYS_statx, fileFd, buf.emptyPath.address(), AtFlags.AT_EMPTY_PATH, mask,
                    buf.statx.address()));
        }
        if (r < 0) {
            return error(500, keepAlive);
        }
        int type = StatxLayout.mode(buf.statx) & StatxLayout.S_IFMT;
        if (type == StatxLayout.S_IFDIR) {
            closeFile();
            if (!path.directoryForm) {
                return redirectToDirectory();
            }
            if (triedIndex) {
                return error(403, keepAlive);
            }
            triedIndex = true;
            path.appendIndex();
            lookedUp = false;
            state = OPEN;
            return START;
        }
        if (type != StatxLayout.S_IFREG) {
            return error(403, keepAlive); // devices, fifos, sockets: never served
        }
        entry = cache.insert(path.bytes, path.length, fileFd, buf.statx);
        return regularFile();
    }

    /** A regular file, open in {@code fileFd} and described by {@code buf.statx}: its response. */
    private long regularFile() {
        fileSize = StatxLayout.size(buf.statx);
        mtime = StatxLayout.mtimeSeconds(buf.statx);
        return respond();
    }

    // ---- the response: its head written by the ResponseWriter, then the next state

    private long respond() {
        status = response.file(buf, fileSize, mtime, keepAlive);
        if (status == 206) {
            bodyFrom = range.first;
            bodyLeft = range.length();
        } else {
            bodyFrom = 0;
            bodyLeft = status == 200 ? fileSize : 0;
        }
        if (req.method == HttpRequest.HEAD || bodyLeft == 0) {
            return send(status, 0);
        }
        bodySent = 0;
        ByteBuffer out = buf.out;
        if (io.sendsBodyBehindHead() && (bodyLeft <= out.capacity() - out.limit() || !io.sendsFiles())) {
            state = SMALL; // without sendfile a larger body's first part goes behind the head, its rest in chunks
        } else if (io.sendsFiles()) {
            io.cork(true, buf.flag);
            corked = true;
            state = SEND;
        } else {
            headInChunk = true; // the head goes out with the first chunk: one write, no Nagle wait
            state = BODY_READ;
        }
        return START;
    }

    private long error(int code, boolean keep) {
        keepAlive = keep && code != 400 && code != 414 && code != 431 && code != 503 && code != 505;
        return send(code, response.error(buf, code, keepAlive));
    }

    private long redirectToDirectory() {
        response.redirectToDirectory(buf, keepAlive);
        return send(301, 0);
    }

    /** A response without a file body: its head (and an error's page of {@code pageBytes}) is all there is to send. */
    private long send(int code, int pageBytes) {
        closeFile();
        status = code;
        bodyLeft = 0;
        bodySent = pageBytes; // the body the access log counts
        state = SEND;
        return START;
    }

    // ---- SEND / BODY

    private long sendHead(long r) {
        if (r == START) {
            expireIn(server.idleTimeout());
            return io.send(buf.out, buf.outAddress, null);
        }
        if (r < 0) {
            close();
            return STOP;
        }
        state = bodyLeft == 0 ? DONE : io.sendsFiles() ? BODY_SEND : BODY_READ;
        return START;
    }

    /** Raw sockets: sendfile in chunks. NIO sockets: the chunk read by BODY_READ. */
    private long sendBody(long r) {
        if (r == START) {
            expireIn(server.idleTimeout());
            if (io.sendsFiles()) {
                chunkLength = Math.min(CHUNK, bodyLeft);
                return io.sendFile(fileFd, bodyFrom, chunkLength, buf.offset);
            }
            return headInChunk ? io.send(buf.out, buf.outAddress, buf.chunk) : io.send(buf.chunk, buf.chunkAddress, null);
        }
        if (r <= 0) {
            close(); // a socket error, or the file shrank under us (sendfile returned 0)
            return STOP;
        }
        long bodyPart = headInChunk ? r - buf.out.limit() : r;
        headInChunk = false;
        bodySent += bodyPart;
        bodyFrom += bodyPart;
        bodyLeft -= bodyPart;
        state = bodyLeft > 0 ? (io.sendsFiles() ? BODY_SEND : BODY_READ) : DONE;
        return START;
    }

    private long readChunk(long r) {
        if (r == START) {
            long n = Math.min(buf.chunk.capacity(), bodyLeft);
            return viaLaio(laio.syscall(Sys.SYS_pread64, fileFd, buf.chunkSegment.address(), n, bodyFrom));
        }
        if (r <= 0) {
            close(); // a disk error, or the file was truncated while it was sent
            return STOP;
        }
        buf.chunk.clear().limit((int) r);
        chunkLength = r;
        state = BODY_SEND;
        return START;
    }

    /**
     * SMALL: the body into the out buffer behind the head — whole, or on a socket without
     * sendfile as much as fits (its rest follows in chunks); then the head sends both.
     */
    private long readSmallBody(long r) {
        ByteBuffer out = buf.out;
        if (r == START) {
            chunkLength = Math.min(bodyLeft, out.capacity() - out.limit());
            return viaLaio(laio.syscall(Sys.SYS_pread64, fileFd, buf.outAddress + out.limit(), chunkLength, bodyFrom));
        }
        if (r != chunkLength) {
            close(); // a disk error, or the file shrank since statx: the promised length cannot be sent
            return STOP;
        }
        out.limit(out.limit() + (int) r);
        bodySent = r;
        bodyFrom += r;
        bodyLeft -= r;
        if (bodyLeft == 0) {
            closeFile();
        }
        state = SEND;
        return START;
    }

    // ---- DONE: next request on this connection, or close

    private long finish() {
        if (corked) {
            io.cork(false, buf.flag);
            corked = false;
        }
        closeFile();
        server.log(this, req, status, bodySent);
        if (!keepAlive) {
            close();
            return STOP;
        }
        ByteBuffer in = this.in;
        int end = in.position();
        if (end == headLength) {
            giveBackBuffers(); // nothing pipelined: idle until the next request's bytes arrive
        } else {
            in.position(headLength).limit(end);
            in.compact(); // pipelined bytes move to the front
        }
        state = HEAD;
        headTimerArmed = false;
        expireIn(server.idleTimeout());
        return START;
    }

    // ---- the pooled set

    /** Takes a set and moves what the wait buffer holds into its head buffer; false when none is free. */
    private boolean takeBuffers() {
        ConnectionBuffers b = server.takeBuffers();
        if (b == null) {
            return false;
        }
        buf = b;
        req = b.req;
        path = b.path;
        range = b.range;
        ByteBuffer w = wait.bytes;
        w.flip();
        ByteBuffer big = b.in;
        big.put(w); // the head's first bytes, at most 1 KB
        w.clear();
        in = big;
        inAddress = b.inAddress;
        return true;
    }

    /** A set came back while this connection's request waited for one. */
    void buffersFree() {
        if (!closed) {
            run(START);
        }
    }

    /** Gives the set back; nothing is in flight on it. */
    private void giveBackBuffers() {
        ConnectionBuffers b = buf;
        buf = null;
        req = null;
        path = null;
        range = null;
        in = wait.bytes.clear();
        inAddress = wait.address;
        server.giveBack(b);
    }

    // ---- LAIO plumbing

    /** A LAIO call's raw return: its result, a negated errno, or STOP with an EV_LAIO event waiting for it. */
    long viaLaio(long raw) {
        if (raw != -1) {
            return raw;
        }
        int e = Laio.errno();
        if (e != Errno.EINPROGRESS) {
            return -e;
        }
        pending = laio.gethandle(spareHandle);
        spareHandle = pending;
        if (laioEvent == null) {
            laioEvent = Event.set(server.base(), pending, Ev.LAIO, ON_LAIO, this);
        } else if (laioEvent.source() != pending) {
            laioEvent.assign(pending, Ev.LAIO, ON_LAIO, this);
        }
        laioEvent.add(); // one handle and one event for every wait of the connection: a wait allocates nothing
        return STOP;
    }

    private void laioDone(Event ev) {
        pending = null;
        long r = ev.result();
        resume(r == -1 ? -ev.error() : r);
    }

    // ---- closing

    /** Moves the deadline to {@code timeout} from now; touches the timer only to bring it earlier. */
    private void expireIn(Duration timeout) {
        deadline = server.base().now() + timeout.toNanos();
        if (deadline < timerDue) {
            timer.add(timeout);
            timerDue = deadline;
        }
    }

    private void timerFired() {
        timerDue = Long.MAX_VALUE;
        long left = deadline - server.base().now();
        if (left > 0) {
            timer.add(Duration.ofNanos(left)); // the connection moved since: wait out the rest
            timerDue = deadline;
            return;
        }
        server.timedOut();
        close();
    }

    /** Closes the connection now, or as soon as its LAIO call in flight completes. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        timer.del();
        timerDue = Long.MAX_VALUE;
        io.stopWaiting();
        if (pending != null) {
            laio.cancel(pending); // a queued or waiting call ends at once; a running one finishes
            return;
        }
        release(START);
    }

    /** Frees everything; {@code late} is the result of a call that completed after close(). */
    private void release(long late) {
        if (pending != null) {
            return;
        }
        if (state == OPEN && late >= 0 && late != START) {
            closeDescriptor((int) late); // opened after the client went away
        }
        closeFile();
        io.close();
        if (buf != null) {
            giveBackBuffers();
        }
        server.closed(this, wait);
    }

    private void closeFile() {
        if (entry >= 0) {
            cache.release(entry); // the cache's descriptor: closed by the cache, once it is dropped and unused
            entry = -1;
            fileFd = -1;
        } else if (fileFd >= 0) {
            closeDescriptor(fileFd);
            fileFd = -1;
        }
    }

    /** Closes {@code fd} through the Laio, not waiting for the outcome ({@link DescriptorCloser}). */
    void closeDescriptor(int fd) {
        closer.close(fd);
    }

    String peer() {
        return io.peer();
    }
}
