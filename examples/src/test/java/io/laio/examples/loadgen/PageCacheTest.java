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

package io.laio.examples.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageCacheTest {
    @TempDir
    Path dir;

    @Test
    void aDroppedFileHasNoPagesLeftInTheCache() throws IOException {
        Assumptions.assumeFalse("tmpfs".equals(Files.getFileStore(dir).type()), "tmpfs pages cannot be dropped");
        Path f = dir.resolve("data");
        Files.write(f, new byte[1 << 20]);
        PageCache.sync();
        Files.readAllBytes(f);
        long before = PageCache.cachedPages(f);
        Assumptions.assumeTrue(before >= 0, "no cachestat(2) on this kernel");
        assertTrue(before > 0, "a file just read is cached: " + before);
        PageCache.drop(f);
        assertEquals(0, PageCache.cachedPages(f), "pages left after POSIX_FADV_DONTNEED");
    }

    @Test
    void droppingAMissingFileFailsWithTheReason() {
        IOException e = assertThrows(IOException.class, () -> PageCache.drop(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("open(") && e.getMessage().contains("errno 2"), e.getMessage());
    }

    @Test
    void dropFromPageCacheCoversEveryFileUnderTheRoot() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/one"), "1");
        Files.writeString(dir.resolve("a/b/two"), "2");
        assertEquals(2, ServedFiles.dropFromPageCache(dir));
    }
}
