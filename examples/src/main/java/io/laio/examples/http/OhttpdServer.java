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
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.abi.AtFlags;
import io.laio.abi.MsgFlags;
import io.laio.abi.OpenFlags;
import io.laio.abi.OpenHowLayout;
import io.laio.abi.StatxLayout;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.examples.net.ListenSocket;
import io.laio.examples.net.SocketAbi;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The thesis's tiny web server, ohttpd: written as if every call blocked, one request per
 * connection, with each of its six operations made either as a plain call ({@code sync}) or
 * through lazy LAIO ({@code laio}) — a per-syscall policy, nothing else changes. With all six
 * {@code sync} it is an iterative blocking server; with {@code accept,read,write,sendfile} it is
 * the thesis's "networkonly" configuration; with all six it is fully asynchronous.
 *
 * <p>Sockets are blocking descriptors, as in the thesis: a {@code sync} operation really
 * blocks the loop. Loop thread only, but {@link #stop()}.
 */
public final class OhttpdServer {
    /** The operations whose path is selectable, with the system call each one is. */
    public enum Op {
        ACCEPT(Sys.SYS_accept4), READ(Sys.SYS_recvfrom), OPEN(Sys.SYS_openat2), STAT(Sys.SYS_statx),
        WRITE(Sys.SYS_sendto), SENDFILE(Sys.SYS_sendfile);

        final long nr;

        Op(long nr) {
            this.nr = nr;
        }

        /** Parses "accept,read,write,sendfile" (or "all", "none"). */
        public static Set<Op> parse(String list) {
            EnumSet<Op> ops = EnumSet.noneOf(Op.class);
            if (list.equals("all")) {
                return EnumSet.allOf(Op.class);
            }
            for (String s : list.split(",")) {
                if (!s.isBlank() && !s.equals("none")) {
                    ops.add(Op.valueOf(s.strip().toUpperCase(Locale.ROOT)));
                }
            }
            return ops;
        }
    }

    private static final int HEAD_MAX = 8192;

    private final EventBase base = EventBase.create("epoll"); // LAIO's socket waits on the loop's own epoll
    private final Laio laio;
    private final Arena arena = Arena.ofShared();
    private final DocRoot root;
    private final int listenFd;
    private final int port;
    private volatile long served;
    private volatile boolean closed;

    public OhttpdServer(InetAddress bind, int port, Path rootDir, Set<Op> viaLaio) throws IOException {
        LaioConfig.Builder cfg = LaioConfig.builder().policy(Policy.INLINE);
        for (Op op : viaLaio) {
            cfg.policy(op.nr, Policy.LAZY);
        }
        laio = Laio.attach(base, cfg.build());
        root = DocRoot.open(laio, arena, rootDir);
        try {
            ListenSocket l = ListenSocket.open(laio, new InetSocketAddress(bind, port), SocketAbi.SOCK_CLOEXEC, false, 1024); // blocking, as in the thesis
            listenFd = l.fd();
            this.port = l.port();
        } catch (IOException e) {
            root.close(laio);
            laio.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public long served() {
        return served;
    }

    /** Serves until {@link #stop()}, then closes what it opened. */
    public void run() {
        try {
            acceptNext();
            base.loop(Ev.LOOP_NO_EXIT_ON_EMPTY);
        } finally {
            closed = true;
            laio.close(listenFd); // a blocking accept in the background ends with EBADF or is cancelled below
            root.close(laio);
            laio.close();
            base.close();
            arena.close();
        }
    }

    /** Ends {@link #run()}; any thread. A plain accept blocked on the loop is woken by shutting the listener down. */
    public void stop() {
        if (!closed) {
            try {
                base.loopExit(null);
            } catch (IllegalStateException e) {
                return; // already closed
            }
            try (Laio plain = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build())) {
                if (plain.syscall(Sys.SYS_shutdown, listenFd, 0 /* SHUT_RD */) != 0 && Laio.errno() != Errno.ENOTCONN) {
                    ThttpdServer.LOG.debug("shutdown of the ohttpd listener: {}", Errno.name(Laio.errno()));
                }
            }
        }
    }

    /** A call's raw return handed to {@code then} now, or when its EV_LAIO event fires. */
    private void call(long raw, LongConsumer then) {
        if (raw == -1 && Laio.errno() == Errno.EINPROGRESS) {
            Event.set(base, laio.gethandle(), Ev.LAIO, (ev, what, arg) -> {
                if (!closed) {
                    then.accept(ev.result() == -1 ? -ev.error() : ev.result());
                }
            }, null).add();
            return;
        }
        then.accept(raw == -1 ? -Laio.errno() : raw);
    }

    private void acceptNext() {
        call(laio.syscall(Sys.SYS_accept4, listenFd, 0, 0, SocketAbi.SOCK_CLOEXEC), fd -> {
            if (fd >= 0) {
                new Conn((int) fd).read();
            } else if (fd == -Errno.EMFILE || fd == -Errno.ENFILE) {
                base.once(null, Ev.TIMEOUT, (ev, w, a) -> acceptNext(), null, Duration.ofMillis(100));
                return;
            } else if (fd == -Errno.EINVAL || fd == -Errno.EBADF) {
                return; // the listener was shut down by stop()
            }
            if (!closed) {
                base.execute(this::acceptNext); // through the loop: no recursion while accepts finish inline
            }
        });
    }

    /** One connection: read the request, open and stat the file, write the head, sendfile the body, close. */
    private final class Conn {
        final int fd;
        final Arena mem = Arena.ofConfined(); // helpers write through raw addresses; freed on the loop thread
        final RequestPath name = new RequestPath();
        final MemorySegment in = mem.allocate(HEAD_MAX);
        final MemorySegment out = mem.allocate(1024);
        final MemorySegment how = mem.allocate(OpenHowLayout.LAYOUT);
        final MemorySegment path = mem.allocate(HEAD_MAX + 16);
        final MemorySegment stx = mem.allocate(StatxLayout.LAYOUT);
        final MemorySegment off = mem.allocate(8, 8);
        final MemorySegment empty = mem.allocate(1);
        int got;
        int file = -1;
        long size;

        Conn(int fd) {
            this.fd = fd;
        }

        void read() {
            call(laio.syscall(Sys.SYS_recvfrom, fd, in.address() + got, HEAD_MAX - got, 0, 0, 0), n -> {
                if (n <= 0) {
                    close();
                    return;
                }
                got += (int) n;
                ByteBuffer b = in.asSlice(0, got).asByteBuffer();
                HttpRequest req = new HttpRequest();
                int r = RequestParser.parse(b, got, req);
                if (r == RequestParser.NEED_MORE && got < HEAD_MAX) {
                    read();
                } else if (r <= 0) {
                    reply(r < 0 ? -r : 431);
                } else if (req.method != HttpRequest.GET) {
                    reply(405);
                } else {
                    open(req);
                }
            });
        }

        void open(HttpRequest req) {
            RequestPath p = name;
            int status = p.parse(req.target, req.targetLength);
            if (status != 0) {
                reply(status);
                return;
            }
            MemorySegment.copy(p.bytes, 0, path, ValueLayout.JAVA_BYTE, 0, p.length + 1);
            OpenHowLayout.set(how, OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC, 0,
                    OpenHowLayout.RESOLVE_BENEATH | OpenHowLayout.RESOLVE_NO_MAGICLINKS);
            call(laio.syscall(Sys.SYS_openat2, root.fd(), path.address(), how.address(), OpenHowLayout.SIZE), f -> {
                if (f < 0) {
                    reply(Connection.openFailure((int) -f));
                    return;
                }
                file = (int) f;
                stat();
            });
        }

        void stat() {
            call(laio.syscall(Sys.SYS_statx, file, empty.address(), AtFlags.AT_EMPTY_PATH, StatxLayout.STATX_TYPE
                    | StatxLayout.STATX_SIZE, stx.address()), r -> {
                if (r < 0 || (StatxLayout.mode(stx) & StatxLayout.S_IFMT) != StatxLayout.S_IFREG) {
                    reply(r < 0 ? 500 : 403);
                    return;
                }
                size = StatxLayout.size(stx);
                write("HTTP/1.0 200 OK\r\nServer: laio-ohttpd\r\nContent-Length: " + size + "\r\nContent-Type: "
                        + MimeTypes.of(name.bytes, name.length) + "\r\nConnection: close\r\n\r\n", true);
            });
        }

        void reply(int status) {
            write("HTTP/1.0 " + status + " " + ResponseHead.reason(status) + "\r\nServer: laio-ohttpd\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n", false);
        }

        void write(String head, boolean body) {
            byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
            MemorySegment.copy(h, 0, out, ValueLayout.JAVA_BYTE, 0, h.length);
            call(laio.syscall(Sys.SYS_sendto, fd, out.address(), h.length, MsgFlags.MSG_NOSIGNAL, 0, 0), n -> {
                if (n == h.length && body && size > 0) {
                    off.set(ValueLayout.JAVA_LONG, 0, 0);
                    sendfile();
                } else {
                    close();
                }
            });
        }

        void sendfile() {
            long at = off.get(ValueLayout.JAVA_LONG, 0);
            call(laio.syscall(Sys.SYS_sendfile, fd, file, off.address(), size - at), n -> {
                long now = off.get(ValueLayout.JAVA_LONG, 0);
                if (n > 0 && now < size) {
                    sendfile(); // a blocking socket takes it all; a signal could still cut it short
                } else {
                    close();
                }
            });
        }

        void close() {
            if (file >= 0) {
                laio.close(file);
            }
            laio.close(fd);
            served++;
            mem.close();
        }
    }
}
