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


package io.laio.bench.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * What every echo benchmark shares: a TCP connection over loopback with Nagle off on both ends
 * (the benchmark thread's blocking {@link #client}, and a non-blocking {@link #server} end for
 * a loop to serve), the server side's {@link #echo} and the client side's {@link #exchange}.
 */
public final class LoopbackEcho implements AutoCloseable {
    /** The benchmark thread's end, blocking. */
    public final SocketChannel client;
    /** The accepted end, non-blocking, for the loop under test. */
    public final SocketChannel server;
    private final ServerSocketChannel listener;

    private LoopbackEcho(ServerSocketChannel listener, SocketChannel client, SocketChannel server) {
        this.listener = listener;
        this.client = client;
        this.server = server;
    }

    /** Connects a client to a listener on 127.0.0.1 and accepts it. */
    public static LoopbackEcho open() throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        SocketChannel client = SocketChannel.open(listener.getLocalAddress());
        client.socket().setTcpNoDelay(true);
        SocketChannel server = listener.accept();
        server.configureBlocking(false);
        server.socket().setTcpNoDelay(true);
        return new LoopbackEcho(listener, client, server);
    }

    /** Reads what the peer sent into buf and writes it back: the server side of every echo benchmark. */
    public static void echo(SocketChannel conn, ByteBuffer buf) {
        try {
            buf.clear();
            if (conn.read(buf) > 0) {
                buf.flip();
                while (buf.hasRemaining()) {
                    conn.write(buf);
                }
            }
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    /** Writes request and reads its echo until reply is full: the client side of every echo benchmark. */
    public static int exchange(SocketChannel client, ByteBuffer request, ByteBuffer reply) throws IOException {
        request.clear();
        client.write(request);
        reply.clear();
        while (reply.hasRemaining()) {
            client.read(reply);
        }
        return reply.position();
    }

    /** Closes both ends and the listener; call it once the loop serving {@link #server} has stopped. */
    @Override
    public void close() throws IOException {
        client.close();
        server.close();
        listener.close();
    }
}
