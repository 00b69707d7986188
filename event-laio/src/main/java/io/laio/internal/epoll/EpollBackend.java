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

package io.laio.internal.epoll;

import io.laio.abi.EpollEventLayout;
import io.laio.event.Ev;
import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import io.laio.internal.ErrnoException;
import io.laio.internal.InterruptHook;
import io.laio.internal.WakeCloseGate;
import io.laio.internal.sockets.LoopSocketWaits;
import io.laio.Descriptor;
import java.io.IOException;
import java.nio.channels.spi.AbstractSelector;
import java.util.Arrays;

/**
 * An event-loop backend on a Linux epoll instance of its own (through FFM), level-triggered,
 * woken by an eventfd. It watches raw descriptors ({@link Descriptor}), not NIO channels — what
 * it is for is LAIO's socket waits: on a base polled by it, a socket call that would block
 * waits on the loop's own epoll and is retried on the loop thread ({@link LoopSocketWaits}),
 * with no thread hand-off at all.
 *
 * <p>Entries are one-shot ({@code EPOLLONESHOT}) and stay in the kernel's set when their events
 * are deleted: a keep-alive connection that waits again and again costs one
 * {@code EPOLL_CTL_MOD} per wait, where adding and deleting the entry cost two calls and an
 * allocation in the kernel (1.3 {@code epoll_ctl} per request, 6% of a thttpd loop). An entry
 * that reported and is still wanted is armed again before the next wait, so the events the
 * loop sees stay level-triggered. A deleted entry is dormant: disarmed once it reports (and
 * then ignored), dropped by the kernel when its descriptor is closed; a registration of the
 * same number arms it again with {@code MOD}, or adds a new one when the number was closed and
 * reused ({@code ENOENT}).
 *
 * <p>Threading: everything on the loop thread but {@link #wakeup()} (any thread). A descriptor
 * closed while registered leaves the epoll set silently (the kernel drops it).
 *
 * <p><b>Wake-up against close.</b> {@link #wakeup()} writes to the eventfd by its number, and
 * {@code loopExit}/{@code loopBreak} may call it from any thread at any time, also while the
 * base closes. Once {@link #close()} has freed the number the kernel may hand it to anyone (a
 * socket, a file), and a late write would put eight bytes into that stranger. So a
 * {@link WakeCloseGate} counts the wake-ups in flight: one that comes after close began does
 * nothing, and close frees the descriptors only after the count fell to zero. The write it waits for is a non-blocking eventfd write, so the wait is a few
 * microseconds at most.
 *
 * <p><b>Interrupts.</b> {@code epoll_pwait} returns {@code EINTR} for signals only, and
 * {@link Thread#interrupt()} sends none; the one public hook the JDK gives into
 * {@code interrupt()} is {@link AbstractSelector#begin()}, which makes an interrupt call the
 * selector's {@code wakeup()} (it is how NIO's own selectors wake). {@link #poll} runs its
 * wait between {@code begin()} and {@code end()} of a selector that exists only for that, whose
 * {@code wakeup()} is this backend's: an interrupt of the loop thread, before or during the
 * wait, makes it return, and the base ends the loop as its Javadoc says. It costs an
 * uncontended lock per wait, as every NIO {@code select} pays.
 */
public final class EpollBackend implements Backend {

    /** One watched descriptor; dormant (no attachment) once cancelled, until its number is registered again. */
    private static final class Registration {
        final int fd;
        int interest;
        Object attachment;
        /** The kernel holds an entry for this number, as far as this backend knows. */
        boolean inEpoll;
        /** The entry may report: armed since it last did. */
        boolean armed;
        /** In {@link #fired}: to be armed again before the next wait if still wanted. */
        boolean fired;

        Registration(int fd) {
            this.fd = fd;
        }
    }

    private final WakeableEpoll epoll;
    private Registration[] byFd = new Registration[256];
    /** Entries that reported since the last wait (one-shot: disarmed by the kernel). */
    private final Registration[] fired = new Registration[WakeableEpoll.MAX_EVENTS];
    private int firedCount;
    private final InterruptHook interruptHook = new InterruptHook(this::wakeup);
    /** Wake-ups against close() ({@link WakeCloseGate}). */
    private final WakeCloseGate wakeGate;

    public EpollBackend() throws IOException {
        epoll = new WakeableEpoll();
        wakeGate = new WakeCloseGate(epoll::signal);
    }

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public boolean accepts(Object source) {
        return source instanceof Descriptor;
    }

    @Override
    public Object register(Object source, int interest, Object attachment) throws IOException {
        int fd = ((Descriptor) source).fd();
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        Registration known = byFd[fd];
        Registration r = known != null && known.attachment == null ? known : new Registration(fd);
        if (known != null && r != known) {
            r.inEpoll = known.inEpoll; // another source of the same number: its entry is the kernel's one
        }
        arm(r, interest);
        r.attachment = attachment;
        byFd[fd] = r;
        return r;
    }

    @Override
    public void modify(Object key, int interest) throws IOException {
        arm((Registration) key, interest);
    }

    private static int mask(int interest) {
        return ((interest & Ev.READ) != 0 ? EpollEventLayout.EPOLLIN : 0)
                | ((interest & Ev.WRITE) != 0 ? EpollEventLayout.EPOLLOUT : 0) | ((interest & Ev.CLOSED) != 0 ? EpollEventLayout.EPOLLRDHUP : 0);
    }

