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

import io.laio.abi.MsgFlags;
import io.laio.Laio;
import io.laio.Sys;
import io.laio.examples.net.SocketAbi;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * A raw non-blocking socket descriptor driven through LAIO: {@code recvfrom}, {@code sendto},
 * {@code sendfile} and {@code setsockopt(TCP_CORK)} are LAIO calls that finish inline when the
 * socket is ready and otherwise complete, in their entirety, as EV_LAIO events.
 */
final class LaioSocketIo extends SocketIo {
    private final Laio laio;
    private final int fd;

    LaioSocketIo(Laio laio, int fd) {
        this.laio = laio;
        this.fd = fd;
    }

    /** Receives at {@code in}'s position, at {@code inAddress} plus the position in native memory. */
    @Override
    long recv(ByteBuffer in, long inAddress) {
        return owner.viaLaio(laio.syscall(Sys.SYS_recvfrom, fd, inAddress + in.position(), in.remaining(), 0, 0, 0));
    }

    /** Sends {@code first} alone: a head (with a small body behind it), or a chunk of a body read into memory. */
    @Override
    long send(ByteBuffer first, long firstAddress, ByteBuffer second) {
        if (second != null) {
            throw new IllegalArgumentException("a raw socket sends one buffer at a time");
        }
        return owner.viaLaio(laio.syscall(Sys.SYS_sendto, fd, firstAddress + first.position(), first.remaining(),
                MsgFlags.MSG_NOSIGNAL, 0, 0));
    }

    /**
     * Bodies past what fits behind their head go by sendfile, on the ring too, where sendfile has
     * no entry and takes LAIO's lazy route: read and sent through the ring in 128 KiB chunks, a
     * large body cost a loop pass per chunk each way (thttpd laio-uring's p99 under wrk 26–29 ms
     * against nginx's 7; 7.3–7.9 ms and 13% less CPU a request by sendfile, docs/design/uring.md).
     */
    @Override
    boolean sendsFiles() {
        return true;
    }

    @Override
    boolean sendsBodyBehindHead() {
        return true;
    }

    @Override
    long sendFile(int fileFd, long from, long count, MemorySegment offset) {
        offset.set(ValueLayout.JAVA_LONG, 0, from);
        return owner.viaLaio(laio.sendfile(fd, fileFd, offset, count));
    }

    @Override
    void cork(boolean on, MemorySegment flag) {
        flag.set(ValueLayout.JAVA_INT, 0, on ? 1 : 0);
        if (laio.syscall(Sys.SYS_setsockopt, fd, SocketAbi.IPPROTO_TCP, SocketAbi.TCP_CORK, flag.address(), 4) != 0) {
            ThttpdServer.LOG.debug("TCP_CORK on fd {}: errno {}", fd, Laio.errno()); // the peer reset: the next call says so
        }
    }

    @Override
    void stopWaiting() {
        // nothing waits here: the connection cancels its LAIO call in flight
    }

    @Override
    void close() {
        owner.closeDescriptor(fd); // on the ring a close goes with the pass's wait: the connection awaits it
    }

    @Override
    String peer() {
        return "fd " + fd;
    }
}
