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

import io.laio.abi.CachestatLayout;
import io.laio.abi.IovecLayout;
import io.laio.abi.OpenHowLayout;
import io.laio.abi.PollfdLayout;
import io.laio.abi.StatxLayout;
import io.laio.abi.TimespecLayout;
import io.laio.internal.sockets.SocketRetry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One thread's native scratch memory for the structs a probe or a retry hands the kernel: one
 * block, cut once into a named slice per struct, so no caller borrows another's bytes by offset.
 * Confined to its thread (a {@link ThreadState}'s, or a {@link SocketRetry}'s).
 *
 * <p>Only the slices' addresses go down to the kernel, yet no reachability fence is needed: the
 * owner holds this object (a thread's {@link ThreadLocal} map, a retry's field) for as long as
 * its thread passes them, and the auto arena frees the block only once it is unreachable.
 */
public final class Scratch {
    /** Bytes of {@link #sink}: one iovec's worth of a probe read whose bytes nobody wants. */
    public static final int SINK = 4096;
    /** Iovecs in {@link #sinkIovecs}, each {@link #SINK} bytes long and all pointing at {@link #sink}. */
    public static final int SINK_IOVECS = 16;
    private static final MemoryLayout BLOCK = MemoryLayout.structLayout(
            IovecLayout.LAYOUT.withName("iov"),
            OpenHowLayout.LAYOUT.withName("how"),
            StatxLayout.LAYOUT.withName("statx"),
            ValueLayout.JAVA_LONG.withName("emptyPath"),
            PollfdLayout.LAYOUT.withName("pollfd"),
            TimespecLayout.LAYOUT.withName("timespec"),
            ValueLayout.JAVA_LONG.withName("counter"),
            ValueLayout.JAVA_INT.withName("sockopt"),
            ValueLayout.JAVA_INT.withName("socklen"),
            CachestatLayout.RANGE.withName("cachestatRange"),
            CachestatLayout.LAYOUT.withName("cachestat"),
            MemoryLayout.sequenceLayout(SINK_IOVECS, IovecLayout.LAYOUT).withName("sinkIovecs"),
            MemoryLayout.sequenceLayout(SINK, ValueLayout.JAVA_BYTE).withName("sink"));

    /** One iovec: a single-buffer {@code preadv2}/{@code pwritev2}. */
    public final MemorySegment iov;
    /** An open_how for the {@code RESOLVE_CACHED} opens. */
    public final MemorySegment how;
    /** A statx answer (file type, size). */
    public final MemorySegment statx;
    /** An empty C string: the path of {@code statx(fd, "", AT_EMPTY_PATH)}. Never written. */
    public final MemorySegment emptyPath;
    /** One pollfd, and the timespec {@code ppoll} takes beside it. */
    public final MemorySegment pollfd;
    public final MemorySegment timespec;
    /** An 8-byte counter for eventfd writes. */
    public final MemorySegment counter;
    /** An int socket option value ({@code getsockopt(SO_ERROR)}) and its length. */
    public final MemorySegment sockopt;
    public final MemorySegment socklen;
    /** cachestat's range argument and its answer. */
    public final MemorySegment cachestatRange;
    public final MemorySegment cachestat;
    /**
     * A read that only asks whether its bytes are cached ({@code preadv2(RWF_NOWAIT)} in place of
     * cachestat) copies them here: {@link #SINK_IOVECS} iovecs over the one {@link #SINK}-byte
     * {@link #sink}, so {@code SINK * SINK_IOVECS} bytes are read into memory that stays in the
     * CPU's cache. A caller may shorten the iovecs' lengths; their bases never change.
     */
    public final MemorySegment sinkIovecs;
    public final MemorySegment sink;

    public Scratch(Arena arena) {
        MemorySegment block = arena.allocate(BLOCK);
        iov = slice(block, "iov");
        how = slice(block, "how");
        statx = slice(block, "statx");
        emptyPath = slice(block, "emptyPath");
        pollfd = slice(block, "pollfd");
        timespec = slice(block, "timespec");
        counter = slice(block, "counter");
        sockopt = slice(block, "sockopt");
        socklen = slice(block, "socklen");
        cachestatRange = slice(block, "cachestatRange");
        cachestat = slice(block, "cachestat");
        sinkIovecs = slice(block, "sinkIovecs");
        sink = slice(block, "sink");
        for (int i = 0; i < SINK_IOVECS; i++) {
            IovecLayout.set(sinkIovecs.asSlice(i * IovecLayout.SIZE), sink.address(), SINK);
        }
    }

    private static MemorySegment slice(MemorySegment block, String name) {
        MemoryLayout.PathElement p = MemoryLayout.PathElement.groupElement(name);
        return block.asSlice(BLOCK.byteOffset(p), BLOCK.select(p).byteSize());
    }
}
