package io.laio;

import io.laio.event.Ev;
import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import java.io.IOException;
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
    private static final int EPOLLRDHUP = 0x2000;

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

    private final WakeableEpoll epoll;
    private Registration[] byFd = new Registration[256];

    EpollBackend() throws IOException {
        epoll = new WakeableEpoll();
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
                epoll.unwatch(r.fd);
                r.inEpoll = false;
            }
            return;
        }
        int err = epoll.watch(r.fd, mask, r.inEpoll);
        if (err != 0) {
            throw new ErrnoException("epoll_ctl(fd " + r.fd + ")", err);
        }
        r.inEpoll = true;
    }

    @Override
    public void cancel(Object key) {
        Registration r = (Registration) key;
        if (r.inEpoll) {
            epoll.unwatch(r.fd);
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
        int n = epoll.await(ms);
        int reported = 0;
        for (int i = 0; i < n; i++) {
            int fd = epoll.fd(i);
            Registration r = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
            if (r == null || r.attachment == null) {
                continue;
            }
            int got = epoll.readiness(i);
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
        epoll.signal();
    }

    @Override
    public void close() {
        epoll.close();
    }
}
