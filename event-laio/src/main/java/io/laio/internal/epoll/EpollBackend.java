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
 * <p><b>Kept entries.</b> A number in {@link KeptNumbers} (made by laio on the loop thread for
 * a {@code Laio} whose application closes it only through laio: {@link #fresh(int, boolean)})
 * gets a persistent level-triggered entry instead: armed once, it stays armed while its events
 * are deleted and added again, so a keep-alive connection's waits cost no {@code epoll_ctl} at
 * all. Such an entry that reports while nobody wants it is disarmed then (one {@code MOD}),
 * since a level-triggered entry would report again in every wait. Keeping it is safe only
 * because laio sees the close ({@link #closing}): it deletes the entry first (a file shared by
 * another descriptor would otherwise go on reporting under the number) and forgets it, so the
 * number's next file gets an entry of its own. A number closed behind laio's back would leave
 * this backend believing in an entry the kernel dropped, and a wait on the number's next file
 * would never be reported: that is the promise the application makes.
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
        /** The events a kept (persistent, level-triggered) entry is armed for; 0 if none or one-shot. */
        int keptMask;

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
    private final KeptNumbers kept = new KeptNumbers();
    /** In {@link Keepers}: a close through any {@code Laio} reaches this backend. */
    private boolean keeper;
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
            r.armed = known.armed;
            r.keptMask = known.keptMask;
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
        if (kept.contains(r.fd)) {
            if (r.keptMask == mask && r.inEpoll) {
                r.armed = true;
                return 0; // armed since the last wait, and a persistent entry stays armed
            }
            int err = epoll.watch(r.fd, mask, r.inEpoll);
            r.inEpoll = err == 0;
            r.armed = err == 0;
            r.keptMask = err == 0 ? mask : 0;
            return err;
        }
        r.keptMask = 0; // not kept (any more): a one-shot entry, re-armed per wait
        int err = epoll.watch(r.fd, mask | EpollEventLayout.EPOLLONESHOT, r.inEpoll);
        r.inEpoll = err == 0;
        r.armed = err == 0;
        return err;
    }

    /**
     * A kept entry that reported for nobody: made one-shot with no events, as a deleted one-shot
     * entry is after its report (hang-ups and errors come whatever the mask, once at most).
     */
    private void disarm(Registration r) {
        int err = epoll.watch(r.fd, EpollEventLayout.EPOLLONESHOT, true);
        r.inEpoll = err == 0;
        r.armed = false;
        r.keptMask = 0;
    }

    /**
     * The entry stays in the kernel's set, dormant: no system call, and none to watch it again.
     * A kept entry stays armed too: the next wait, which on a keep-alive connection comes in the
     * same loop pass, finds it armed.
     */
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
            if (r.keptMask != 0 && !kept.contains(fd)) {
                r.keptMask = 0; // closed through laio on another thread, which deleted the entry
            }
            if (r.keptMask != 0) {
                if (r.attachment == null) { // (a source with events always wants some: Event.set refuses none)
                    disarm(r); // level-triggered: it would report for nobody in every wait
                    continue;
                }
            } else {
                r.armed = false; // one-shot: the kernel disarmed the entry as it reported
                if (r.attachment == null) {
                    continue; // dormant: nobody asked
                }
            }
            if (r.keptMask == 0 && !r.fired) {
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
     * per accepted connection whose number was watched before). If {@code keep}, the number's
     * entry is kept between waits until laio closes it ({@link #closing}); the caller vouches
     * that the application closes it only through laio, whatever its number ({@link KeptNumbers}
     * grows to it).
     */
    public void fresh(int fd, boolean keep) {
        Registration r = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
        if (r != null) {
            r.inEpoll = false;
            r.armed = false;
            r.keptMask = 0;
        }
        if (keep) {
            if (kept.add(fd) && !keeper) {
                keeper = true;
                Keepers.join(this);
            }
        } else {
            kept.remove(fd);
        }
    }

    /**
     * Any thread, just before a {@code Laio} closes {@code fd} (or makes it name another file
     * with {@code dup2}): {@link #closing(int, boolean)} on every backend of the process that
     * keeps entries. {@code mine} is the caller's loop's backend when the caller runs on its loop
     * thread, else null.
     */
    public static void closingAnywhere(int fd, EpollBackend mine) {
        Keepers.closing(fd, mine);
    }

    /** As {@link #closingAnywhere} for every number from {@code first} to {@code last} ({@code close_range}). */
    public static void closingAnywhere(long first, long last, EpollBackend mine) {
        long end = Math.min(last, Keepers.bound() - 1); // no keeper keeps a number beyond its table
        for (long fd = Math.max(0, first); Keepers.any() && fd <= end; fd++) {
            Keepers.closing((int) fd, mine);
        }
    }

    /**
     * Any thread, just before laio closes {@code fd} (or makes it name another file with
     * {@code dup2}): a kept entry is deleted now, while the number still names its file, and the
     * number is no longer kept. On the loop thread this backend forgets the entry at once; on
     * another it learns at the number's next registration or report, from {@link KeptNumbers}.
     * A number that is not kept costs one bit test.
     */
    void closing(int fd, boolean onLoop) {
        if (!kept.remove(fd)) {
            return;
        }
        if (onLoop) {
            Registration r = fd < byFd.length ? byFd[fd] : null;
            if (r != null) {
                if (r.keptMask != 0) { // disarmed, an entry reports nothing more: the close drops it
                    epoll.unwatch(fd, true); // ENOENT/EBADF: gone already, which is all that is asked
                }
                r.inEpoll = false;
                r.armed = false;
                r.keptMask = 0;
            }
        } else if (wakeGate.enter()) { // the epoll stays open while this thread uses its number
            try {
                epoll.unwatch(fd, false);
            } finally {
                wakeGate.exit();
            }
        }
    }

    /** Any thread: one past the highest number this backend could keep now. */
    long keptBound() {
        return kept.bound();
    }

    /** Any thread: whether {@code fd}'s entry is kept between waits ({@link #fresh(int, boolean)}). */
    public boolean keeps(int fd) {
        return kept.contains(fd);
    }

    /** Loop thread: waits ({@code epoll_pwait}) made so far (tests: a loop that spins on an entry reporting for nobody). */
    public long waits() {
        return epoll.waits();
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
        Keepers.leave(this);
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
