package io.laio.examples.http;

import io.laio.Laio;
import io.laio.Sys;
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
    private final ConnectionBuffers buf;
    private final MemorySegment offset;
    private final MemorySegment flag;

    LaioSocketIo(Laio laio, int fd, ConnectionBuffers buf) {
        this.laio = laio;
        this.fd = fd;
        this.buf = buf;
        this.offset = buf.offset;
        this.flag = buf.flag;
    }

    /** Receives into the connection's head buffer at its position. */
    @Override
    long recv(ByteBuffer in) {
        checkOwn(in, buf.in);
        return owner.viaLaio(laio.syscall(Sys.SYS_recvfrom, fd, buf.inAddress + in.position(), in.remaining(), 0, 0, 0));
    }

    /** Sends the connection's response head ({@code first}) alone; bodies go by sendfile. */
    @Override
    long send(ByteBuffer first, ByteBuffer second) {
        if (second != null) {
            throw new IllegalArgumentException("a raw socket sends one buffer at a time");
        }
        checkOwn(first, buf.out);
        return owner.viaLaio(laio.syscall(Sys.SYS_sendto, fd, buf.outAddress + first.position(), first.remaining(),
                LinuxAbi.MSG_NOSIGNAL, 0, 0));
    }

    /** Raw calls take addresses: only the connection's own buffers, whose addresses are known, may be passed. */
    private static void checkOwn(ByteBuffer given, ByteBuffer own) {
        if (given != own) {
            throw new IllegalArgumentException("a raw socket reads and writes the connection's own buffers only");
        }
    }

    @Override
    boolean sendsFiles() {
        return true;
    }

    @Override
    long sendFile(int fileFd, long from, long count) {
        offset.set(ValueLayout.JAVA_LONG, 0, from);
        return owner.viaLaio(laio.sendfile(fd, fileFd, offset, count));
    }

    @Override
    void cork(boolean on) {
        flag.set(ValueLayout.JAVA_INT, 0, on ? 1 : 0);
        if (laio.syscall(Sys.SYS_setsockopt, fd, LinuxAbi.IPPROTO_TCP, LinuxAbi.TCP_CORK, flag.address(), 4) != 0) {
            ThttpdServer.LOG.debug("TCP_CORK on fd {}: errno {}", fd, Laio.errno()); // the peer reset: the next call says so
        }
    }

    @Override
    void stopWaiting() {
        // nothing waits here: the connection cancels its LAIO call in flight
    }

    @Override
    void close() {
        if (laio.close(fd) != 0) {
            ThttpdServer.LOG.debug("close fd {}: errno {}", fd, Laio.errno());
        }
    }

    @Override
    String peer() {
        return "fd " + fd;
    }
}
