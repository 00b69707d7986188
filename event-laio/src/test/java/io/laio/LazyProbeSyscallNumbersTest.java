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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * laio's own native calls must exist on every architecture it runs on (issue 14, item 6: four
 * internal paths used {@code poll}, which aarch64 lacks, so they failed there with ENOSYS).
 * Checked on any build machine: every {@code Sys.SYS_*} number the library's main code passes to
 * {@link Syscalls} (directly, or as a call it makes itself in place of the caller's) is looked up
 * in the generic (aarch64, riscv64) table.
 */
class LazyProbeSyscallNumbersTest {
    /** A Syscalls downcall with a literal number, or a number named as a call the library makes itself. */
    private static final Pattern OWN_CALL = Pattern.compile("Syscalls\\.(?:call|fast)\\(\\s*[\\w.]+\\s*,\\s*Sys\\.(SYS_\\w+)");

    /** The library's main sources (surefire runs in the module's directory). */
    private static final Path MAIN = Path.of("src/main/java/io/laio");

    @Test
    void theNumberTableKnowsWhichCallsAarch64Lacks() {
        assertEquals(-1, Sys.genericNumber(Sys.SYS_poll), "aarch64 has no poll");
        assertEquals(-1, Sys.genericNumber(Sys.SYS_open));
        assertEquals(73, Sys.genericNumber(Sys.SYS_ppoll));
        assertEquals(67, Sys.genericNumber(Sys.SYS_pread64));
        assertEquals(Sys.SYS_cachestat, Sys.genericNumber(Sys.SYS_cachestat), "newer calls share their numbers");
    }

    @Test
    void everySyscallTheLibraryMakesItselfExistsOnAarch64() throws Exception {
        List<String> missing = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = OWN_CALL.matcher(Files.readString(f));
                while (m.find()) {
                    String name = m.group(1);
                    long nr = Sys.class.getField(name).getLong(null);
                    seen.add(name);
                    if (Sys.genericNumber(nr) == -1) {
                        missing.add(f.getFileName() + ": " + name);
                    }
                }
            }
        }
        assertTrue(seen.size() >= 20, "the scan found the library's calls: " + seen);
        assertTrue(seen.contains("SYS_preadv2") && seen.contains("SYS_epoll_pwait"), seen.toString());
        assertEquals(List.of(), missing, "calls that aarch64 answers with ENOSYS");
    }

    @Test
    void theProbesOwnReplacementCallsExistOnAarch64() {
        // calls a probe makes in place of the caller's, named in LazyProbe without a literal downcall
        for (long nr : new long[] {Sys.SYS_preadv2, Sys.SYS_pwritev2, Sys.SYS_openat2, Sys.SYS_statx, Sys.SYS_ppoll,
            Sys.SYS_cachestat, Sys.SYS_recvfrom, Sys.SYS_sendto, Sys.SYS_accept4, Sys.SYS_lseek, Sys.SYS_fcntl,
            Sys.SYS_getsockopt, Sys.SYS_epoll_pwait, Sys.SYS_epoll_ctl, Sys.SYS_eventfd2}) {
            assertNotEquals(-1, Sys.genericNumber(nr), Sys.name(nr));
        }
    }
}
