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

package io.laio.examples.kv;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One client connection: reads command lines and data blocks from a non-blocking socket on the
 * event loop, hands them to the {@link CommandHandler}, and sends replies as the log lets them
 * go ({@link ReplyBuffer}'s durability marks).
 *
 * <p>Input handling follows memcached: a line may end in CRLF or LF; a line over 2048 bytes
 * still without its end closes the connection unless it is a {@code get}/{@code gets} (large
 * multi-gets), which may grow to {@link #MAX_GET_LINE}; a storage command's data block is read
 * as exactly <i>length</i>+2 bytes and refused with {@code CLIENT_ERROR bad data chunk} if they do
 * not end in CRLF (the rest of the input is then read as commands); data too large to store is
 * swallowed after {@code SERVER_ERROR object too large for cache}. {@code quit} and end of input
 * close the connection once every reply owed has been sent.
 *
 * <p>Back-pressure: while more than {@link #MAX_PENDING_OUTPUT} bytes of replies are unsent
 * (a slow reader, or replies waiting for the log), or more than {@link #MAX_LOG_BACKLOG} bytes
 * of log records wait for the disk (a flood of {@code noreply} mutations), input is not read.
 * Loop thread only.
 */
final class KvConnection implements KvServer.Served {
    static final int LINE_LIMIT = 2048;
    static final int MAX_GET_LINE = 1 << 20;
    static final int MAX_PENDING_OUTPUT = 1 << 20;
    /** Past this many bytes of log records waiting for the disk, connections stop reading commands. */
    static final int MAX_LOG_BACKLOG = 16 << 20;
    private static final int READ_CHUNK = 16 << 10;

    private enum State { LINE, DATA, SWALLOW }

    private final KvServer server;
    private final SocketChannel ch;
    private final CommandParser parser;
    private final CommandHandler handler;
    private final GroupCommit log;
    private final KvStats stats;
    private final LogWaiter logWaiter;
    private final Event read;
    private final Event write;
    private final Request request = new Request();
    private final ReplyBuffer out = new ReplyBuffer();
    private ByteBuffer in = ByteBuffer.allocate(READ_CHUNK); // write mode between reads
    private int scanned; // bytes of the current line already searched for '\n'
    private State state = State.LINE;
    private byte[] data;
    private int dataFilled;
    private final byte[] trailer = new byte[2];
    private long swallow;
    private boolean inputEnded;
    private boolean closing;
    private boolean closed;
    private boolean readPaused;
    private boolean writeArmed;

    KvConnection(KvServer server, EventBase base, SocketChannel ch, CommandParser parser, CommandHandler handler,
            GroupCommit log, KvStats stats) throws IOException {
        this.server = server;
        this.ch = ch;
        this.parser = parser;
        this.handler = handler;
        this.log = log;
        this.stats = stats;
        this.logWaiter = new LogWaiter(log, this::flush, this::close);
        ch.configureBlocking(false);
        ch.socket().setTcpNoDelay(true);
        read = Event.set(base, ch, Ev.READ | Ev.PERSIST, (ev, what, arg) -> onReadable(), null);
        write = Event.set(base, ch, Ev.WRITE | Ev.PERSIST, (ev, what, arg) -> flush(), null);
        read.add();
    }

    private void onReadable() {
        if (closed) {
            return;
        }
        try {
            if (!in.hasRemaining()) {
                grow();
            }
            int n = ch.read(in);
            if (n < 0) {
                inputEnded = true;
                read.del();
            } else {
                stats.bytesRead += n;
            }
        } catch (IOException e) {
            close();
            return;
        }
        process();
        flush();
    }

    private void grow() {
        int cap = in.capacity();
        ByteBuffer bigger = ByteBuffer.allocate(cap * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
    }

    /** Runs every complete command in the input, unless paused by back-pressure or closing. */
    private void process() {
        in.flip();
        try {
            while (!closing && !closed && !overloaded() && in.hasRemaining()) {
                boolean progress = switch (state) {
                    case LINE -> line();
                    case DATA -> data();
                    case SWALLOW -> swallow();
                };
                if (!progress) {
                    break;
                }
            }
        } finally {
            in.compact();
            if (in.capacity() > READ_CHUNK && in.position() == 0) {
                in = ByteBuffer.allocate(READ_CHUNK); // after a long multi-get line
            }
        }
    }

    private boolean overloaded() {
        return out.pending() >= MAX_PENDING_OUTPUT || log.backlog() >= MAX_LOG_BACKLOG;
    }

    private boolean line() {
        byte[] b = in.array();
        int start = in.position();
        int limit = in.limit();
        int nl = -1;
        for (int i = start + scanned; i < limit; i++) {
            if (b[i] == '\n') {
                nl = i;
                break;
            }
        }
        if (nl < 0) {
            scanned = limit - start;
            if (scanned > LINE_LIMIT && (!isGet(b, start, limit) || scanned > MAX_GET_LINE)) {
                stopReading(); // memcached drops a connection that sends an over-long line
            }
            return false;
        }
        scanned = 0;
        int end = nl > start && b[nl - 1] == '\r' ? nl - 1 : nl;
        for (int i = start; i < end; i++) {
            if (b[i] == 0) {
                end = i; // memcached reads the line as a C string
                break;
            }
        }
        in.position(nl + 1);
        parser.parse(b, start, end - start, request);
        dispatch();
        return true;
    }

    /** Reads no more: the connection closes once the replies owed so far are sent. */
    private void stopReading() {
        closing = true;
        read.del();
        readPaused = true; // and never resumed
    }

    static boolean isGet(byte[] b, int start, int limit) {
        int p = start;
        while (p < limit && b[p] == ' ') {
            p++;
        }
        if (p - start > 100) {
            return false;
        }
        return startsWith(b, p, limit, "get ") || startsWith(b, p, limit, "gets ");
    }

    private static boolean startsWith(byte[] b, int p, int limit, String s) {
        if (limit - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private void dispatch() {
        Request r = request;
        if (r.isStorage()) {
            if (handler.acceptsLength(r)) {
                data = new byte[r.length];
                dataFilled = 0;
                state = State.DATA;
            } else {
                handler.tooLarge(r, out);
                swallow = (long) r.length + 2;
                state = State.SWALLOW;
            }
        } else if (r.kind == Request.Kind.QUIT) {
            stopReading();
        } else {
            handler.execute(r, out);
        }
    }

    private boolean data() {
        int total = data.length + 2;
        int n = Math.min(in.remaining(), total - dataFilled);
        if (dataFilled < data.length) {
            int toData = Math.min(n, data.length - dataFilled);
            in.get(data, dataFilled, toData);
            dataFilled += toData;
            n -= toData;
        }
        if (n > 0) {
            in.get(trailer, dataFilled - data.length, n);
            dataFilled += n;
        }
        if (dataFilled < total) {
            return false;
        }
        state = State.LINE;
        byte[] value = data;
        data = null;
        if (trailer[0] == '\r' && trailer[1] == '\n') {
            handler.store(request, value, out);
        } else {
            handler.badDataChunk(request, out);
        }
        return true;
    }

    private boolean swallow() {
        int n = (int) Math.min(in.remaining(), swallow);
        in.position(in.position() + n);
        swallow -= n;
        if (swallow == 0) {
            state = State.LINE;
        }
        return true;
    }

    /** Sends what the log lets go; arms WRITE while the socket is full; closes when done. */
    void flush() {
        if (closed) {
            return;
        }
        try {
            int n = out.sendable(log.ackedLsn());
            while (n > 0) {
                int w = ch.write(out.view(n));
                if (w == 0) {
                    break;
                }
                stats.bytesWritten += w;
                out.consumed(w);
                n -= w;
            }
            if (n > 0 != writeArmed) {
                writeArmed = n > 0;
                if (writeArmed) {
                    write.add();
                } else {
                    write.del();
                }
            }
        } catch (IOException e) {
            close();
            return;
        }
        boolean full = overloaded();
        if (out.hasMarks() || full) {
            logWaiter.register(); // told when the log moves on: replies to release, or room in its backlog
        }
        if (out.pending() == 0) {
            out.trim();
            if (closing || inputEnded) {
                close();
                return;
            }
        }
        if (full != readPaused && !closing) {
            readPaused = full;
            if (full) {
                read.del();
            } else {
                if (!inputEnded) {
                    read.add();
                }
                process(); // commands already buffered
                flush();
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        read.del();
        write.del();
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
        server.closed(this);
    }
}
