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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Many keep-alive clients on one selector thread: {@link #connectAll} opens them all as fast as
 * it can, {@link #askAll} then sends one small GET on each and waits for every answer. The
 * connections stay open (idle) until {@link #close()}.
 */
final class ManyClients implements AutoCloseable {
    private final Selector selector = Selector.open();
    private final SocketChannel[] channels;
    private final ByteBuffer[] answers;
    private final int[] status;

    ManyClients(int n) throws IOException {
        channels = new SocketChannel[n];
        answers = new ByteBuffer[n];
        status = new int[n];
    }

    /** Connects all of them, none waiting for another; how many the kernel completed within {@code seconds}. */
    int connectAll(int port, int seconds) throws IOException {
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
        int connected = 0;
        for (int i = 0; i < channels.length; i++) {
            SocketChannel ch = SocketChannel.open();
            channels[i] = ch;
            ch.configureBlocking(false);
            if (ch.connect(to)) {
                connected++;
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, i);
            }
        }
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (connected < channels.length && System.nanoTime() < deadline) {
            selector.select(100);
            for (SelectionKey k : selector.selectedKeys()) {
                if (((SocketChannel) k.channel()).finishConnect()) {
                    connected++;
                    k.interestOps(0);
                }
            }
            selector.selectedKeys().clear();
        }
        return connected;
    }

    /**
     * Sends {@code GET path} on every connection, then reads until each has a whole answer (head
     * and Content-Length of body) or {@code seconds} pass.
     *
     * @return how many were answered; {@link #status(int)} gives each one's status (-1: none)
     */
    int askAll(String path, int seconds) throws IOException {
        byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < channels.length; i++) {
            status[i] = -1;
            answers[i] = ByteBuffer.allocate(2048);
            channels[i].write(ByteBuffer.wrap(req)); // far less than a send buffer: all of it goes
            SelectionKey k = channels[i].keyFor(selector);
            if (k == null) {
                channels[i].register(selector, SelectionKey.OP_READ, i);
            } else {
                k.interestOps(SelectionKey.OP_READ);
            }
        }
        int answered = 0;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (answered < channels.length && System.nanoTime() < deadline) {
            selector.select(100);
            for (SelectionKey k : selector.selectedKeys()) {
                int i = (Integer) k.attachment();
                int r;
                try {
                    r = channels[i].read(answers[i]);
                } catch (IOException e) {
                    r = -1;
                }
                if (r < 0) {
                    k.interestOps(0); // closed unanswered
                } else if (complete(i)) {
                    answered++;
                    k.interestOps(0);
                }
            }
            selector.selectedKeys().clear();
        }
        return answered;
    }

    int status(int i) {
        return status[i];
    }

    private boolean complete(int i) {
        ByteBuffer b = answers[i];
        byte[] a = b.array();
        int len = b.position();
        for (int e = 3; e < len; e++) {
            if (a[e - 3] == '\r' && a[e - 2] == '\n' && a[e - 1] == '\r' && a[e] == '\n') {
                String head = new String(a, 0, e, StandardCharsets.ISO_8859_1);
                int body = 0;
                for (String line : head.split("\r\n")) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        body = Integer.parseInt(line.substring(15).strip());
                    }
                }
                if (len - e - 1 < body) {
                    return false;
                }
                status[i] = Integer.parseInt(head.substring(9, 12));
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel ch : channels) {
            if (ch != null) {
                ch.close();
            }
        }
        selector.close();
    }
}
