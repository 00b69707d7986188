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

package io.laio.examples.loadgen;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventCallback;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One simulated client on the loop: takes the next session of the trace, replays its requests
 * one at a time (send, read the whole response, verify it, send the next) over one persistent
 * connection, or one connection per request without keep-alive; then takes the next session.
 *
 * <p>Events: a persistent {@link Ev#READ} with the idle timeout, pending for the connection's
 * whole life (so the channel's registration never lapses between requests), and a one-shot
 * {@link Ev#WRITE} for the connect and for a request the socket could not take at once.
 *
 * <p>A failed request is counted and the session goes on with its next request on a fresh
 * connection. A keep-alive connection the server closed before answering the next request
 * (its idle close racing the request) is retried once on a new connection, as browsers do.
 * Response time runs from the moment the request is due (connect included) to its last byte.
 *
 * <p>Threading: the loop thread only.
 */
final class Client implements EventCallback {
    private final LoadRun run;
    private final ResponseParser parser = new ResponseParser();

    private SocketChannel ch;
    private Event readEv;
    private Event writeEv;
    private boolean connected;
    private int served; // responses on this connection
    private int next;   // the request being replayed, an index in the trace
    private int end;    // end of the current session
    private ByteBuffer request;
    private long startNanos;
    private boolean retried;
    private boolean outstanding;

    Client(LoadRun run) {
        this.run = run;
    }

    /** Starts replaying (on the loop thread). */
    void start() {
        nextSession();
    }

    /** Closes this client's connection, if any, without counting anything (the run is over). */
    void abandon() {
        closeConnection();
    }

    private void nextSession() {
        closeConnection();
        int s = run.takeSession();
        if (s < 0) {
            run.clientDone();
            return;
        }
        next = run.trace().sessionStarts()[s];
        end = run.trace().sessionEnd(s);
        sendNext();
    }

    private void sendNext() {
        if (next == end) {
            nextSession();
            return;
        }
        if (!run.startRequest()) {
            closeConnection();
            run.clientDone();
            return;
        }
        startNanos = System.nanoTime();
        retried = false;
        issue();
    }

    private void issue() {
        parser.reset();
        request = ByteBuffer.wrap(run.request(path()));
        outstanding = true;
        if (ch == null) {
            connect();
        } else {
            write();
        }
    }

    private int path() {
        return run.trace().requests()[next];
    }

    private void connect() {
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            served = 0;
            readEv = Event.set(run.base(), ch, Ev.READ | Ev.PERSIST, this, null);
            writeEv = Event.set(run.base(), ch, Ev.WRITE, this, null);
            readEv.add(run.spec().timeout());
            connected = ch.connect(run.spec().server());
            if (connected) {
                write();
            } else {
                writeEv.add();
            }
        } catch (IOException | RuntimeException e) {
            fail(ErrorLog.Kind.CONNECT, "connect to " + run.spec().server() + ": " + e);
        }
    }

    @Override
    public void onEvent(Event ev, int what, Object arg) {
        if (ev != readEv && ev != writeEv) {
            return; // an event of a connection closed in this same loop pass
        }
        if ((what & (Ev.READ | Ev.WRITE)) == 0) { // the idle timeout alone
            fail(ErrorLog.Kind.TIMEOUT, "no byte for " + run.spec().timeout().toMillis() + " ms"
                    + (connected ? " after " + parser.received() + " bytes of the response" : " while connecting"));
            return;
        }
        if (!connected && !finishConnect()) {
            return;
        }
        if (ev == writeEv) {
            write();
        } else {
            read();
        }
    }

    private boolean finishConnect() {
        try {
            connected = ch.finishConnect();
            return connected;
        } catch (IOException e) {
            fail(ErrorLog.Kind.CONNECT, "connect to " + run.spec().server() + ": " + e);
            return false;
        }
    }

    private void write() {
        try {
            ch.write(request);
            if (request.hasRemaining()) {
                writeEv.add();
            }
        } catch (IOException e) {
            if (served > 0 && !retried) {
                retry(); // the server closed an idle keep-alive connection under us
            } else {
                fail(ErrorLog.Kind.IO, "sending the request: " + e);
            }
        }
    }

    private void read() {
        ByteBuffer buf = run.readBuffer();
        try {
            while (true) {
                buf.clear();
                int n = ch.read(buf);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    eof();
                    return;
                }
                buf.flip();
                if (!outstanding) {
                    fail(ErrorLog.Kind.PROTOCOL, n + " bytes arrived with no request outstanding");
                    return;
                }
                int r = parser.feed(buf);
                if (r == ResponseParser.FAILED) {
                    fail(ErrorLog.Kind.PROTOCOL, parser.error());
                    return;
                }
                if (r == ResponseParser.DONE) {
                    if (buf.hasRemaining()) {
                        fail(ErrorLog.Kind.PROTOCOL, buf.remaining() + " bytes after the end of the response");
                    } else {
                        complete();
                    }
                    return;
                }
            }
        } catch (IOException e) {
            if (parser.received() == 0 && served > 0 && !retried) {
                retry();
            } else {
                fail(ErrorLog.Kind.IO, "reading the response: " + e);
            }
        }
    }

    private void eof() {
        if (parser.received() == 0 && served > 0 && !retried) {
            retry();
            return;
        }
        if (parser.eof() == ResponseParser.DONE) {
            complete();
        } else {
            fail(ErrorLog.Kind.PROTOCOL, parser.error());
        }
    }

    private void retry() {
        retried = true;
        closeConnection();
        issue();
    }

    private void complete() {
        outstanding = false;
        long nanos = System.nanoTime() - startNanos;
        served++;
        long want = run.expectedSize(path());
        String problem = null;
        ErrorLog.Kind kind = null;
        if (parser.status() != 200) {
            kind = ErrorLog.Kind.STATUS;
            problem = "status " + parser.status();
        } else if (want < 0) {
            kind = ErrorLog.Kind.NOT_IN_ROOT;
            problem = "status 200 but no such file in the document root";
        } else if (parser.contentLength() < 0) {
            kind = ErrorLog.Kind.LENGTH;
            problem = "no Content-Length (" + parser.bodyBytes() + " bytes until close; the file has " + want + ")";
        } else if (parser.contentLength() != want) {
            kind = ErrorLog.Kind.LENGTH;
            problem = "Content-Length " + parser.contentLength() + " but the file has " + want + " bytes";
        }
        if (kind == null) {
            run.succeeded(nanos, parser.bodyBytes());
        } else {
            run.failed(kind, describe(problem));
        }
        if (!run.spec().keepAlive() || !parser.keepAlive()) {
            closeConnection();
        }
        next++;
        sendNext();
    }

    /** Counts the request as failed, drops the connection, goes on with the session. */
    private void fail(ErrorLog.Kind kind, String problem) {
        outstanding = false;
        run.failed(kind, describe(problem));
        closeConnection();
        next++;
        // later, not now: a server that refuses at once must not recurse through the whole trace
        run.base().execute(this::sendNext);
    }

    private String describe(String problem) {
        return "GET " + run.trace().paths()[path()] + ": " + problem;
    }

    private void closeConnection() {
        if (ch == null) {
            return;
        }
        if (readEv != null) { // null when connect() failed half-way
            readEv.del();
            writeEv.del();
        }
        readEv = null;
        writeEv = null;
        try {
            ch.close();
        } catch (IOException e) {
            run.failed(ErrorLog.Kind.IO, "closing a connection: " + e);
        }
        ch = null;
        connected = false;
    }
}
