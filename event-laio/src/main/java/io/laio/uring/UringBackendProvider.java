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

package io.laio.uring;

import io.laio.event.spi.Backend;
import io.laio.event.spi.BackendProvider;
import java.io.IOException;
import java.util.Locale;

/**
 * The {@code "uring"} backend ({@code EventBase.create("uring")}): a loop on its own io_uring
 * instance, watching raw descriptors through {@code IORING_OP_POLL_ADD}, bound through FFM (no
 * liburing). It needs Linux 5.6 or later with io_uring allowed; where it is absent or refused
 * ({@code /proc/sys/kernel/io_uring_disabled}, a seccomp filter, an old kernel: EPERM, ENOSYS or
 * EINVAL from {@code io_uring_setup}) {@link #open()} throws an {@link IOException} whose
 * message names the cause, and {@code EventBase.create("uring")} throws it as the cause of its
 * {@code UncheckedIOException}.
 *
 * <p><b>Ranking.</b> {@link #priority()} is 4 where a ring can be made, below the epoll
 * backend's 5, so {@code EventBase.create()} keeps choosing epoll (and nio's 10 above both):
 * LAIO on a uring base is not built yet (its calls would go to the helper threads, not the
 * ring), so users of {@code EventBase.create()} with {@code Laio} must keep getting epoll.
 * Where io_uring is unavailable the priority is {@link Integer#MIN_VALUE}, so it is never
 * chosen over a backend that works.
 *
 * <p>The wake-up from other threads is an eventfd read through the ring by default; the system
 * property {@code io.laio.uring.wake=msg_ring} selects {@code IORING_OP_MSG_RING} instead
 * (Linux 5.18), for comparison ({@code io.laio.bench.laio.UringWakeupBenchmark}).
 */
public final class UringBackendProvider implements BackendProvider {
    /** Submission entries per ring: re-arms of one pass beyond this cost one extra submission. */
    static final int ENTRIES = 256;
    private static final int AVAILABLE_PRIORITY = 4;

    /** For {@link java.util.ServiceLoader}. */
    public UringBackendProvider() {}

    /** Whether a ring could be made, found once per process (unless a test injects a setup errno). */
    private static final class Availability {
        static final boolean USABLE = probe();
    }

    private static boolean probe() {
        try (UringBackend b = new UringBackend(2, 0, UringBackend.Wake.EVENTFD, false)) {
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "uring";
    }

    /** 4 (below epoll's 5) where io_uring works, else {@link Integer#MIN_VALUE}. */
    @Override
    public int priority() {
        boolean usable = UringNative.injectedSetupErrno != 0 ? probe() : Availability.USABLE;
        return usable ? AVAILABLE_PRIORITY : Integer.MIN_VALUE;
    }

    /**
     * A new backend on a new ring.
     *
     * @throws IOException when io_uring is unavailable, with the cause in the message
     */
    @Override
    public Backend open() throws IOException {
        return new UringBackend(ENTRIES, 0, wakeMode(), false);
    }

    static UringBackend.Wake wakeMode() {
        String mode = System.getProperty("io.laio.uring.wake", "eventfd").toLowerCase(Locale.ROOT);
        return switch (mode) {
            case "eventfd" -> UringBackend.Wake.EVENTFD;
            case "msg_ring" -> UringBackend.Wake.MSG_RING;
            default -> throw new IllegalArgumentException("io.laio.uring.wake must be eventfd or msg_ring, not " + mode);
        };
    }
}
