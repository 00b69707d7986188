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

import io.laio.examples.workload.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files under the document root of the server a run loads, as the load generator sees them:
 * the sizes their responses must have, and their place in the page cache. (The server's own
 * side of a root, the descriptor it opens files beneath, is {@code http.DocRoot}.)
 */
final class ServedFiles {
    private ServedFiles() {
    }

    /**
     * Each trace path's file size under {@code root}, indexed like {@link Trace#paths()};
     * {@code -1} for a path with no regular file behind it.
     */
    static long[] expectedSizes(Trace trace, Path root) throws IOException {
        long[] sizes = new long[trace.paths().length];
        Path norm = root.toAbsolutePath().normalize();
        for (int i = 0; i < sizes.length; i++) {
            Path f = norm.resolve(trace.paths()[i].substring(1)).normalize();
            sizes[i] = f.startsWith(norm) && Files.isRegularFile(f) ? Files.size(f) : -1;
        }
        return sizes;
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * Syncs, then drops every file under {@code root} from the page cache.
     *
     * @return the number of files dropped
     * @throws IOException if any file could not be dropped (the message names it)
     */
    static int dropFromPageCache(Path root) throws IOException {
        List<Path> files = files(root);
        PageCache.sync();
        for (Path f : files) {
            PageCache.drop(f);
        }
        return files.size();
    }
}
