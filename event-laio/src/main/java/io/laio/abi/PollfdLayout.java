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

package io.laio.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct pollfd { int fd; short events; short revents; }} for {@code ppoll(2)} (8
 * bytes), and its event bits ({@code POLL*}, {@code <poll.h>}). Use {@code ppoll}, not
 * {@code poll}: {@code poll} exists on x86_64 only.
 */
public final class PollfdLayout {
    /** The struct: {@code fd}, {@code events}, {@code revents}. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));
    /** {@code sizeof(struct pollfd)}: 8. */
    public static final long SIZE = LAYOUT.byteSize();
    private static final VarHandle FD = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("fd"));
    private static final VarHandle EVENTS = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("events"));
    private static final VarHandle REVENTS = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("revents"));

    /** Data to read. */
    public static final short POLLIN = 0x1;
    /** Urgent data to read. */
    public static final short POLLPRI = 0x2;
    /** Writing will not block. */
    public static final short POLLOUT = 0x4;
    /** An error (always reported, whether asked for or not). */
    public static final short POLLERR = 0x8;
    /** Hang-up (always reported). */
    public static final short POLLHUP = 0x10;
    /** The descriptor is not open (always reported). */
    public static final short POLLNVAL = 0x20;
    /** The peer closed its writing half. */
    public static final short POLLRDHUP = 0x2000;

    private PollfdLayout() {}

    /** Fills the pollfd at the start of {@code pfd}: watch {@code fd} for {@code events}, {@code revents} cleared. */
    public static void set(MemorySegment pfd, int fd, short events) {
        FD.set(pfd, 0L, fd);
        EVENTS.set(pfd, 0L, events);
        REVENTS.set(pfd, 0L, (short) 0);
    }

    /** The events the kernel reported in the pollfd at the start of {@code pfd}. */
    public static short revents(MemorySegment pfd) {
        return (short) REVENTS.get(pfd, 0L);
    }
}
