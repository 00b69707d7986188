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

package io.laio.bench.buffer;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load {@code benchmarks/proxy.sh} puts on an echo server, directly or through the proxy:
 * N connections, each on a thread of its own, each sending a message and reading it back in a
 * loop; after a warm-up, the echoed bytes per second over the measured time, printed as one line
 * {@code MBps <value>} (MB = 10^6 bytes, counted one way).
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.laio.bench.buffer.StreamLoad HOST PORT CONNECTIONS
 * MESSAGE_BYTES WARMUP_SECONDS SECONDS}.
 */
public final class StreamLoad {
    private StreamLoad() {}

    /**
     * Runs the load.
     *
     * @param args host, port, connections, message size, warm-up seconds, measured seconds
     * @throws Exception if a connection fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: StreamLoad HOST PORT CONNECTIONS MESSAGE_BYTES WARMUP_SECONDS SECONDS");
            System.exit(2);
        }
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int connections = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        long warmup = Long.parseLong(args[4]);
        long seconds = Long.parseLong(args[5]);
        LongAdder bytes = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(connections);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                byte[] msg = new byte[size];
                byte[] back = new byte[size];
                try (Socket s = new Socket()) {
                    s.setTcpNoDelay(true);
                    s.connect(to);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    while (!stop.get()) {
                        out.write(msg);
                        if (in.readNBytes(back, 0, size) != size) {
                            throw new IllegalStateException("the server closed the connection");
                        }
                        bytes.add(size);
                    }
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                } finally {
                    done.countDown();
                }
            }));
        }
        Thread.sleep(warmup * 1000);
        long start = bytes.sum();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000);
        long moved = bytes.sum() - start;
        long elapsed = System.nanoTime() - t0;
        stop.set(true);
        done.await();
        if (!failures.isEmpty()) {
            System.err.println("connections failed: " + failures.size() + ", first: " + failures.get(0));
            System.exit(1);
        }
        System.out.printf("MBps %.1f%n", moved / (elapsed / 1e9) / 1e6);
    }
}
