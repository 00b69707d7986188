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

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A raw-socket memcached text-protocol client for tests: send bytes, read lines. */
final class KvClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    KvClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    KvClient send(String s) throws IOException {
        return send(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    KvClient send(byte[] b) throws IOException {
        out.write(b);
        out.flush();
        return this;
    }

    /** One line, without its CRLF; fails on a line not ended by CRLF. */
    String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed after " + b.toString(StandardCharsets.ISO_8859_1));
            }
            if (c == '\n') {
                byte[] l = b.toByteArray();
                if (l.length == 0 || l[l.length - 1] != '\r') {
                    throw new IOException("line not ended by CRLF: " + b.toString(StandardCharsets.ISO_8859_1));
                }
                return new String(l, 0, l.length - 1, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
    }

    byte[] bytes(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** Asserts the next lines are exactly {@code lines}. */
    KvClient expect(String... lines) throws IOException {
        for (String l : lines) {
            assertEquals(l, line());
        }
        return this;
    }

    /** Sends {@code command} and asserts the reply lines. */
    KvClient call(String command, String... reply) throws IOException {
        send(command);
        return expect(reply);
    }

    /** Asserts nothing arrives within {@code millis}. */
    void expectSilence(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            int c = in.read();
            throw new AssertionError("expected no reply, got " + (c < 0 ? "end of stream" : "'" + (char) c + "'"));
        } catch (SocketTimeoutException expected) {
            // nothing came
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    /** Asserts the server closes the connection (after any bytes it still sends, returned). */
    String expectClosed() throws IOException {
        byte[] rest = in.readAllBytes();
        return new String(rest, StandardCharsets.ISO_8859_1);
    }

    /** The value stored under {@code key}, or null. */
    String get(String key) throws IOException {
        send("get " + key + "\r\n");
        String l = line();
        if (l.equals("END")) {
            return null;
        }
        String[] parts = l.split(" ");
        int n = Integer.parseInt(parts[3]);
        String v = new String(bytes(n), StandardCharsets.ISO_8859_1);
        expect("", "END");
        return v;
    }

    KvClient set(String key, String value) throws IOException {
        return call("set " + key + " 0 0 " + value.length() + "\r\n" + value + "\r\n", "STORED");
    }

    Map<String, String> stats() throws IOException {
        send("stats\r\n");
        Map<String, String> m = new HashMap<>();
        for (String l = line(); !l.equals("END"); l = line()) {
            String[] p = l.split(" ", 3);
            m.put(p[1], p[2]);
        }
        return m;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
