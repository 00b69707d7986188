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


package io.laio.bench.laio;

import io.laio.Errno;
import io.laio.Laio;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary file of zeros that a benchmark reads, open read-only through one {@link Laio};
 * {@link #close()} closes the descriptor and deletes the file.
 */
final class ZeroFile implements AutoCloseable {
    private final Laio laio;
    private final Path path;
    /** The read-only descriptor. */
    final int fd;

    /** {@code size} zero bytes in {@code dir} (null: the default temporary directory), opened through {@code laio}. */
    ZeroFile(Path dir, int size, Laio laio) throws IOException {
        this.laio = laio;
        path = dir == null ? Files.createTempFile("laio-bench", ".bin") : Files.createTempFile(dir, "laio-bench", ".bin");
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.write(new byte[size]);
        }
        long r = laio.open(path.toString(), 0, 0);
        if (r < 0) {
            Files.delete(path);
            throw new IOException("cannot open " + path + ": " + Errno.name(Laio.errno()));
        }
        fd = (int) r;
    }

    /** Reads the whole file once, so that its pages are cached when the run starts. */
    void warm() throws IOException {
        Files.readAllBytes(path);
    }

    @Override
    public void close() throws IOException {
        laio.close(fd);
        Files.delete(path);
    }
}
