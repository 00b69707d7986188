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

package io.laio.examples.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * Writes a workload's files under a document root. Content is real bytes (no holes: servers
 * read it from disk and the page cache holds it): a first line naming the file, then a block
 * of pseudo-random printable text from the seed, repeated. Cheap to write (one block shared
 * by every file) yet not all-zero, so no layer below can elide it.
 */
public final class DocRootWriter {
    private static final int BLOCK = 64 * 1024;

    private DocRootWriter() {
    }

    /**
     * Writes every file of {@code w} under {@code root}, creating directories as needed.
     *
     * @return the bytes written
     */
    public static long write(Workload w, Path root) throws IOException {
        ByteBuffer block = block(w.seed());
        long total = 0;
        Path lastDir = null;
        for (int f = 0; f < w.paths().length; f++) {
            Path file = root.resolve(w.paths()[f].substring(1));
            Path dir = file.getParent();
            if (!dir.equals(lastDir)) {
                Files.createDirectories(dir);
                lastDir = dir;
            }
            total += writeFile(file, w.paths()[f], w.sizes()[f], block);
        }
        return total;
    }

    private static long writeFile(Path file, String name, long size, ByteBuffer block) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] head = ("laio workload file " + name + " of " + size + " bytes\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer h = ByteBuffer.wrap(head, 0, (int) Math.min(head.length, size));
            long written = 0;
            while (h.hasRemaining()) {
                written += ch.write(h);
            }
            while (written < size) {
                ByteBuffer b = block.duplicate();
                b.limit((int) Math.min(BLOCK, size - written));
                while (b.hasRemaining()) {
                    written += ch.write(b);
                }
            }
            return written;
        }
    }

    private static ByteBuffer block(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        ByteBuffer b = ByteBuffer.allocateDirect(BLOCK);
        for (int i = 0; i < BLOCK; i++) {
            b.put((byte) (i % 64 == 63 ? '\n' : ' ' + rnd.nextInt(95)));
        }
        return b.flip();
    }
}
