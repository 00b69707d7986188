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

import io.laio.Laio;
import io.laio.buffer.BufferEvent;
import io.laio.buffer.BufferEventHandler;
import io.laio.buffer.EvBuffer;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;

/**
 * One client connection of {@code kv --io buffered}: a {@link BufferEvent} over the accepted
 * socket, the same protocol code as {@link KvConnection} reading command lines and data blocks
 * from its input, and replies going into its output through {@link EvReplies} (held there for
 * the log under {@code --sync always}).
 *
 * <p>Back-pressure as in {@link KvConnection}: while the replies not yet written (in the output
 * or held for the log) reach {@link KvConnection#MAX_PENDING_OUTPUT}, or the log's backlog
 * its bound, no command runs and reading is disabled, so a client that pipelines without reading
 * its replies is held back by TCP flow control; the input is also capped by a read high
 * watermark a little above the longest line kv accepts.
 */
final class KvBufferedConnection implements BufferEventHandler, KvServer.Served {
    private static final byte[] NL = {'\n'};
    /** The input never holds more than the longest {@code get} line and a segment or two. */
    private static final long READ_HIGH = KvConnection.MAX_GET_LINE + (64 << 10);
    private static final int PREFIX = 106; // enough of a line for isGet

    private enum State { LINE, DATA, SWALLOW }

    private final KvServer server;
    private final BufferEvent be;
    private final EvBuffer in;
    private final EvBuffer out;
    private final EvReplies replies;
    private final CommandParser parser;
    private final CommandHandler handler;
    private final GroupCommit log;
    private final KvStats stats;
    private final LogWaiter logWaiter;
    private final Request request = new Request();
    private byte[] line = new byte[KvConnection.LINE_LIMIT + 2];
    private final byte[] prefix = new byte[PREFIX];
    private long scanned; // bytes of the current line already searched for '\n'
    private long inputSeen; // input bytes counted into stats
    private long produced; // reply bytes counted into stats
    private State state = State.LINE;
    private byte[] data;
    private int dataFilled;
    private final byte[] trailer = new byte[2];
    private long swallow;
    private boolean inputEnded;
    private boolean closing;
    private boolean closed;
    /** Out of the server's set of connections (it closes those still in it when it stops). */
    private boolean released;
    private boolean readPaused;

    KvBufferedConnection(KvServer server, Laio laio, int fd, SegmentPool pool, CommandParser parser,
            CommandHandler handler, GroupCommit log, KvStats stats) {
        this.server = server;
        this.parser = parser;
        this.handler = handler;
        this.log = log;
        this.stats = stats;
        this.logWaiter = new LogWaiter(log, this::afterIo, this::close);
        this.be = BufferEvent.socket(laio, fd, pool, this);
        this.in = be.input();
        this.out = be.output();
        this.replies = new EvReplies(out);
        be.readWatermarks(0, READ_HIGH);
        be.enable(Ev.READ);
    }

    @Override
    public void onRead(BufferEvent b) {
        if (closed) {
            return;
        }
        long len = in.length();
        stats.bytesRead += len - inputSeen;
        process();
        inputSeen = in.length();
        afterIo();
    }

    @Override
    public void onWrite(BufferEvent b) {
        if (!closed && readPaused) {
            afterIo(); // room in the output again
        }
    }

    @Override
    public void onEvent(BufferEvent b, int events, int errno) {
        if (closed) {
            return;
        }
        if ((events & BufferEvent.EOF) != 0) {
            inputEnded = true;
            afterIo();
        } else if ((events & (BufferEvent.ERROR | BufferEvent.TIMEOUT)) != 0) {
            close();
        }
    }

    /** Runs every complete command in the input, unless paused by back-pressure or closing. */
    private void process() {
        while (!closing && !closed && !overloaded() && in.length() > 0) {
            boolean progress = switch (state) {
                case LINE -> line();
                case DATA -> data();
                case SWALLOW -> swallow();
            };
            if (!progress) {
                break;
            }
        }
    }

