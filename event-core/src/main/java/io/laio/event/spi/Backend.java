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

package io.laio.event.spi;

import java.io.IOException;

/**
 * What an {@link io.laio.event.EventBase} waits on: readiness of sources (channels) and a
 * wake-up from other threads.
 *
 * <p><b>Threading.</b> Every method except {@link #wakeup()} is called only on the loop thread
 * (or, before the loop runs, on the thread that owns the base). {@code wakeup()} is called from
 * any thread; the base calls it only when its wake-up protocol says the loop is asleep or about
 * to sleep, so a backend need not filter redundant wake-ups itself, but must tolerate them.
 *
 * <p>The base combines the interests of every event on one source into one registration:
 * a backend sees each source once, with the OR of {@link io.laio.event.Ev#READ},
 * {@link io.laio.event.Ev#WRITE} and {@link io.laio.event.Ev#CLOSED}.
 */
public interface Backend extends AutoCloseable {
    /** A short name for logs, e.g. {@code "nio"} or {@code "parking"}. */
    String name();

    /** Whether {@link #register} accepts this source (for NIO: any {@code SelectableChannel}). */
    boolean accepts(Object source);

    /**
     * Starts watching {@code source} for {@code interest}; readiness is reported to the sink of
     * {@link #poll} with {@code attachment}.
     *
     * @return a key for {@link #modify} and {@link #cancel}
     * @throws IOException if the source cannot be watched (for example it is closed)
     */
    Object register(Object source, int interest, Object attachment) throws IOException;

    /** Changes the interest of a registered source; {@code 0} keeps the key but reports nothing. */
    void modify(Object key, int interest) throws IOException;

    /** Stops watching the source of {@code key}; never throws, also for a closed source. */
    void cancel(Object key);

    /**
     * Waits until a watched source is ready, {@link #wakeup()} is called, the calling thread is
     * interrupted (or was already: the interrupt status is left set, the base reads it and ends
     * the loop), or the timeout elapses, and reports each ready source to {@code sink}.
     *
     * @param timeoutNanos {@code < 0}: no limit; {@code 0}: do not wait
     * @return how many sources were reported
     */
    int poll(long timeoutNanos, ReadySink sink) throws IOException;

    /**
     * Whether the backend can honour {@link io.laio.event.Ev#ET} (edge-triggered readiness);
     * events asking for it are refused at {@code add()} when it cannot.
     */
    default boolean supportsEdgeTriggered() {
        return false;
    }

    /**
     * Any thread: makes a current or the next {@link #poll} return promptly. It may run
     * concurrently with {@link #close()} ({@code loopExit} and {@code loopBreak} race a closing
     * base): after close it must do nothing, and never touch a released resource, such as a
     * descriptor number the kernel may have handed to someone else.
     */
    void wakeup();

    /** Releases every resource; the base calls it once, from {@code close()}, on the loop or owning thread. */
    @Override
    void close();
}
