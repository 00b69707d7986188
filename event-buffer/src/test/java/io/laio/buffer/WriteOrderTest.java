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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.Sys;
import io.laio.event.Ev;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code onRead} appends is written before the next read is posted: a request-reply
 * exchange never waits behind a {@code recvfrom} that fails and a wait registration. Counted
 * with {@link io.laio.LaioStats}: between {@code onRead} returning and the reply's write
 * ({@code onWrite}), no {@code recvfrom} is made — for a read that completed in the
 * background and for one that completed inline.
 */
class WriteOrderTest {
    private final Loopback lo = Loopback.listening();

    @AfterEach
    void tearDown() {
        lo.close();
    }

    /** Answers each line with a reply; counts the recvfroms made between a request's onRead and its reply's onWrite. */
    private static class Replier extends BufferEventTest.Recorder {
        private final io.laio.Laio laio;
        final List<String> outOfOrder = new ArrayList<>();
        long recvAtRead = -1;
        int replies;

        @Override
        public void onRead(BufferEvent be) {
            super.onRead(be);
            String line;
            while ((line = be.input().readLine(EolStyle.LF)) != null) {
                be.output().appendLatin1("re: " + line + "\n");
            }
            recvAtRead = recvfroms();
        }

        @Override
        public void onWrite(BufferEvent be) {
            super.onWrite(be);
            replies++;
            long now = recvfroms();
            if (recvAtRead >= 0 && now != recvAtRead) {
                outOfOrder.add("reply " + replies + ": " + (now - recvAtRead) + " recvfrom before it was written");
            }
            recvAtRead = -1;
        }

        Replier(io.laio.Laio laio) {
            this.laio = laio;
        }

        private long recvfroms() {
            return laio.stats().calls(Sys.SYS_recvfrom);
        }
    }

    /** Loop callbacks per request of the last {@link #exchange} after its first round. */
    private double callbacksPerRequest;

    private void exchange(boolean requestBeforeReading) throws Exception {
        int rounds = 40;
        long[] callbacksAtReply = {-1, -1}; // at the first and at the last
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<List<String>> replies = new AtomicReference<>();
        Socket s = lo.connect();
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        if (requestBeforeReading) {
            out.write("request 0\n".getBytes(StandardCharsets.US_ASCII)); // there when the first read is made
        }
        Replier r = new Replier(lo.laio) {
            @Override
            public void onWrite(BufferEvent be) {
                super.onWrite(be);
                callbacksAtReply[callbacksAtReply[0] < 0 ? 0 : 1] = lo.callbacks();
            }
        };
        BufferEvent be = lo.accepted(r);
        if (requestBeforeReading) {
            lo.runFor(20); // the request is in the socket before reading is enabled: the first read completes inline
        }
        be.readWatermarks(0, 64 << 10); // onRead's drain below the high mark would kick too
        lo.peer("peer", failure, () -> {
            try (s) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                List<String> got = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    if (i > 0 || !requestBeforeReading) {
                        out.write(("request " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    got.add(in.readLine()); // the next request only after this reply
                }
                replies.set(got);
            }
        });
        be.enable(Ev.READ);
        lo.runUntil(() -> replies.get() != null || failure.get() != null, 10);
        callbacksPerRequest = (double) (callbacksAtReply[1] - callbacksAtReply[0]) / (rounds - 1);
        be.close();
        assertEquals(null, failure.get());
        assertEquals(rounds, replies.get().size());
        assertEquals("re: request " + (rounds - 1), replies.get().get(rounds - 1));
        assertTrue(r.outOfOrder.isEmpty(), r.outOfOrder.toString());
        assertEquals(rounds, r.replies);
    }

    @Test
    void replyToARequestReadInTheBackgroundIsWrittenBeforeTheNextRead() throws Exception {
        exchange(false);
    }

    @Test
    void replyToARequestReadInlineIsWrittenBeforeTheNextRead() throws Exception {
        exchange(true);
    }

    /**
     * A request read in the background costs the loop two callbacks, the socket's readiness
     * and the read's completion: the reply appended and the input drained in {@code onRead}
     * schedule no kick of their own, since the completion writes and reads next itself.
     */
    @Test
    void aRequestReplyExchangeCostsTwoLoopCallbacksPerRequest() throws Exception {
        exchange(false);
        assertTrue(callbacksPerRequest <= 2.0, "callbacks per request: " + callbacksPerRequest);
    }
}
