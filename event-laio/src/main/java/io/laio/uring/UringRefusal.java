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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why io_uring cannot be used here, as an {@link IOException} whose message names the cause: the
 * errno of {@code io_uring_setup} read against {@code /proc/sys/kernel/io_uring_disabled}, or a
 * feature the ring lacks.
 */
final class UringRefusal extends IOException {
    private static final long serialVersionUID = 1L;

    /** Test seam: where the sysctl is read. */
    static volatile Path disabledSysctl = Path.of("/proc/sys/kernel/io_uring_disabled");

    /** The errno that refused the ring, or 0 when the ring was made but lacks a feature. */
    final int errno;

    private UringRefusal(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** {@code io_uring_setup} failed with {@code errno}. */
    static UringRefusal ofSetup(int errno) {
        String name = UringNative.errnoName(errno);
        String why = switch (errno) {
            case UringNative.EPERM -> eperm();
            case UringNative.ENOSYS -> "the kernel has no io_uring (older than 5.1, built without CONFIG_IO_URING,"
                    + " or a seccomp filter answers ENOSYS for it, as container runtimes' default profiles do)";
            case UringNative.EINVAL -> "the kernel refused the ring's parameters (a kernel too old for"
                    + " IORING_SETUP_CQSIZE/CLAMP, 5.5 and later)";
            case UringNative.ENOMEM -> "the kernel could not allocate the rings (RLIMIT_MEMLOCK too low on kernels before 5.12?)";
            case UringNative.EMFILE -> "the process has no descriptor left";
            default -> "unexpected";
        };
        return new UringRefusal("io_uring is unavailable: io_uring_setup failed with " + name + ": " + why, errno);
    }

    /** The ring was made but lacks what this backend needs. */
    static UringRefusal ofFeature(String what) {
        return new UringRefusal("io_uring is unavailable: " + what, 0);
    }

    private static String eperm() {
        String value;
        try {
            value = Files.readString(disabledSysctl).strip();
        } catch (IOException | RuntimeException e) {
            value = null; // no such sysctl (kernels before 6.6): EPERM came from elsewhere
        }
        return switch (value == null ? "" : value) {
            case "2" -> disabledSysctl + " is 2: io_uring is disabled for every process";
            case "1" -> disabledSysctl + " is 1: io_uring is disabled for processes outside kernel.io_uring_group";
            default -> "refused by a seccomp filter or a security module (" + disabledSysctl + " is "
                    + (value == null ? "absent" : value) + "), as in many containers";
        };
    }
}
