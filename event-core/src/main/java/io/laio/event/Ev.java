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

package io.laio.event;

/**
 * Event flags and loop flags, with libevent's values where libevent has them.
 *
 * <p>Event flags ({@link #TIMEOUT} … {@link #LAIO}) are OR-ed into the {@code what} of
 * {@link Event#set} and are what a callback receives as the reason it ran. Loop flags
 * ({@link #LOOP_ONCE}, {@link #LOOP_NONBLOCK}, {@link #LOOP_NO_EXIT_ON_EMPTY}) are given to
 * {@link EventBase#loop(int)}; they share values with event flags but are never mixed with them.
 */
public final class Ev {
    /** The event's timeout elapsed. As a {@code what} with a {@code null} source: a timer. */
    public static final int TIMEOUT = 0x01;
    /** The channel is readable (or, for a server channel, has a connection to accept). */
    public static final int READ = 0x02;
    /** The channel is writable (or, for a connecting channel, the connect finished). */
    public static final int WRITE = 0x04;
    /** The named signal (source: a name such as {@code "HUP"}) was delivered to the process. */
    public static final int SIGNAL = 0x08;
    /** The event stays pending after its callback runs; without it the event is deleted first. */
    public static final int PERSIST = 0x10;
    /** Edge-triggered readiness; backends that cannot honour it refuse it at {@link Event#add()}. */
    public static final int ET = 0x20;
    /** The peer closed the connection, where the backend can see it. */
    public static final int CLOSED = 0x80;
    /** A Lazy Asynchronous I/O call completed; the source is its handle. */
    public static final int LAIO = 0x100;

    /** {@link EventBase#loop(int)}: block for active events, run them once, return. */
    public static final int LOOP_ONCE = 0x01;
    /** {@link EventBase#loop(int)}: run what is active now without blocking, return. */
    public static final int LOOP_NONBLOCK = 0x02;
    /** {@link EventBase#loop(int)}: do not return when no events are pending. */
    public static final int LOOP_NO_EXIT_ON_EMPTY = 0x04;

    private Ev() {}

    /** A readable rendering of event flags, e.g. {@code "READ|PERSIST"}; for logs and messages. */
    public static String toString(int what) {
        if (what == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        append(sb, what, TIMEOUT, "TIMEOUT");
        append(sb, what, READ, "READ");
        append(sb, what, WRITE, "WRITE");
        append(sb, what, SIGNAL, "SIGNAL");
        append(sb, what, PERSIST, "PERSIST");
        append(sb, what, ET, "ET");
        append(sb, what, CLOSED, "CLOSED");
        append(sb, what, LAIO, "LAIO");
        int rest = what & ~(TIMEOUT | READ | WRITE | SIGNAL | PERSIST | ET | CLOSED | LAIO);
        if (rest != 0) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append("0x").append(Integer.toHexString(rest));
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, int what, int flag, String name) {
        if ((what & flag) != 0) {
            if (!sb.isEmpty()) {
                sb.append('|');
            }
            sb.append(name);
        }
    }
}
