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

package io.laio.examples.proxy;

import io.laio.BlockingOp;
import io.laio.Descriptor;
import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.abi.OpenFlags;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.examples.net.SocketAbi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection in {@code --io splice} mode: the client's socket and the target's,
 * and per direction one pipe; bytes go socket → pipe → socket with {@code splice(2)} and never
 * enter user space.
 *
 * <p><b>Driven by readiness.</b> Each direction watches either its source for reading or its
 * destination for writing (persistent, level-triggered events on {@link Descriptor} sources on
 * the loop's epoll). Readable: splice the source into the pipe, then the pipe into the
 * destination, repeated up to {@code ROUNDS} times per callback, so one busy connection does not
 * hold the loop; the level-triggered event brings the rest in the next pass. Bytes still in the
 * pipe when the rounds run out wait for the destination, not the source: the source may have
 * nothing more to send until they are answered.
 *
 * <p><b>Back-pressure.</b> When the destination takes less than the pipe holds, the direction
 * stops watching its source and watches the destination instead: the pipe
 * ({@link #PIPE_SIZE}) is the buffer, and TCP holds the sender back. Per direction the proxy
 * holds at most one pipe's bytes, in the kernel.
 *
 * <p><b>Half-close.</b> End-of-file from a source, once its pipe is drained, becomes
 * {@code shutdown(SHUT_WR)} of the destination; the other direction goes on. When both have
 * ended, everything closes. An error on either side (a reset, {@code EPIPE}), or a target that
 * cannot be reached (refused, unknown host, no answer within the connect timeout), closes both.
 *
 * <p><b>Reaching the target</b> as the buffered mode does: the name resolved with
 * {@link InetAddress#getAllByName} as a LAIO call on a helper lane, then a non-blocking
 * {@code connect} as a LAIO call to each address in turn.
 *
 * <p>Every descriptor (two sockets, four pipe ends) is closed exactly once, by {@link #close()}
 * (a direction's {@code release()} frees its pipe only), after its events are deleted; a target socket with a connect in flight is closed when the
 * cancelled connect completes. Threading: the loop thread of the {@link Laio}'s base.
 */
final class SplicePair implements Forwarding {
    private static final Logger LOG = LoggerFactory.getLogger(SplicePair.class);
    /**
     * Each pipe's capacity: 64 KiB, Linux's default and the most an unprivileged process may
     * set without raising {@code /proc/sys/fs/pipe-max-size}; as much as the buffered mode's
     * read high watermark. Chosen, not measured.
     */
    static final int PIPE_SIZE = 64 * 1024;
    /** Splice rounds per readiness callback before the loop's other connections get their turn. */
    private static final int ROUNDS = 8;

    private final ProxyServer server;
    private final Laio laio;
    private final EventBase base;
    private final Splice splice;
    private final String host;
    private final int port;
    private final Duration connectTimeout;
    private final Event connectTimer;
    private final Direction up;   // client → target
    private final Direction down; // target → client
    private final int clientFd;
    private int targetFd = -1;
    private LaioHandle pending; // the resolve or connect in flight
    private boolean connecting; // pending is a connect on targetFd
    private InetAddress[] addresses;
    private int nextAddress;
    private MemorySegment sockaddr;
    private boolean closed;

    SplicePair(ProxyServer server, Laio laio, Splice splice, int clientFd, String host, int port,
            Duration connectTimeout) {
        this.server = server;
        this.laio = laio;
        this.base = laio.base();
        this.splice = splice;
        this.clientFd = clientFd;
        this.host = host;
        this.port = port;
        this.connectTimeout = connectTimeout;
        this.connectTimer = Event.set(base, null, Ev.TIMEOUT, (ev, what, arg) -> unreachable("no answer within "
                + connectTimeout), null);
        this.up = new Direction("client → target");
        this.down = new Direction("target → client");
    }

    @Override
    public void start() {
        if (!up.openPipe() || !down.openPipe()) {
            close();
            return;
        }
        connectTimer.add(connectTimeout);
        Resolve op = new Resolve(host);
        long r = laio.call(op);
        if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
            pending = laio.gethandle();
            Event.set(base, pending, Ev.LAIO, (ev, what, arg) -> {
                pending = null;
                resolved(op, ev.result());
            }, null).add();
            return;
        }
        resolved(op, r);
    }

    private void resolved(Resolve op, long result) {
        if (closed) {
            return;
        }
        if (result <= 0 || op.addresses == null || op.addresses.length == 0) {
            unreachable("cannot resolve " + host + (op.error == null ? "" : ": " + op.error));
            return;
        }
        addresses = op.addresses;
        nextAddress = 0;
        sockaddr = Arena.ofAuto().allocate(SocketAbi.SOCKADDR_MAX, 8);
        connectNext(Errno.EHOSTUNREACH);
    }

    /** Tries the next address; {@code lastErrno} is reported when none is left. */
    private void connectNext(int lastErrno) {
        while (nextAddress < addresses.length) {
            InetAddress a = addresses[nextAddress++];
            int family = a instanceof Inet6Address ? SocketAbi.AF_INET6 : SocketAbi.AF_INET;
            long s = laio.syscall(Sys.SYS_socket, family,
                    SocketAbi.SOCK_STREAM | SocketAbi.SOCK_NONBLOCK | SocketAbi.SOCK_CLOEXEC, 0);
            if (s < 0) {
                lastErrno = Laio.errno();
                continue;
            }
            targetFd = (int) s;
            int len = SocketAbi.sockaddr(sockaddr, a, port);
            long r = laio.syscall(Sys.SYS_connect, targetFd, sockaddr.address(), len);
            if (r == 0) {
                connected();
                return;
            }
            int e = Laio.errno();
            if (e == Errno.EINPROGRESS) {
                connecting = true;
                pending = laio.gethandle();
                Event.set(base, pending, Ev.LAIO, (ev, what, arg) -> connectCompleted(ev.result(), ev.error()), null)
                        .add();
                return;
            }
            lastErrno = e;
            closeTarget();
        }
        unreachable(Errno.name(lastErrno));
    }

    private void connectCompleted(long result, int errno) {
        pending = null;
        connecting = false;
        if (closed) {
            closeTarget(); // deferred by close(): the cancelled connect no longer uses it
            return;
        }
        if (result == 0) {
            connected();
            return;
        }
        closeTarget();
        connectNext(errno);
    }

    private void connected() {
        connectTimer.del();
        Descriptor client = new Descriptor(clientFd);
        Descriptor target = new Descriptor(targetFd);
        up.wire(client, target);
        down.wire(target, client);
        up.pump();
        if (!closed) {
            down.pump();
        }
    }

    private void unreachable(String why) {
        if (!closed) {
            LOG.info("cannot reach the target {}:{}: {}", host, port, why);
            close();
        }
    }

    @Override
    public long buffered() {
        return closed ? 0 : up.inPipe + down.inPipe;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        connectTimer.del();
        up.release();
        down.release();
        closeFd(clientFd, "client socket");
        if (pending != null) {
            laio.cancel(pending); // a connect's socket closes when it completes
        }
        if (!connecting) {
            closeTarget();
        }
        server.pairClosed(this);
    }

    private void closeTarget() {
        if (targetFd >= 0) {
            closeFd(targetFd, "target socket");
            targetFd = -1;
        }
    }

    private void closeFd(int fd, String what) {
        if (laio.close(fd) != 0) {
            LOG.debug("closing the {} (fd {}): {}", what, fd, Errno.name(Laio.errno()));
        }
    }

    /** One direction: its source, destination, pipe, and which of the two it watches. */
    private final class Direction {
        private final String name;
        private int src = -1;
        private int dst = -1;
        private int pipeRead = -1;
        private int pipeWrite = -1;
        private int capacity;
        private Event readable; // on src: while the pipe is drained
        private Event writable; // on dst: while the pipe holds what dst would not take
        long inPipe;
        private boolean ended;  // src reached end-of-file
        private boolean done;   // ended, drained, and dst shut down for writing

        Direction(String name) {
            this.name = name;
        }

        /** Opens the pipe; false (logged) if it cannot be. */
        boolean openPipe() {
            MemorySegment fds = Arena.ofAuto().allocate(ValueLayout.JAVA_INT, 2);
            if (laio.syscall(Sys.SYS_pipe2, fds.address(), OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC) != 0) {
                LOG.warn("pipe2 for {}: {}", name, Errno.name(Laio.errno()));
                return false;
            }
            pipeRead = fds.getAtIndex(ValueLayout.JAVA_INT, 0);
            pipeWrite = fds.getAtIndex(ValueLayout.JAVA_INT, 1);
            long c = laio.syscall(Sys.SYS_fcntl, pipeWrite, Splice.F_SETPIPE_SZ, PIPE_SIZE);
            if (c < 0) {
                // EPERM past pipe-max-size or the user's pipe quota: the pipe keeps its size (a page at least)
                LOG.debug("F_SETPIPE_SZ for {}: {}", name, Errno.name(Laio.errno()));
                c = laio.syscall(Sys.SYS_fcntl, pipeWrite, Splice.F_GETPIPE_SZ);
                if (c < 0) {
                    LOG.warn("F_GETPIPE_SZ for {}: {}", name, Errno.name(Laio.errno()));
                    return false;
                }
            }
            capacity = (int) c;
            return true;
        }

        void wire(Descriptor from, Descriptor to) {
            src = from.fd();
            dst = to.fd();
            readable = Event.set(base, from, Ev.READ | Ev.PERSIST, (ev, what, arg) -> pump(), null);
            writable = Event.set(base, to, Ev.WRITE | Ev.PERSIST, (ev, what, arg) -> pump(), null);
        }

        /** Moves what is ready, then watches what it waits for. */
        void pump() {
            for (int round = 0; round < ROUNDS && !closed && !done; round++) {
                while (inPipe > 0) {
                    long n = splice.splice(pipeRead, dst, inPipe);
                    if (n > 0) {
                        inPipe -= n;
                        continue;
                    }
                    if (n < 0 && splice.errno() == Errno.EAGAIN) {
                        watch(writable, readable); // the pipe holds what dst will not take: stop reading src
                        return;
                    }
                    failed("splice to", n < 0 ? splice.errno() : Errno.EIO);
                    return;
                }
                if (ended) {
                    finish();
                    return;
                }
                long n = splice.splice(src, pipeWrite, capacity);
                if (n > 0) {
                    inPipe += n;
                } else if (n == 0) {
                    ended = true;
                } else if (splice.errno() == Errno.EAGAIN) {
                    watch(readable, writable);
                    return;
                } else {
                    failed("splice from", splice.errno());
                    return;
                }
            }
            if (!closed && !done) {
                // rounds used up; level-triggered, the event fires again next pass. Bytes still in
                // the pipe wait for dst: src may have nothing more to say until they are answered
                if (inPipe > 0) {
                    watch(writable, readable);
                } else {
                    watch(readable, writable);
                }
            }
        }

        /** Makes {@code on} pending and {@code off} not. */
        private void watch(Event on, Event off) {
            if (off.pending(Ev.READ | Ev.WRITE)) {
                off.del();
            }
            if (!on.pending(Ev.READ | Ev.WRITE)) {
                on.add();
            }
        }

        /** The source ended and everything it sent is out: pass the end on. */
        private void finish() {
            done = true;
            readable.del();
            writable.del();
            Direction other = this == up ? down : up;
            if (other.done) {
                SplicePair.this.close();
                return;
            }
            if (laio.syscall(Sys.SYS_shutdown, dst, SocketAbi.SHUT_WR) != 0) {
                failed("shutdown of", Laio.errno());
            }
        }

        private void failed(String what, int errno) {
            LOG.debug("{} {}: {}", what, name, Errno.name(errno));
            SplicePair.this.close();
        }

        /** Deletes the events and closes the pipe; the sockets are the pair's ({@link SplicePair#close()}). */
        void release() {
            if (readable != null) {
                readable.del();
                writable.del();
            }
            if (pipeRead >= 0) {
                closeFd(pipeRead, "pipe of " + name);
                closeFd(pipeWrite, "pipe of " + name);
                pipeRead = -1;
                pipeWrite = -1;
            }
            inPipe = 0;
        }
    }

    /** The resolver call: its result is read on the loop thread after its completion event. */
    private static final class Resolve implements BlockingOp {
        private final String host;
        volatile InetAddress[] addresses;
        volatile Throwable error;

        Resolve(String host) {
            this.host = host;
        }

        @Override
        public long run() throws Exception {
            try {
                addresses = InetAddress.getAllByName(host);
            } catch (Exception e) {
                error = e;
                throw e;
            }
            return addresses.length;
        }
    }
}
