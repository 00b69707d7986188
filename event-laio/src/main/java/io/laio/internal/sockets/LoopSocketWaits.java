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

package io.laio.internal.sockets;

import io.laio.Descriptor;
import io.laio.Errno;
import io.laio.Laio;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import io.laio.event.spi.Loops;
import io.laio.internal.ErrnoException;
import io.laio.internal.LaioCall;
import io.laio.internal.completion.CallCounters;
import io.laio.internal.epoll.EpollBackend;
import io.laio.internal.route.RouteTable;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The socket waiter's work done on the loop thread, for a {@link Laio} attached to a base on
 * the {@link EpollBackend}: a socket (or pipe) call that would block registers its descriptor
 * on the loop's own epoll, and when it is ready the loop retries the call ({@link SocketRetry})
 * until it has completed in its entirety. The completion goes through the same queue as every
 * other, drained in the same loop pass: no thread, no wake-up.
 *
 * <p>Threading: loop thread only ({@link Laio#cancel} from another thread hands
 * {@link #cancelled} to the loop). Per descriptor, calls of one direction complete in order.
 */
public final class LoopSocketWaits {
    private static final EventCallback READY = (ev, what, arg) -> ((Waiting) arg).progress(what);

    private final EventBase base;
    private final SocketRetry retry;
    /** The base's backend when it is epoll (else null: the uring backend's waits, which no receive reaches unprobed). */
    private final EpollBackend epoll;
    /**
     * By descriptor number, kept once made: a keep-alive connection waits again and again, and
     * its record and events are reused rather than made anew each time (an empty record's
     * events are deleted, so it costs the loop nothing).
     */
    private Waiting[] byFd = new Waiting[256];

    /** The calls waiting on one descriptor, by direction, with a persistent readiness event each. */
    private final class Waiting {
        final int fd;
        final ArrayDeque<LaioCall> readers = new ArrayDeque<>();
        final ArrayDeque<LaioCall> writers = new ArrayDeque<>();
        final Event readable;
        final Event writable;

        Waiting(int fd) {
            this.fd = fd;
            Descriptor source = new Descriptor(fd);
            readable = Event.set(base, source, Ev.READ | Ev.PERSIST, READY, this);
            writable = Event.set(base, source, Ev.WRITE | Ev.PERSIST, READY, this);
        }

        /** Retries what the readiness {@code ready} ({@link Ev#READ}, {@link Ev#WRITE}) may complete, then watches for what still waits. */
        void progress(int ready) {
            if ((ready & Ev.READ) != 0) {
                retry.drain(readers);
            }
            if ((ready & Ev.WRITE) != 0) {
                retry.drain(writers); // a readable socket does not make a blocked send go
            }
            watch(readable, readers);
            watch(writable, writers);
        }

        /**
         * Drops the calls cancelled while they waited (DONE: their canceller reported them), and
         * deletes a readiness event whose queue that empties. A call cancelled from another
         * thread stays here until the loop sees it; if its descriptor was closed meanwhile the
         * kernel dropped the epoll entry, while the event still counts as added, so an add for a
         * new descriptor of the same number would issue no {@code epoll_ctl} and wait forever.
         * Deleting the emptied event makes the next add register the number anew.
         */
        void prune() {
            if (!readers.isEmpty() && readers.removeIf(LoopSocketWaits::cancelled) && readers.isEmpty()) {
                readable.del();
            }
            if (!writers.isEmpty() && writers.removeIf(LoopSocketWaits::cancelled) && writers.isEmpty()) {
                writable.del();
            }
        }

        private void watch(Event ev, ArrayDeque<LaioCall> q) {
            if (q.isEmpty()) {
                ev.del();
                return;
            }
            try {
                ev.add();
            } catch (UncheckedIOException e) {
                int err = e.getCause() instanceof ErrnoException x ? x.errno : Errno.EBADF;
                if (err == Errno.EPERM) {
                    // not pollable (a regular file): a number closed behind laio's back and
                    // reused, under a receive that skipped its probe. One non-blocking try gives
                    // the kernel's own answer (ENOTSOCK), as the probe would have
                    retry.drain(q);
                }
                retry.failAll(q, err); // EBADF, EPERM: the call's answer
            }
        }
    }

    /** Waits on {@code base}'s own poller; reports each finished call to {@code completer}, counts its tries in {@code counters}. */
    public LoopSocketWaits(EventBase base, Consumer<LaioCall> completer, CallCounters counters) {
        this.base = base;
        this.retry = new SocketRetry(completer, counters);
        this.epoll = Loops.backend(base, EpollBackend.class);
    }

    /**
     * A call that would block: watched, not tried again at once. The probe has just found it
     * would block, and readiness that comes after the probe is reported by the level-triggered
     * epoll at the next poll; an immediate retry failed almost always (on a keep-alive server,
     * a second {@code recvfrom} per wait for the next request).
     *
     * <p>A receive that skipped its probe ({@link LaioCall#unprobed}: the socket's last receive
     * drained it) is safe the same way: the one-shot entry is re-armed with
     * {@code EPOLL_CTL_MOD}, which looks at the socket's readiness then, so bytes that arrived
     * after the drain are reported by the next poll. Only if that registration had to add the
     * entry anew — the number was closed since its last wait, and now names another file, which
     * the guess knew nothing of — is the call tried at once, as its probe would have been: a
     * socket with data completes, a pipe answers {@code ENOTSOCK} rather than wait for input.
     */
    public void submit(LaioCall h) {
        int fd = (int) h.a1;
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        Waiting w = byFd[fd];
        if (w == null) {
            w = new Waiting(fd);
            byFd[fd] = w;
        } else {
            w.prune(); // before arming: a cancelled call may still hold an event whose descriptor was reused
        }
        ArrayDeque<LaioCall> q = RouteTable.waitsToWrite(h.nr) ? w.writers : w.readers;
        boolean unprobed = h.unprobed;
        long adds = unprobed && epoll != null ? epoll.adds() : 0;
        q.add(h);
        w.watch(q == w.writers ? w.writable : w.readable, q);
        if (unprobed && epoll != null && epoll.adds() != adds) {
            w.progress(Ev.READ); // h may be done (and reported) from here on
        }
    }

    /**
     * Laio.close(): every waiting call completes with ECANCELED; the readiness events are
     * deleted when the caller may touch the base (the loop thread, or no loop running).
     */
    public void cancelAll() {
        for (Waiting w : byFd) {
            if (w == null) {
                continue;
            }
            for (ArrayDeque<LaioCall> q : List.of(w.readers, w.writers)) {
                for (LaioCall h; (h = q.poll()) != null; ) {
                    if (h.cancelQueued()) {
                        h.endUnfinished(Errno.ECANCELED);
                        retry.complete(h);
                    }
                }
            }
            try {
                w.readable.del();
                w.writable.del();
            } catch (IllegalStateException e) {
                // another thread closed Laio while the loop runs: the events go with the base
            }
        }
        Arrays.fill(byFd, null);
    }

    /**
     * A call on {@code fd} was cancelled (on the loop thread, or handed here by
     * {@link EventBase#execute} from another one): drop it, and stop watching if nothing else
     * waits. The others are not retried: nothing says their descriptor became ready.
     */
    public void cancelled(int fd) {
        Waiting w = fd >= 0 && fd < byFd.length ? byFd[fd] : null;
        if (w != null) {
            w.prune();
        }
    }

    private static boolean cancelled(LaioCall h) {
        return h.state() == LaioCall.DONE;
    }
}