    private boolean overloaded() {
        return out.length() + replies.held() >= KvConnection.MAX_PENDING_OUTPUT
                || log.backlog() >= KvConnection.MAX_LOG_BACKLOG;
    }

    private boolean line() {
        long nl = in.search(NL, scanned);
        if (nl < 0) {
            scanned = in.length();
            if (scanned > KvConnection.LINE_LIMIT && (!isGet() || scanned > KvConnection.MAX_GET_LINE)) {
                stopReading(); // memcached drops a connection that sends an over-long line
            }
            return false;
        }
        scanned = 0;
        int n = (int) nl;
        if (line.length < n + 1) {
            line = new byte[n + 1];
        }
        in.copyOut(0, line, 0, n + 1);
        in.drain(n + 1);
        byte[] b = line;
        int end = n > 0 && b[n - 1] == '\r' ? n - 1 : n;
        for (int i = 0; i < end; i++) {
            if (b[i] == 0) {
                end = i; // memcached reads the line as a C string
                break;
            }
        }
        parser.parse(b, 0, end, request);
        if (line.length > KvConnection.LINE_LIMIT + 2) {
            line = new byte[KvConnection.LINE_LIMIT + 2]; // after a long multi-get line
        }
        dispatch();
        return true;
    }

    private boolean isGet() {
        int n = (int) Math.min(PREFIX, in.length());
        in.copyOut(0, prefix, 0, n);
        return KvConnection.isGet(prefix, 0, n);
    }

    /** Reads no more: the connection closes once the replies owed so far are sent. */
    private void stopReading() {
        closing = true;
        be.disable(Ev.READ);
    }

    private void dispatch() {
        Request r = request;
        if (r.isStorage()) {
            if (handler.acceptsLength(r)) {
                data = new byte[r.length];
                dataFilled = 0;
                state = State.DATA;
            } else {
                handler.tooLarge(r, replies);
                swallow = (long) r.length + 2;
                state = State.SWALLOW;
            }
        } else if (r.kind == Request.Kind.QUIT) {
            stopReading();
        } else {
            handler.execute(r, replies);
        }
    }

    private boolean data() {
        if (dataFilled < data.length) {
            dataFilled += in.remove(data, dataFilled, data.length - dataFilled);
        }
        if (dataFilled >= data.length) {
            int t = dataFilled - data.length;
            dataFilled += in.remove(trailer, t, 2 - t);
        }
        if (dataFilled < data.length + 2) {
            return false;
        }
        state = State.LINE;
        byte[] value = data;
        data = null;
        if (trailer[0] == '\r' && trailer[1] == '\n') {
            handler.store(request, value, replies);
        } else {
            handler.badDataChunk(request, replies);
        }
        return true;
    }

    private boolean swallow() {
        long n = in.drain(Math.min(in.length(), swallow));
        swallow -= n;
        if (swallow == 0) {
            state = State.LINE;
        }
        return true;
    }

    /** Releases what the log lets go, pauses or resumes reading, and closes when done. */
    private void afterIo() {
        if (closed) {
            return;
        }
        replies.release(log.ackedLsn());
        long p = replies.produced();
        stats.bytesWritten += p - produced;
        produced = p;
        boolean full = overloaded();
        if (replies.hasMarks() || full) {
            logWaiter.register(); // told when the log moves on: replies to release, or room in its backlog
        }
        if (full != readPaused && !closing) {
            readPaused = full;
            if (full) {
                be.disable(Ev.READ);
            } else {
                if (!inputEnded) {
                    be.enable(Ev.READ);
                }
                process(); // commands already buffered
                inputSeen = in.length();
                afterIo();
                return;
            }
        }
        if ((closing || inputEnded && !full) && !replies.hasMarks()) {
            closed = true;
            be.closeWhenFlushed(); // the replies owed are in the output: they go, then the socket closes
            be.whenFlushed().whenComplete((x, e) -> release()); // until then a stopping server still closes it
        }
    }

    /** Closes now, dropping replies not yet written. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        closed = true;
        replies.clear();
        be.close();
        release();
    }

    private void release() {
        if (!released) {
            released = true;
            server.closed(this);
        }
    }
}
