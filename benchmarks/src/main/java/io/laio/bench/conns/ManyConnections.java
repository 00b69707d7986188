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

package io.laio.bench.conns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Opens N keep-alive connections to an HTTP server as fast as one thread can, then sends one
 * small {@code GET} on each and counts the complete answers; with {@code --hold} it then keeps
 * the connections open, idle, until its standard input closes (for measuring what idle
 * connections cost the server). Prints one line: {@code connected C answered A of N in S s}
 * (and the statuses other than 200), then {@code holding} when it holds.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.laio.bench.conns.ManyConnections --port P -n 10000}
 * (raise {@code ulimit -n} above N first).
 */
@Command(name = "many-connections", mixinStandardHelpOptions = true)
public final class ManyConnections implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", required = true)
    int port;

    @Option(names = "-n", defaultValue = "10000", description = "connections (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--path", defaultValue = "/hello.txt", description = "what each asks for (default: ${DEFAULT-VALUE})")
    String path;

    @Option(names = "--timeout", defaultValue = "10", description = "seconds to wait for the answers (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--hold", description = "keep the connections open until stdin closes")
    boolean hold;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ManyConnections()).execute(args));
    }

    /** A connection's response so far. */
    private static final class Client {
        final ByteBuffer in = ByteBuffer.allocate(1024);
        int status = -1;
        boolean answered;
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        InetSocketAddress to = new InetSocketAddress(host, port);
        SocketChannel[] chs = new SocketChannel[n];
        Client[] cs = new Client[n];
        int connected = 0;
        int failed = 0;
        try (Selector sel = Selector.open()) {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                chs[i] = ch;
                cs[i] = new Client();
                if (ch.connect(to)) {
                    connected++;
                } else {
                    ch.register(sel, SelectionKey.OP_CONNECT, i);
                }
            }
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (connected + failed < n && System.nanoTime() < deadline) {
                sel.select(100);
                for (SelectionKey k : sel.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) k.channel();
                    try {
                        if (ch.finishConnect()) {
                            connected++;
                            k.interestOps(0);
                        }
                    } catch (IOException e) {
                        failed++;
                        k.cancel();
                    }
                }
                sel.selectedKeys().clear();
            }
            byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            int answered = 0;
            int closed = 0;
            for (int i = 0; i < n; i++) {
                SocketChannel ch = chs[i];
                if (!ch.isConnected()) {
                    continue;
                }
                ch.write(ByteBuffer.wrap(req)); // far smaller than a socket's send buffer: all of it goes
                SelectionKey k = ch.keyFor(sel);
                if (k == null) {
                    ch.register(sel, SelectionKey.OP_READ, i);
                } else {
                    k.interestOps(SelectionKey.OP_READ);
                }
            }
            deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            while (answered + closed < connected && System.nanoTime() < deadline) {
                sel.select(100);
                for (SelectionKey k : sel.selectedKeys()) {
                    int i = (Integer) k.attachment();
                    Client c = cs[i];
                    int r;
                    try {
                        r = chs[i].read(c.in);
                    } catch (IOException e) {
                        r = -1;
                    }
                    if (r < 0) {
                        closed++;
                        k.interestOps(0);
                    } else if (complete(c)) {
                        answered++;
                        k.interestOps(0);
                    }
                }
                sel.selectedKeys().clear();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            StringBuilder other = new StringBuilder();
            int[] statuses = new int[600];
            for (Client c : cs) {
                if (c.answered && c.status != 200 && c.status >= 0 && c.status < 600) {
                    statuses[c.status]++;
                }
            }
            for (int st = 0; st < 600; st++) {
                if (statuses[st] > 0) {
                    other.append(", ").append(statuses[st]).append(" x ").append(st);
                }
            }
            System.out.printf("connected %d answered %d of %d in %.2f s (closed unanswered %d, connect failed %d%s)%n",
                    connected, answered, n, s, closed, failed, other);
            System.out.flush();
            if (hold) {
                System.out.println("holding");
                System.out.flush();
                InputStream stdin = System.in;
                while (stdin.read() >= 0) {
                    // until stdin closes
                }
            }
            for (SocketChannel ch : chs) {
                ch.close();
            }
            return answered == n ? 0 : 1;
        }
    }

    /** Whether the response head and its Content-Length of body have arrived. */
    private static boolean complete(Client c) {
        ByteBuffer b = c.in;
        byte[] a = b.array();
        int len = b.position();
        for (int i = 3; i < len; i++) {
            if (a[i - 3] == '\r' && a[i - 2] == '\n' && a[i - 1] == '\r' && a[i] == '\n') {
                String head = new String(a, 0, i, StandardCharsets.ISO_8859_1);
                c.status = Integer.parseInt(head.substring(9, 12));
                int body = 0;
                for (String line : head.split("\r\n")) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        body = Integer.parseInt(line.substring(15).strip());
                    }
                }
                if (len - i - 1 >= body || b.remaining() == 0) {
                    c.answered = true;
                    return true;
                }
                return false;
            }
        }
        return false;
    }
}
