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

package io.laio.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laio.internal.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The lazy probe counts cached pages in the kernel's page size, whatever the architecture's. */
final class PageCountTest {

    @Test
    void pageSizeIsTheKernels() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, p.waitFor(), out);
        assertEquals(Long.parseLong(out), Syscalls.PAGE_SIZE);
    }

    @Test
    void rangesCountEveryPageTheyTouch() {
        long page = Syscalls.PAGE_SIZE;
        assertEquals(0, LazyProbe.pagesOf(0, 0));
        assertEquals(1, LazyProbe.pagesOf(0, 1));
        assertEquals(1, LazyProbe.pagesOf(0, page));
        assertEquals(2, LazyProbe.pagesOf(0, page + 1));
        assertEquals(2, LazyProbe.pagesOf(page - 1, 2), "a range straddling a boundary touches two pages");
        assertEquals(1, LazyProbe.pagesOf(3 * page, page));
        assertEquals(3, LazyProbe.pagesOf(page / 2, 2 * page));
    }
}