    /**
     * Sets the interest and arms the entry for it. None at all arms nothing: an entry still
     * armed reports once more at most (hang-ups and errors come whatever the mask), and that
     * report is dropped.
     */
    private void arm(Registration r, int interest) throws IOException {
        r.interest = interest;
        int err = tryArm(r);
        if (err != 0) {
            throw new ErrnoException("epoll_ctl(fd " + r.fd + ")", err);
        }
    }

    /** Arms the entry for its interest (none: nothing); 0, or the errno that refused it. */
    private int tryArm(Registration r) {
        int mask = mask(r.interest);
        if (mask == 0) {
            return 0;
        }
        int err = epoll.watch(r.fd, mask | EpollEventLayout.EPOLLONESHOT, r.inEpoll);
        r.inEpoll = err == 0;
        r.armed = err == 0;
        return err;
    }

    /** The entry stays in the kernel's set, dormant: no system call, and none to watch it again. */
    @Override
    public void cancel(Object key) {
        Registration r = (Registration) key;
        r.attachment = null;
        r.interest = 0;
    }

    /** Before a wait: entries that reported and are still wanted are armed again (level-triggered). */
    private void rearmFired() {
        for (int i = 0; i < firedCount; i++) {
            Registration r = fired[i];
            fired[i] = null;
            r.fired = false;
            if (r.attachment != null && !r.armed) {
                tryArm(r); // EBADF (closed behind the base's back): as with a plain entry, it reports nothing more
            }
        }
        firedCount = 0;
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        long ms = timeoutNanos < 0 ? -1 : timeoutNanos == 0 ? 0 : Math.max(1, (timeoutNanos + 999_999) / 1_000_000);
        rearmFired();
        int n;
        if (ms == 0) {
            n = epoll.await(0); // does not block: an interrupt is seen by the base before its next wait
        } else {
            interruptHook.enter(); // an interrupt from here on, or one already pending, wakes the wait below
            try {
                n = epoll.await(ms);
            } finally {
                interruptHook.exit();
            }
        }
        int reported = 0;
        for (int i = 0; i < n; i++) {
            int fd = epoll.fd(i);
            Registration r = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
            if (r == null) {
                continue;
            }
            r.armed = false; // one-shot: the kernel disarmed the entry as it reported
            if (r.attachment == null) {
                continue; // dormant: nobody asked
            }
            if (!r.fired) {
                r.fired = true;
                fired[firedCount++] = r;
            }
            int got = epoll.readiness(i);
            boolean failed = (got & (EpollEventLayout.EPOLLERR | EpollEventLayout.EPOLLHUP)) != 0;
            int ready = ((got & EpollEventLayout.EPOLLIN) != 0 || failed ? Ev.READ : 0)
                    | ((got & EpollEventLayout.EPOLLOUT) != 0 || failed ? Ev.WRITE : 0)
                    | ((got & EpollEventLayout.EPOLLRDHUP) != 0 || failed ? Ev.CLOSED : 0);
            ready &= r.interest;
            if (ready != 0) {
                reported++;
                sink.ready(r.attachment, ready);
            }
        }
        return reported;
    }

    /**
     * Loop thread: whether the kernel's set holds an entry for {@code fd}, as far as this backend
     * knows — it was registered before and not refused since. The kernel drops the entry when the
     * number is closed, which this backend learns only at the next registration: that one finds
     * {@code ENOENT} and adds the entry anew ({@link #adds()} grows).
     */
    public boolean watched(int fd) {
        Registration r = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
        return r != null && r.inEpoll;
    }

    /**
     * Loop thread: {@code fd} was just returned by a call that makes a descriptor ({@code accept4},
     * {@code socket}, {@code dup}), so no epoll set holds an entry for the file it names now: its
     * next registration adds one at once, with one {@code epoll_ctl}, where re-arming the entry of
     * the file that had the number before would fail with {@code ENOENT} first (one wasted call
     * per accepted connection whose number was watched before).
     */
    public void fresh(int fd) {
        Registration r = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
        if (r != null) {
            r.inEpoll = false;
            r.armed = false;
        }
    }

    /** Loop thread: {@code epoll_ctl} calls made so far (tests: one per wait, two where a re-arm found no entry). */
    public long ctls() {
        return epoll.ctls();
    }

    /**
     * Loop thread: how many entries were added to the kernel's set ({@code EPOLL_CTL_ADD}) so far;
     * a registration that does not change it re-armed an entry the kernel still had
     * ({@code EPOLL_CTL_MOD}), so its number still names the file it named then.
     */
    public long adds() {
        return epoll.adds();
    }

    /** Any thread: signals the eventfd, or does nothing once {@link #close()} began. */
    @Override
    public void wakeup() {
        wakeGate.wake();
    }

    /** Frees the epoll and eventfd descriptors after every wake-up in flight has written. */
    @Override
    public void close() {
        if (!wakeGate.close()) {
            return; // closed before
        }
        epoll.close();
        try {
            interruptHook.close();
        } catch (IOException e) {
            throw new AssertionError("closing a selector with no channels", e);
        }
    }

    /** Wake-ups counted in flight (0 or more), for tests. */
    public int wakeupsInFlight() {
        return wakeGate.inFlight();
    }
}
