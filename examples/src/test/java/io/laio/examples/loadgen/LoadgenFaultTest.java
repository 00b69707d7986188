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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.examples.loadgen.LoadgenCommandTest.Outcome;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against hand-written misbehaving servers: every fault is an error, and
 * a keep-alive connection closed between requests is retried, not hidden and not an error.
 */
@Timeout(30)
class LoadgenFaultTest {
    @TempDir
    Path dir;

    /** What a connection's server side does for each request it reads. */
    interface Behaviour {
        /** @return false to close the connection */
        boolean answer(int requestOnConnection, String path, OutputStream out) throws IOException;
    }

    /** Six requests for a 100-byte file, in two sessions of three. */
    @BeforeEach
    void writeWorkload() throws IOException {
        Files.createDirectories(dir.resolve("root"));
        Files.write(dir.resolve("root/f.html"), new byte[100]);
        Files.writeString(dir.resolve("trace.txt"), "0 /f.html\n0 /f.html\n0 /f.html\n1 /f.html\n1 /f.html\n1 /f.html\n");
    }

    private Outcome against(Behaviour b, String... extra) throws IOException {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                while (true) {
                    Socket s;
                    try {
                        s = ss.accept();
                    } catch (IOException e) {
                        return;
                    }
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s, b));
                }
            });
            String[] args = new String[] {"--workload", dir.toString(), "--port", Integer.toString(ss.getLocalPort()), "--clients", "2",
                "--no-progress", "--timeout", "0.5"};
            String[] all = Arrays.copyOf(args, args.length + extra.length);
            System.arraycopy(extra, 0, all, args.length, extra.length);
            Outcome o = LoadgenCommandTest.loadgen(all);
            acceptor.interrupt();
            return o;
        }
    }

    private static void serve(Socket s, Behaviour b) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            for (int n = 0; ; n++) {
                String line = in.readLine();
                if (line == null) {
                    return;
                }
                String path = line.split(" ")[1];
                while (!(line = in.readLine()).isEmpty()) {
                    // skip the headers
                }
                if (!b.answer(n, path, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException | NullPointerException e) {
            // the client went away
        }
    }

    private static void head(OutputStream out, String extra) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\n" + extra + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aServerThatNeverAnswersTimesOutEveryRequest() throws IOException {
        Outcome o = against((n, path, out) -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        });
        assertEquals(1, o.exit(), o::toString);
        assertTrue(o.err().contains("TIMEOUT=6"), o.err());
    }

    @Test
    void aBodyCutShortByTheServerIsAnError() throws IOException {
        Outcome o = against((n, path, out) -> {
            head(out, "Content-Length: 100\r\n");
            out.write(new byte[10]);
            return false;
        });
        assertEquals(1, o.exit(), o::toString);
        assertTrue(o.err().contains("PROTOCOL=6"), o.err());
        assertTrue(o.err().contains("closed after"), o.err());
    }

    @Test
    void aResponseWithoutContentLengthIsAnErrorEvenIfTheBodyIsRight() throws IOException {
        Outcome o = against((n, path, out) -> {
            head(out, "Connection: close\r\n");
            out.write(new byte[100]);
            return false;
        });
        assertEquals(1, o.exit(), o::toString);
        assertTrue(o.err().contains("LENGTH=6"), o.err());
        assertTrue(o.err().contains("no Content-Length"), o.err());
    }

    @Test
    void aKeepAliveConnectionClosedBetweenRequestsIsRetriedOnANewOne() throws IOException {
        Outcome o = against((n, path, out) -> {
            head(out, "Content-Length: 100\r\n");
            out.write(new byte[100]);
            return n < 1; // two responses, then an idle close without warning
        }, "--csv", dir.resolve("r.csv").toString());
        assertEquals(0, o.exit(), o::toString);
        RunResult r = ResultTable.read(dir.resolve("r.csv")).rows().get(0);
        assertEquals(6, r.requests());
        assertEquals(600, r.bytes());
    }

    @Test
    void extraBytesAfterAResponseAreAnError() throws IOException {
        Outcome o = against((n, path, out) -> {
            head(out, "Content-Length: 100\r\n");
            out.write(new byte[105]);
            return true;
        });
        assertEquals(1, o.exit(), o::toString);
        assertTrue(o.err().contains("PROTOCOL="), o.err());
    }

    @Test
    void aServerThatNeverAcceptsTimesOutConnectsToo() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // backlog 1, never accepted: a couple of connects complete in the kernel, the rest stay pending
            Outcome o = LoadgenCommandTest.loadgen("--workload", dir.toString(), "--port", Integer.toString(ss.getLocalPort()),
                    "--clients", "6", "--timeout", "0.3", "--no-progress");
            assertEquals(1, o.exit(), o::toString);
            assertTrue(o.err().contains("TIMEOUT=6"), o.err());
            assertTrue(o.err().contains("while connecting"), o.err());
        }
    }

    @Test
    void aRefusedConnectionIsAnError() throws IOException {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        Outcome o = LoadgenCommandTest.loadgen("--workload", dir.toString(), "--port", Integer.toString(port), "--no-progress");
        assertEquals(1, o.exit(), o::toString);
        assertTrue(o.err().contains("CONNECT=6"), o.err());
    }
}
