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
        assertEquals(2, DocRoot.dropFromPageCache(dir));
    }
}
