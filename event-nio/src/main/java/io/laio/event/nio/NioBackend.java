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

package io.laio.event.nio;

import io.laio.event.Ev;
import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Backend} over one {@link Selector}: {@link Ev#READ} and {@link Ev#WRITE} on any
 * {@link SelectableChannel} (TCP and UNIX-domain sockets, server sockets, pipes, datagram
 * channels).
 *
 * <p><b>Threading.</b> As {@link Backend} says: {@link #wakeup()} from any thread, everything
 * else on the loop thread.
 *
 * <p><b>Channels.</b> A channel must be non-blocking to be selected; {@link #register} switches
 * a blocking channel to non-blocking mode. {@link Ev#READ} means {@code OP_ACCEPT} for a server
 * channel and {@code OP_READ} otherwise; {@link Ev#WRITE} means {@code OP_CONNECT} while a
 * socket's connect is pending and {@code OP_WRITE} otherwise. NIO cannot tell a peer's close
 * apart from readability, so {@link Ev#CLOSED} alone is refused (wait for {@link Ev#READ} and
 * read {@code -1}), and {@link Ev#ET} is not supported. A channel closed while its events are
 * pending is reported {@link ReadySink#invalid invalid} before the loop next waits: its events
 * become non-pending and never fire.
 *
 * <p><b>Selection</b> uses {@link Selector#select(Consumer, long)}, which allocates nothing per
 * ready key (no reflection into the JDK's key sets, unlike Netty). The wake-up is
 * {@link Selector#wakeup()}: measured against a signaling pipe registered on the selector it was
 * about 10 % faster (docs/benchmarks/nio.md), and the base's wake-up protocol already makes it
 * rare (only a loop that is asleep or about to sleep is woken).
 *
 * <p><b>Zero-key spin guard.</b> If {@code select} returns early with nothing ready and no
 * wake-up {@value #SPIN_REBUILD_THRESHOLD} times in a row (the JDK epoll bug of old), the
 * selector is rebuilt, logged at warn level. In a row means with no other kind of wait between:
 * one that reported a channel, was woken up, or lasted its timeout ends the streak. A single
 * early empty return is normal: a producer's {@link #wakeup()} sets {@code wokenUp} and then
 * calls {@code Selector.wakeup()}; if the loop reads and clears the flag between the two (its
 * select had returned for another reason), the selector keeps that wake-up for the next select,
 * which then returns at once with nothing ready and no flag. Counting those across woken waits,
 * as this guard once did, added up under a steady stream of cross-thread wake-ups (a LAIO
 * benchmark: no channel ever reported, so nothing reset the count) and rebuilt the selector
 * with a warning every few hundred wake-ups, with no JDK bug at all.
 *
 * <p><b>The selector field</b> is the one piece of loop state {@link #wakeup()} reads from other
 * threads, and a rebuild replaces it, so it is volatile: a waking thread reads either the old
 * selector or the new one, fully constructed, never a stale value cached forever. A wake-up
 * that reads the old one after the rebuild swapped it out would be lost for the next wait (the
 * JDK makes {@code wakeup()} on a closed selector a no-op, so it does no harm otherwise): the
 * rebuild therefore publishes the new selector, then reads {@code wokenUp}, which the waking
 * thread wrote before it read the field, and wakes the new selector if it is set (a Dekker pair
 * of volatile accesses: one side sees the other).
 */
public final class NioBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(NioBackend.class);
    static final int SPIN_REBUILD_THRESHOLD = 512;

    /** Replaced by {@link #rebuildSelector()} on the loop thread; read by {@link #wakeup()} on any. */
    private volatile Selector selector;
    private final ArrayList<Registration> registrations = new ArrayList<>();
    private final Consumer<SelectionKey> onKey = this::onKey;
    private ReadySink sink;
    private int reported;
    private int prematureEmptySelects;
    private volatile boolean wokenUp;

    /**
     * Opens the backend's {@link Selector}. {@link NioBackendProvider} calls it once per base.
     *
     * @throws IOException if the selector cannot be opened
     */
    public NioBackend() throws IOException {
        this.selector = Selector.open();
    }

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public boolean accepts(Object source) {
        return source instanceof SelectableChannel;
    }

    @Override
    public Object register(Object source, int interest, Object attachment) throws IOException {
        SelectableChannel ch = (SelectableChannel) source;
        checkInterest(interest);
        if (ch.isBlocking()) {
            ch.configureBlocking(false);
        }
        SelectionKey parked = ch.keyFor(selector);
        if (parked != null && !parked.isValid()) {
            // cancelled by a close we have not selected since: flush it so the channel can register again
            selector.selectNow();
            selector.selectedKeys().clear(); // level-triggered: whatever was ready is reported again
            parked = ch.keyFor(selector);
        }
        Registration reg;
        if (parked != null) {
            reg = (Registration) parked.attachment(); // the channel's key, kept across cancel()
            reg.attachment = attachment;
            try {
                parked.interestOps(ops(ch, interest));
            } catch (CancelledKeyException e) {
                throw new ClosedChannelException();
            }
        } else {
            reg = new Registration(ch, attachment);
            reg.key = ch.register(selector, ops(ch, interest), reg);
        }
        reg.interest = interest;
        reg.index = registrations.size();
        registrations.add(reg);
        return reg;
    }

    @Override
    public void modify(Object key, int interest) throws IOException {
        Registration reg = (Registration) key;
        checkInterest(interest);
        reg.interest = interest;
        try {
            reg.key.interestOps(ops(reg.channel, interest));
        } catch (CancelledKeyException e) {
            throw new ClosedChannelException();
        }
    }

    /**
     * Stops reporting the channel's events. Its key is kept with no interest rather than
     * cancelled: a cancelled key stays in the selector until the next select, and registering
     * the channel again before that (a one-shot event re-added from its own callback) would
     * throw {@code CancelledKeyException}. Closing the channel cancels the key for good.
     */
    @Override
    public void cancel(Object key) {
        Registration reg = (Registration) key;
        if (reg.key.isValid()) {
            try {
                reg.key.interestOps(0);
            } catch (CancelledKeyException e) {
                // closed meanwhile: the key is gone with the channel
            }
        }
        reg.attachment = null;
        int last = registrations.size() - 1;
        if (reg.index >= 0 && reg.index <= last && registrations.get(reg.index) == reg) {
            Registration moved = registrations.get(last);
            registrations.set(reg.index, moved);
            moved.index = reg.index;
            registrations.remove(last);
        }
        reg.index = -1;
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) throws IOException {
        this.sink = sink;
        reported = 0;
        long start = timeoutNanos > 0 ? System.nanoTime() : 0;
        if (timeoutNanos != 0 && sweepClosed() != 0) {
            timeoutNanos = 0; // events were dropped: let the loop re-check before it sleeps
        }
        Selector sel = selector; // one volatile read; only this thread replaces it
        if (timeoutNanos == 0) {
            sel.selectNow(onKey);
        } else if (timeoutNanos < 0) {
            sel.select(onKey, 0);
        } else {
            sel.select(onKey, Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
        }
        boolean woken = wokenUp;
        wokenUp = false;
        if (reported == 0 && timeoutNanos != 0 && !woken) {
            guardAgainstSpin(timeoutNanos, start);
        } else if (timeoutNanos != 0) {
            prematureEmptySelects = 0; // a wait that reported, or was woken: the streak is broken
        }
        this.sink = null;
        return reported;
    }

    private void onKey(SelectionKey key) {
        Registration reg = (Registration) key.attachment();
        if (reg.attachment == null) {
            return; // parked: no event of the loop's waits on it
        }
        if (!key.isValid()) {
            sink.invalid(reg.attachment);
            return;
        }
        int ready = key.readyOps();
        int events = 0;
        if ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            events |= Ev.READ;
        }
        if ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            events |= Ev.WRITE;
            if ((key.interestOps() & SelectionKey.OP_CONNECT) != 0
                    && !((SocketChannel) reg.channel).isConnectionPending()) {
                // the connect finished: from now on WRITE means OP_WRITE
                key.interestOps(ops(reg.channel, reg.interest));
            }
        }
        if (events != 0) {
            reported++;
            sink.ready(reg.attachment, events);
        }
    }

    /**
     * A channel closed behind our back loses its key silently and is never selected again, so
     * before each wait the registrations are checked (one volatile read each) and closed ones
     * reported invalid; otherwise their events would stay pending forever.
     */
    private int sweepClosed() {
        int found = 0;
        for (int i = registrations.size() - 1; i >= 0; i--) {
            if (i >= registrations.size()) {
                continue;
            }
            Registration reg = registrations.get(i);
            if (!reg.key.isValid() || !reg.channel.isOpen()) {
                found++;
                sink.invalid(reg.attachment); // the base cancels the registration in response
            }
        }
        return found;
    }

    private void guardAgainstSpin(long timeoutNanos, long start) {
        long elapsed = System.nanoTime() - start;
        if (timeoutNanos < 0 || elapsed < timeoutNanos / 2) {
            if (++prematureEmptySelects >= SPIN_REBUILD_THRESHOLD) {
                LOG.warn("select returned early with nothing ready {} times in a row; rebuilding the selector",
                        prematureEmptySelects);
                rebuildSelector();
                prematureEmptySelects = 0;
            }
        } else {
            prematureEmptySelects = 0;
        }
    }

    /** The current selector (tests). */
    Selector selector() {
        return selector;
    }

    void rebuildSelector() {
        Selector fresh;
        try {
            fresh = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector to replace a spinning one", e);
        }
        for (Registration reg : registrations) {
            try {
                int ops = reg.key.isValid() ? reg.key.interestOps() : ops(reg.channel, reg.interest);
                reg.key.cancel();
                reg.key = reg.channel.register(fresh, ops, reg);
            } catch (IOException | CancelledKeyException e) {
                LOG.debug("{} could not move to the new selector; it is reported closed", reg.channel, e);
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the old selector failed", e);
        }
        selector = fresh; // volatile write, then the read of wokenUp: pairs with wakeup()
        if (wokenUp) {
            fresh.wakeup(); // a wake-up may have gone to the old selector while it was replaced
        }
    }

    /** Any thread: the flag first, then the field (see the class comment on the rebuild). */
    @Override
    public void wakeup() {
        wokenUp = true;
        selector.wakeup();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector failed", e);
        }
        registrations.clear();
    }

    private static void checkInterest(int interest) {
        if ((interest & Ev.CLOSED) != 0 && (interest & (Ev.READ | Ev.WRITE)) == 0) {
            throw new UnsupportedOperationException(
                    "Ev.CLOSED alone: NIO cannot tell a peer's close from readability; wait for Ev.READ and read -1");
        }
    }

    private static int ops(SelectableChannel ch, int interest) {
        int valid = ch.validOps();
        int ops = 0;
        if ((interest & (Ev.READ | Ev.CLOSED)) != 0) {
            ops |= (valid & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if ((interest & Ev.WRITE) != 0) {
            boolean connecting = ch instanceof SocketChannel sc && sc.isConnectionPending();
            ops |= connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
        }
        return ops & valid;
    }
}
