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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.EventBase;
import io.laio.internal.epoll.EpollBackendProvider;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where io_uring is refused: the setup errno injected, the message naming the cause, and the ranking. */
class UringRefusalTest {
    @TempDir
    Path dir;

    private final Path realSysctl = UringRefusal.disabledSysctl;

    @AfterEach
    void restore() {
        UringNative.injectedSetupErrno = 0;
        UringRefusal.disabledSysctl = realSysctl;
    }

    private static String refusal() {
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> EventBase.create("uring"));
        return e.getCause().getMessage();
    }

    private void sysctl(String value) throws Exception {
        Path p = dir.resolve("io_uring_disabled");
        Files.writeString(p, value + "\n");
        UringRefusal.disabledSysctl = p;
    }

    @Test
    void epermWithTheSysctlAt2SaysIoUringIsDisabledForEveryProcess() throws Exception {
        sysctl("2");
        UringNative.injectedSetupErrno = UringNative.EPERM;
        String m = refusal();
        assertTrue(m.contains("EPERM") && m.contains("io_uring_disabled is 2") && m.contains("every process"), m);
    }

    @Test
    void epermWithTheSysctlAt1NamesTheGroup() throws Exception {
        sysctl("1");
        UringNative.injectedSetupErrno = UringNative.EPERM;
        String m = refusal();
        assertTrue(m.contains("io_uring_disabled is 1") && m.contains("io_uring_group"), m);
    }

    @Test
    void epermWithTheSysctlAt0BlamesASeccompFilter() throws Exception {
        sysctl("0");
        UringNative.injectedSetupErrno = UringNative.EPERM;
        String m = refusal();
        assertTrue(m.contains("EPERM") && m.contains("seccomp"), m);
    }

    @Test
    void enosysSaysTheKernelHasNoIoUring() {
        UringNative.injectedSetupErrno = UringNative.ENOSYS;
        String m = refusal();
        assertTrue(m.contains("ENOSYS") && m.contains("no io_uring"), m);
    }

    @Test
    void einvalSaysTheKernelRefusedTheParameters() {
        UringNative.injectedSetupErrno = UringNative.EINVAL;
        String m = refusal();
        assertTrue(m.contains("EINVAL") && m.contains("too old"), m);
    }

    @Test
    void refusedTheProviderRanksLastAndTheDefaultBaseIsNotUring() {
        UringNative.injectedSetupErrno = UringNative.EPERM;
        assertEquals(Integer.MIN_VALUE, new UringBackendProvider().priority());
        try (EventBase base = EventBase.create()) {
            assertNotEquals("uring", base.backendName());
        }
    }

    @Test
    void workingTheProviderStillRanksBelowEpoll() {
        int uring = new UringBackendProvider().priority();
        assertEquals(4, uring, "io_uring works on this machine (io_uring_disabled = 0)");
        assertTrue(uring < new EpollBackendProvider().priority(), "LAIO on uring is not built: epoll must win");
        try (EventBase base = EventBase.create()) {
            assertNotEquals("uring", base.backendName()); // nio, on this test path; epoll without event-nio
        }
        try (EventBase base = EventBase.create("uring")) {
            assertEquals("uring", base.backendName());
        }
    }
}
