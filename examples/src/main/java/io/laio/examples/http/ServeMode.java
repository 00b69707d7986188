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

package io.laio.examples.http;

import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.RingMode;
import io.laio.Sys;

/**
 * How the server does its I/O: the four configurations the LAIO paper compares, and laio-laio
 * on an io_uring loop. Sockets are
 * either NIO channels on the event loop or raw descriptors driven through LAIO; disk calls
 * ({@code openat2}, {@code statx}, {@code pread}, {@code sendfile}) always go through a
 * {@link io.laio.Laio} whose policy is what differs.
 */
public enum ServeMode {
    /** Non-blocking NIO sockets; disk calls made synchronously on the loop (the papers' NB-B). */
    NB_B("nb-b", false, Policy.INLINE, null),
    /**
     * Every call through LAIO: accept, recv, openat2, statx, header send under TCP_CORK, sendfile.
     * The loop polls with LAIO's epoll backend, so a socket call that would block waits on the
     * loop's own epoll and completes on the loop thread.
     */
    LAIO_LAIO("laio-laio", true, Policy.LAZY, "epoll"),
    /** Non-blocking NIO sockets; disk calls through lazy LAIO. */
    NB_LAIO("nb-laio", false, Policy.LAZY, null),
    /** Non-blocking NIO sockets; every disk call on a helper thread (Flash's AMTED, liblaiogen). */
    NB_AMTED("nb-amted", false, Policy.EAGER, null),
    /**
     * As {@link #LAIO_LAIO}, on the {@code uring} loop backend with {@link RingMode#DEFERRED}: the
     * loop waits on an io_uring, and every LAIO call with an opcode (accept, recv, openat2, statx,
     * read, send, close) is queued on the loop's ring without a probe and reaches the kernel with
     * the pass's wait, in one {@code io_uring_enter} with the other connections' calls
     * (docs/design/uring.md). A small body is read behind its head through the ring; a larger one
     * goes by sendfile under {@code TCP_CORK}, as in laio-laio (sendfile has no entry: LAIO's
     * lazy route), not read and sent in chunks, which cost a loop pass per chunk each way.
     */
    LAIO_URING("laio-uring", true, Policy.LAZY, "uring");

    private final String flag;
    private final boolean laioSockets;
    private final Policy diskPolicy;
    private final String backend;

    ServeMode(String flag, boolean laioSockets, Policy diskPolicy, String backend) {
        this.flag = flag;
        this.laioSockets = laioSockets;
        this.diskPolicy = diskPolicy;
        this.backend = backend;
    }

    /** The loop backend the mode needs ({@code EventBase.create(name)}), or null: the default one. */
    String backend() {
        return backend;
    }

    /** Whether socket and file I/O, bodies included, go through the loop's io_uring ({@link #LAIO_URING}). */
    boolean ringIo() {
        return this == LAIO_URING;
    }

    /** The command-line spelling ({@code --mode nb-b}). */
    public String flag() {
        return flag;
    }

    /** Whether sockets are raw descriptors driven through LAIO rather than NIO channels. */
    boolean laioSockets() {
        return laioSockets;
    }

    /**
     * The LAIO configuration: the mode's policy for disk calls; closing a descriptor stays a
     * plain call, as it never waits for the disk, except on the ring ({@link #LAIO_URING}).
     * thttpd closes every socket LAIO made for it through LAIO (on whichever loop serves it), so
     * on an epoll base their entries are kept between waits
     * ({@link LaioConfig.Builder#closesThroughLaio}).
     */
    LaioConfig laioConfig(int maxHelpers) {
        return laioConfig(maxHelpers, LaioConfig.builder().build().maxQueued());
    }

    /** As {@link #laioConfig(int)}, with {@code maxQueued} (one loop's share of a group's bound). */
    LaioConfig laioConfig(int maxHelpers, int maxQueued) {
        return laioConfig(maxHelpers, maxQueued, null, null);
    }

    /** As {@link #laioConfig(int, int)}, with the helper and loop spins given (null: LaioConfig's defaults). */
    LaioConfig laioConfig(int maxHelpers, int maxQueued, java.time.Duration helperSpin, java.time.Duration loopSpin) {
        return laioConfig(maxHelpers, maxQueued, helperSpin, loopSpin, false);
    }

    /** Whether this mode makes the {@link FileCache}'s check a plain call where it may (the lazy modes but laio-uring). */
    boolean plainCacheCheck() {
        return diskPolicy == Policy.LAZY && this != LAIO_URING;
    }

    /**
     * As {@link #laioConfig(int, int, java.time.Duration, java.time.Duration)}; with
     * {@code fileCache} (the caller passes it only for a root whose file system revalidates no
     * dentry, {@link DocRoot#dentriesStayLocal}) the lazy modes make {@code statx} a plain call too. Its only path form is
     * the {@link FileCache}'s check of a cached path, whose descriptor pins the path's dentries
     * (a file's dentry holds its parent's, up to the root): the lookup of an unchanged path
     * finds each of them in the dentry cache and cannot wait for the disk, so LAIO's probe for a
     * path ({@code openat2(O_PATH|RESOLVE_CACHED)}, {@code statx}, {@code close}) would spend
     * three calls learning what is already known. A path changed since (a rename, a new
     * directory) may need a lookup from the disk, on the loop, once: then the entry is dropped.
     * The descriptor form ({@code AT_EMPTY_PATH}) is a plain call under LAZY already.
     */
    LaioConfig laioConfig(int maxHelpers, int maxQueued, java.time.Duration helperSpin, java.time.Duration loopSpin,
            boolean fileCache) {
        LaioConfig.Builder b = LaioConfig.builder().policy(diskPolicy).maxHelpers(maxHelpers).maxQueued(maxQueued)
                .closesThroughLaio(true);
        if (this == LAIO_URING) {
            b.ringMode(RingMode.DEFERRED); // a close too: it goes with the pass's wait (Connection awaits it)
        } else {
            b.policy(Sys.SYS_close, Policy.INLINE);
        }
        if (fileCache && plainCacheCheck()) {
            b.policy(Sys.SYS_statx, Policy.INLINE);
        }
        if (helperSpin != null) {
            b.helperSpin(helperSpin);
        }
        if (loopSpin != null) {
            b.loopSpin(loopSpin);
        }
        return b.build();
    }

    /** The mode for a command-line spelling. */
    public static ServeMode of(String flag) {
        for (ServeMode m : values()) {
            if (m.flag.equals(flag)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + flag + "' (nb-b, laio-laio, nb-laio, nb-amted, laio-uring)");
    }

    @Override
    public String toString() {
        return flag;
    }
}
