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

package io.laio.internal;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * A selector that selects nothing, used only for the JDK's public hook into
 * {@link Thread#interrupt()}: between {@link #enter()} and {@link #exit()} an interrupt of the
 * loop thread (or one already pending at {@code enter}) calls {@link #wakeup()}, which runs the
 * backend's wake-up and so ends its wait ({@code epoll_pwait}, {@code io_uring_enter}), which a
 * Java interrupt does not otherwise reach: those return {@code EINTR} for signals only.
 * Loop thread only, but {@code wakeup}, which the interrupting thread calls.
 */
public final class InterruptHook extends AbstractSelector {
    private static final String NOTHING = "a backend's interrupt hook selects nothing";

    private final Runnable wake;

    /** A hook whose interrupt runs {@code wake}, the backend's wake-up. */
    public InterruptHook(Runnable wake) {
        super(SelectorProvider.provider());
        this.wake = wake;
    }

    /** The wait begins: an interrupt from now on, or one already pending, runs the wake-up. */
    public void enter() {
        begin();
    }

    /** The wait has ended. */
    public void exit() {
        end();
    }

    @Override
    public Selector wakeup() {
        wake.run();
        return this;
    }

    @Override
    protected void implCloseSelector() {
        // no channels, no descriptors
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        throw new UnsupportedOperationException(NOTHING);
    }

    @Override
    public Set<SelectionKey> keys() {
        return Set.of();
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        return Set.of();
    }

    @Override
    public int selectNow() {
        throw new UnsupportedOperationException(NOTHING);
    }

    @Override
    public int select(long timeout) {
        throw new UnsupportedOperationException(NOTHING);
    }

    @Override
    public int select() {
        throw new UnsupportedOperationException(NOTHING);
    }
}
