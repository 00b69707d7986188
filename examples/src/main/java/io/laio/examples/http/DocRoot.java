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

package io.laio.examples.http;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import io.laio.abi.AtFlags;
import io.laio.abi.OpenFlags;
import io.laio.abi.StatxLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directory served: a descriptor opened once ({@code O_PATH|O_DIRECTORY}) that every file
 * is opened beneath. Without a root given, the small site embedded in the jar is copied to a
 * temporary directory, removed again on close.
 */
final class DocRoot {
    private static final String SITE = "/io/laio/examples/http/site/";
    private static final List<String> SITE_FILES = List.of("index.html", "style.css", "hello.txt", "docs/index.html");

    /**
     * File systems on which looking up a path whose dentries are all in the dentry cache never
     * waits: they revalidate no dentry (no {@code d_revalidate}), so a lookup of an unchanged
     * path that an open descriptor pins finds every component in memory. FUSE, NFS, CIFS, 9p,
     * Ceph and overlayfs revalidate (a FUSE entry past its timeout is a round trip to the daemon),
     * and any type not named here is taken to.
     */
    static final Set<String> LOCAL_TYPES = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "tmpfs", "ramfs");

    private final Path path;
    private final int fd;
    private final boolean temporary;
    private final long device;

    private DocRoot(Path path, int fd, boolean temporary, long device) {
        this.path = path;
        this.fd = fd;
        this.temporary = temporary;
        this.device = device;
    }

    /**
     * Whether {@code root} (null: the temporary directory the embedded site goes to) is on a
     * file system of {@link #LOCAL_TYPES}; false when its type cannot be learned.
     */
    static boolean dentriesStayLocal(Path root) {
        Path dir = root != null ? root : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return LOCAL_TYPES.contains(Files.getFileStore(dir).type());
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Opens {@code root} (null: the embedded site) with a plain call through {@code setup}. */
    static DocRoot open(Laio setup, Arena arena, Path root) throws IOException {
        boolean temporary = root == null;
        Path dir = temporary ? extractSite() : root.toAbsolutePath();
        MemorySegment p = arena.allocateFrom(dir.toString());
        long fd = setup.syscall(Sys.SYS_openat, -100 /* AT_FDCWD */, p.address(),
                OpenFlags.O_PATH | OpenFlags.O_DIRECTORY | OpenFlags.O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open the document root " + dir + ": " + Errno.name(Laio.errno()));
        }
        MemorySegment stx = arena.allocate(StatxLayout.LAYOUT);
        if (setup.syscall(Sys.SYS_statx, fd, arena.allocateFrom("").address(), AtFlags.AT_EMPTY_PATH,
                StatxLayout.STATX_TYPE, stx.address()) != 0) {
            int e = Laio.errno();
            setup.close((int) fd);
            throw new IOException("cannot stat the document root " + dir + ": " + Errno.name(e));
        }
        return new DocRoot(dir, (int) fd, temporary, stx.get(ValueLayout.JAVA_LONG_UNALIGNED, FileCache.DEV_AT));
    }

    private static Path extractSite() throws IOException {
        Path dir = Files.createTempDirectory("laio-site");
        for (String f : SITE_FILES) {
            Path target = dir.resolve(f);
            Files.createDirectories(target.getParent());
            try (InputStream in = DocRoot.class.getResourceAsStream(SITE + f)) {
                if (in == null) {
                    throw new IOException("the embedded site lacks " + f);
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    int fd() {
        return fd;
    }

    /** The root's device: {@code stx_dev_major} and {@code stx_dev_minor} as one word, as {@link FileCache} compares them. */
    long device() {
        return device;
    }

    Path path() {
        return path;
    }

    void close(Laio laio) {
        if (laio.close(fd) != 0) {
            ThttpdServer.LOG.warn("closing the document root: {}", Errno.name(Laio.errno()));
        }
        if (temporary) {
            try (Stream<Path> s = Files.walk(path)) {
                s.sorted(Comparator.reverseOrder()).forEach(DocRoot::delete);
            } catch (IOException | UncheckedIOException e) {
                ThttpdServer.LOG.warn("removing the extracted site {}: {}", path, e.toString());
            }
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
