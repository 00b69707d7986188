package io.laio;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background socket (and pipe) calls without a thread each: one thread waits on one epoll instance for
 * every socket whose call would block, and when one becomes ready it retries the call without
 * blocking ({@code MSG_DONTWAIT}) until it has completed in its entirety — a write of N bytes
 * completes when N bytes are written or an error occurs; a read, an accept when they return
 * anything. Pipes are retried with {@code preadv2}/{@code pwritev2(RWF_NOWAIT)}. (The LAIO appendix's "wrap non-blocking I/O, helpers for the rest", without its
 * pselect race: registration is one-shot and re-armed only after a retry found nothing.)
 *
 * <p>Threading: {@link #submit} from any thread (it enqueues, then writes the eventfd);
 * everything else on the waiter's own thread. Per descriptor, calls of one direction complete
 * in submission order.
 */
final class SocketWaiter {
    private static final Logger LOG = LoggerFactory.getLogger(SocketWaiter.class);

    private final Consumer<LaioCall> completer;
    private final SocketRetry retry;
    private final CallQueue incoming = new CallQueue(true); // intrusive: nothing allocated per call
    private final Map<Integer, Waiting> byFd = new HashMap<>();
    private final WakeableEpoll epoll;
    private final Thread thread;
    private volatile boolean stopping;

    /** The calls waiting on one descriptor, by direction. */
    private static final class Waiting {
        final ArrayDeque<LaioCall> readers = new ArrayDeque<>();
        final ArrayDeque<LaioCall> writers = new ArrayDeque<>();
        boolean registered;
    }

    SocketWaiter(Consumer<LaioCall> completer) {
        this.completer = completer;
        this.retry = new SocketRetry(completer);
        try {
            this.epoll = new WakeableEpoll();
        } catch (ErrnoException e) {
            throw new IllegalStateException("the socket waiter cannot start: " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().daemon().name("laio-socket-waiter").stackSize(256 * 1024).start(this::run);
    }

    /** Whether the call is one this waiter retries: a socket read, write, recvfrom, sendto or accept. */
    static boolean handles(long nr) {
        return nr == Sys.SYS_read || nr == Sys.SYS_write || nr == Sys.SYS_recvfrom || nr == Sys.SYS_sendto
                || nr == Sys.SYS_accept4 || nr == Sys.SYS_accept;
    }

    /**
     * Calls without a per-call non-blocking flag, which the waiter may retry only on a socket
     * that is itself non-blocking: sendfile (to the socket) and connect.
     */
    static boolean handlesOnNonBlockingSocket(long nr) {
        return nr == Sys.SYS_sendfile || nr == Sys.SYS_connect;
    }

    /** Any thread. */
    void submit(LaioCall h) {
        incoming.offer(h);
        epoll.signal();
    }

    private void run() {
        try {
            while (!stopping) {
                LaioCall h;
                while ((h = incoming.poll()) != null) {
                    enqueue(h);
                }
                int n;
                try {
                    n = epoll.await(-1);
                } catch (ErrnoException e) {
                    LOG.error("{}; the socket waiter stops", e.getMessage());
                    return;
                }
                for (int i = 0; i < n; i++) {
                    int fd = epoll.fd(i);
                    if (fd >= 0) {
                        ready(fd, epoll.readiness(i));
                    }
                }
            }
        } finally {
            cancelAll();
        }
    }

    private void enqueue(LaioCall h) {
        int fd = (int) h.a1;
        Waiting w = byFd.computeIfAbsent(fd, k -> new Waiting());
        (SocketRetry.isWrite(h.nr) ? w.writers : w.readers).add(h);
        // not tried again here: the caller's probe found it would block, and the level-triggered
        // entry armed below reports readiness that came since at once (as LoopSocketWaits does)
        rewatch(fd, w);
    }

    private void ready(int fd, int mask) {
        Waiting w = byFd.get(fd);
        if (w == null) {
            return;
        }
        w.registered = false; // one-shot: it fired, so it is disarmed
        boolean failed = (mask & (EpollEventLayout.EPOLLERR | EpollEventLayout.EPOLLHUP)) != 0;
        if (failed || (mask & EpollEventLayout.EPOLLIN) != 0) {
            retry.drain(w.readers);
        }
        if (failed || (mask & EpollEventLayout.EPOLLOUT) != 0) {
            retry.drain(w.writers); // a readable socket does not make a blocked send go
        }
        rewatch(fd, w);
    }

    /** Re-arms {@code fd} for what still waits on it, or forgets it when nothing does. */
    private void rewatch(int fd, Waiting w) {
        if (w.readers.isEmpty() && w.writers.isEmpty()) {
            if (w.registered) {
                epoll.unwatch(fd);
            }
            byFd.remove(fd);
            return;
        }
        int mask = EpollEventLayout.EPOLLONESHOT | (w.readers.isEmpty() ? 0 : EpollEventLayout.EPOLLIN)
                | (w.writers.isEmpty() ? 0 : EpollEventLayout.EPOLLOUT);
        int err = epoll.watch(fd, mask, w.registered);
        if (err != 0) {
            failAll(w, err); // EBADF, EPERM (not pollable): the call's answer
            byFd.remove(fd);
            return;
        }
        w.registered = true;
    }

    private void failAll(Waiting w, int err) {
        retry.failAll(w.readers, err);
        retry.failAll(w.writers, err);
    }

    private void cancelAll() {
        LaioCall h;
        while ((h = incoming.poll()) != null) {
            cancel(h);
        }
        for (Waiting w : byFd.values()) {
            w.readers.forEach(this::cancel);
            w.writers.forEach(this::cancel);
        }
        byFd.clear();
    }

    private void cancel(LaioCall h) {
        if (h.cancelQueued()) {
            h.result = -1;
            h.errno = Errno.ECANCELED;
            completer.accept(h);
        }
    }

    /** Stops the thread (waiting calls complete with ECANCELED) and closes its descriptors. */
    void stop(long waitNanos) {
        stopping = true;
        epoll.signal();
        try {
            thread.join(java.time.Duration.ofNanos(Math.max(1, waitNanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        epoll.close();
    }
}
