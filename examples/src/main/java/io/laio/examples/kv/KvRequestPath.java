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
import io.laio.buffer.EvBuffer;
import io.laio.buffer.SegmentPool;
import io.laio.event.Ev;
import io.laio.event.EventBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One connection's request handling without its socket, for the JMH benchmark of kv's own CPU
 * per operation ({@code io.laio.bench.kv}): a command line is parsed, executed against a store
 * and its reply written to a {@code --io nio} reply buffer or a {@code --io buffered} output,
 * which is then emptied as a socket write would. Mutations go to a mutation log on
 * {@code /dev/null} ({@code --sync never}), whose event loop runs every {@value #PUMP_EVERY}
 * {@code set}s until they are written; every item is in the log before the first {@code get},
 * so a hit's reply is never held.
 *
 * <p>Threading: one thread only, the one that made it (it owns an event loop). Not part of kv's
 * server; nothing else uses it.
 */
public final class KvRequestPath implements AutoCloseable {
    /**
     * {@code set}s between two waits for the log (16 MiB of 1 KiB records): rare enough that the
     * wait for its helper thread, long on a loaded machine, is not what a {@code set} measures.
     */
    public static final int PUMP_EVERY = 16384;

    private final EventBase base;
    private final Laio laio;
    private final int fd;
    private final GroupCommit log;
    private final ItemStore store;
    private final CommandHandler handler;
    private final CommandParser parser = new CommandParser();
    private final Request request = new Request();
    private final ReplyBuffer nioOut = new ReplyBuffer();
    private final SegmentPool pool = SegmentPool.create();
    private final EvBuffer evOut = new EvBuffer(pool);
    private final EvReplies evReplies = new EvReplies(evOut);
    private final byte[][] getLines;
    private final byte[][] setLines;
    private final byte[] value;
    private int ops;

    /**
     * A store of {@code memory} bytes in {@code stripes} stripes (a power of two) holding
     * {@code keys} items of {@code keyLength}-byte keys (memcaslap's shape: a counter, then
     * letters) and {@code valueLength}-byte values.
     *
     * @throws IOException if {@code /dev/null} cannot be opened
     */
    public KvRequestPath(long memory, int stripes, int keys, int keyLength, int valueLength) throws IOException {
        base = EventBase.create();
        laio = Laio.attach(base);
        fd = (int) laio.open("/dev/null", 1 /* O_WRONLY */, 0);
        if (fd < 0) {
            throw new IOException("open /dev/null: errno " + -fd);
        }
        log = new GroupCommit(base, laio, fd, SyncMode.NEVER);
        store = new ItemStore(memory, stripes);
        handler = new CommandHandler(store, log, new KvStats(), 1 << 20);
        value = new byte[valueLength];
        java.util.Arrays.fill(value, (byte) 'v');
        getLines = new byte[keys][];
        setLines = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            String key = key(i, keyLength);
            getLines[i] = ("get " + key).getBytes(StandardCharsets.ISO_8859_1);
            setLines[i] = ("set " + key + " 0 0 " + valueLength).getBytes(StandardCharsets.ISO_8859_1);
        }
        for (int i = 0; i < keys; i++) {
            set(i);
        }
        drainLog();
    }

    /** Runs the log's event loop until every mutation so far is acknowledged (written to {@code /dev/null}). */
    private void drainLog() {
        while (log.ackedLsn() < log.lastLsn() && !log.failed()) {
            base.loop(Ev.LOOP_ONCE);
        }
        if (log.failed()) {
            throw new IllegalStateException("the log to /dev/null failed");
        }
    }

    private static String key(int i, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int k = 0; k < 8; k++) {
            b.append((char) ('0' + ((i >>> (4 * k)) & 0xf)));
        }
        while (b.length() < length) {
            b.append((char) ('a' + b.length() % 26));
        }
        return b.toString();
    }

    /** {@code get} of key {@code i} with the reply into the {@code --io nio} buffer; the reply's length. */
    public int getNio(int i) {
        byte[] line = getLines[i];
        parser.parse(line, 0, line.length, request);
        handler.execute(request, nioOut);
        int n = nioOut.sendable(log.ackedLsn());
        nioOut.consumed(n);
        return n;
    }

    /** {@code get} of key {@code i} with the reply into the {@code --io buffered} output; the reply's length. */
    public int getBuffered(int i) {
        byte[] line = getLines[i];
        parser.parse(line, 0, line.length, request);
        handler.execute(request, evReplies);
        evReplies.release(log.ackedLsn());
        long n = evOut.length();
        evOut.drain(n);
        return (int) n;
    }

    /** {@code set} of key {@code i} (the same value each time), reply into the {@code --io nio} buffer. */
    public int set(int i) {
        byte[] line = setLines[i];
        parser.parse(line, 0, line.length, request);
        byte[] data = new byte[request.length];
        System.arraycopy(value, 0, data, 0, data.length);
        handler.store(request, data, nioOut);
        if (++ops % PUMP_EVERY == 0) {
            drainLog();
        }
        int n = nioOut.sendable(log.ackedLsn());
        nioOut.consumed(n);
        return n;
    }

    /** Items in the store. */
    public int items() {
        return store.size();
    }

    @Override
    public void close() {
        log.close();
        laio.close(fd);
        laio.close();
        base.close();
    }
}
