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
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A non-blocking NIO socket channel on the event loop: an operation that cannot finish now
 * waits for readiness (a one-shot READ or WRITE event) and is retried then.
 */
final class NioSocketIo extends SocketIo {
    private static final EventCallback ON_READY = (ev, what, arg) -> ((NioSocketIo) arg).ready();

    private final SocketChannel ch;
    private final Event readable;
    private final Event writable;
    private final ByteBuffer[] pair = new ByteBuffer[2];
    private ByteBuffer readInto;
    private long sent;

    NioSocketIo(EventBase base, SocketChannel ch) throws IOException {
        this.ch = ch;
        ch.configureBlocking(false);
        readable = Event.set(base, ch, Ev.READ, ON_READY, this);
        writable = Event.set(base, ch, Ev.WRITE, ON_READY, this);
    }

    @Override
    long recv(ByteBuffer in, long inAddress) {
        long r = read(in);
        if (r != PENDING) {
            return r;
        }
        readInto = in;
        readable.add();
        return PENDING;
    }

    private long read(ByteBuffer in) {
        int p = in.position();
        try {
            int n = ch.read(in);
            return n < 0 ? 0 : n == 0 ? PENDING : n;
        } catch (IOException e) {
            return -Errno.ECONNRESET;
        } finally {
            in.position(p); // the caller advances by the result
        }
    }

    @Override
    long send(ByteBuffer first, long firstAddress, ByteBuffer second) {
        pair[0] = first;
        pair[1] = second;
        sent = 0;
        return write();
    }

    private long write() {
        try {
            int from = pair[0] == null || !pair[0].hasRemaining() ? 1 : 0;
            while (from < 2 && pair[from] != null && pair[from].hasRemaining()) {
                long n = from == 0 && pair[1] != null ? ch.write(pair, 0, 2) : ch.write(pair[from]);
                if (n == 0) {
                    writable.add();
                    return PENDING;
                }
                sent += n;
                if (!pair[from].hasRemaining()) {
                    from++;
                }
            }
            return sent;
        } catch (IOException e) {
            return -Errno.EPIPE;
        }
    }

    private void ready() {
        long r;
        if (readInto != null) {
            r = read(readInto);
            if (r == PENDING) {
                readable.add();
                return;
            }
            readInto = null;
        } else {
            r = write();
            if (r == PENDING) {
                return;
            }
        }
        owner.resume(r);
    }

    @Override
    boolean sendsFiles() {
        return false;
    }

    @Override
    void stopWaiting() {
        readable.del();
        writable.del();
        readInto = null;
    }

    @Override
    void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // closing a socket that failed: nothing is left to lose
        }
    }

    @Override
    String peer() {
        try {
            return String.valueOf(ch.getRemoteAddress());
        } catch (IOException e) {
            return "-";
        }
    }
}
