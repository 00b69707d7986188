package io.laio;

import io.laio.event.Ev;
import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An event-loop backend on a Linux epoll instance of its own (through FFM), level-triggered,
 * woken by an eventfd. It watches raw descriptors ({@link SocketFd}), not NIO channels — what
 * it is for is LAIO's socket waits: on a base polled by it, a socket call that would block
 * waits on the loop's own epoll and is retried on the loop thread ({@link LoopSocketWaits}),
 * with no thread hand-off at all.
 *
 * <p>Threading: everything on the loop thread but {@link #wakeup()} (any thread). A descriptor
 * closed while registered leaves the epoll set silently (the kernel drops it); a later
 * registration of the same number is taken as new.
 */
final class EpollBackend implements Backend {
    private static final int MAX_EVENTS = 256;
    private static final long WAKE = -1;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EPOLL_CTL_MOD = 3;
    private static final int EPOLLRDHUP = 0x2000;
    private static final long CLOEXEC = 0x80000;
    private static final long EFD_NONBLOCK = 0x800;

    /** One watched descriptor. */
    private static final class Registration {
        final int fd;
        int interest;
        Object attachment;
        boolean inEpoll;

        Registration(int fd) {
            this.fd = fd;
        }
    }

    private final MemorySegment capture;
    private final MemorySegment events;
    private final MemorySegment ctl;
    private final MemorySegment drained;
    private final int epfd;
    private final int wakeFd;
    private Registration[] byFd = new Registration[256];
    private boolean closed;

    EpollBackend() throws IOException {
        Arena arena = Arena.ofAuto();
        capture = Syscalls.newCapture(arena);
        events = arena.allocate(EpollEventLayout.SIZE * MAX_EVENTS, 8);
        ctl = arena.allocate(EpollEventLayout.SIZE, 8);
        drained = arena.allocate(8, 8);
        epfd = (int) check(Syscalls.call(capture, Sys.SYS_epoll_create1, CLOEXEC), "epoll_create1");
        long efd = Syscalls.call(capture, Sys.SYS_eventfd2, 0, CLOEXEC | EFD_NONBLOCK);
        if (efd == -1) {
            int err = Syscalls.errno(capture);
            Syscalls.call(capture, Sys.SYS_close, epfd);
            throw new ErrnoException("eventfd2", err);
        }
        wakeFd = (int) efd;
        EpollEventLayout.set(ctl, 0, EpollEventLayout.EPOLLIN, WAKE);
        check(Syscalls.call(capture, Sys.SYS_epoll_ctl, epfd, EPOLL_CTL_ADD, wakeFd, ctl.address()), "epoll_ctl(eventfd)");
    }

    private long check(long r, String what) throws ErrnoException {
        if (r == -1) {
            throw new ErrnoException(what, Syscalls.errno(capture));
        }
        return r;
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public boolean accepts(Object source) {
        return source instanceof SocketFd;
    }

    @Override
    public Object register(Object source, int interest, Object attachment) throws IOException {
        int fd = ((SocketFd) source).fd();
        Registration r = new Registration(fd);
        r.attachment = attachment;
        arm(r, interest);
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        byFd[fd] = r;
        return r;
    }

    @Override
    public void modify(Object key, int interest) throws IOException {
        arm((Registration) key, interest);
    }

    /**
     * Sets the interest. None at all leaves the epoll set (epoll reports hang-ups and errors
     * whatever the mask, which would wake a level-triggered loop for ever).
     */
    private void arm(Registration r, int interest) throws IOException {
        r.interest = interest;
        int mask = ((interest & Ev.READ) != 0 ? EpollEventLayout.EPOLLIN : 0)
                | ((interest & Ev.WRITE) != 0 ? EpollEventLayout.EPOLLOUT : 0) | ((interest & Ev.CLOSED) != 0 ? EPOLLRDHUP : 0);
        if (mask == 0) {
            if (r.inEpoll) {
                Syscalls.call(capture, Sys.SYS_epoll_ctl, epfd, EPOLL_CTL_DEL, r.fd, 0); // ENOENT/EBADF: gone already
                r.inEpoll = false;
            }
            return;
        }
        EpollEventLayout.set(ctl, 0, mask, r.fd);
        int op = r.inEpoll ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        long res = Syscalls.call(capture, Sys.SYS_epoll_ctl, epfd, op, r.fd, ctl.address());
        if (res == -1) {
            int err = Syscalls.errno(capture);
            // the number was closed and reused (MOD: ENOENT), or is still in the set from before (ADD: EEXIST)
            int other = err == Errno.ENOENT && op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD
                    : err == Errno.EEXIST && op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : 0;
            if (other == 0 || Syscalls.call(capture, Sys.SYS_epoll_ctl, epfd, other, r.fd, ctl.address()) == -1) {
                throw new ErrnoException("epoll_ctl(fd " + r.fd + ")", other == 0 ? err : Syscalls.errno(capture));
            }
        }
        r.inEpoll = true;
    }

    @Override
    public void cancel(Object key) {
        Registration r = (Registration) key;
        if (r.inEpoll) {
            Syscalls.call(capture, Sys.SYS_epoll_ctl, epfd, EPOLL_CTL_DEL, r.fd, 0); // ENOENT/EBADF: closed already
            r.inEpoll = false;
        }
        r.attachment = null;
        if (r.fd < byFd.length && byFd[r.fd] == r) {
            byFd[r.fd] = null;
        }
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        long ms = timeoutNanos < 0 ? -1 : timeoutNanos == 0 ? 0 : Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
        long n = Syscalls.call(capture, Sys.SYS_epoll_pwait, epfd, events.address(), MAX_EVENTS, Math.min(ms, Integer.MAX_VALUE),
                0, 8);
        if (n == -1) {
            int err = Syscalls.errno(capture);
            if (err == Errno.EINTR) {
                return 0;
            }
            throw new ErrnoException("epoll_pwait", err);
        }
        int reported = 0;
        for (int i = 0; i < n; i++) {
            long data = EpollEventLayout.data(events, i);
            if (data == WAKE) {
                Syscalls.call(capture, Sys.SYS_read, wakeFd, drained.address(), 8); // EAGAIN: drained by an earlier pass
                continue;
            }
            Registration r = data >= 0 && data < byFd.length ? byFd[(int) data] : null;
            if (r == null || r.attachment == null) {
                continue;
            }
            int got = EpollEventLayout.events(events, i);
            boolean failed = (got & (EpollEventLayout.EPOLLERR | EpollEventLayout.EPOLLHUP)) != 0;
            int ready = ((got & EpollEventLayout.EPOLLIN) != 0 || failed ? Ev.READ : 0)
                    | ((got & EpollEventLayout.EPOLLOUT) != 0 || failed ? Ev.WRITE : 0)
                    | ((got & EPOLLRDHUP) != 0 || failed ? Ev.CLOSED : 0);
            ready &= r.interest;
            if (ready != 0) {
                reported++;
                sink.ready(r.attachment, ready);
            }
        }
        return reported;
    }

    @Override
    public void wakeup() {
        ThreadState ts = ThreadState.current();
        MemorySegment one = ts.scratch.asSlice(LazyProbe.SCRATCH_COUNTER, 8); // per thread: wakers are many
        one.set(ValueLayout.JAVA_LONG, 0, 1);
        if (Syscalls.call(ts.capture, Sys.SYS_write, wakeFd, one.address(), 8) == -1
                && Syscalls.errno(ts.capture) != Errno.EAGAIN) { // EAGAIN: the counter is full, a wake-up is pending
            throw new IllegalStateException("eventfd write failed: " + Errno.name(Syscalls.errno(ts.capture)));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Syscalls.call(capture, Sys.SYS_close, wakeFd);
            Syscalls.call(capture, Sys.SYS_close, epfd);
        }
    }
}
