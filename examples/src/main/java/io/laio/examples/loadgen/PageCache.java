package io.laio.examples.loadgen;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * Drops files from the page cache, for cold runs: {@code sync()}, then
 * {@code posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)} on each file, through FFM (libc, no
 * JNI). Also measures how much of a file is still cached, with {@code cachestat(2)} (Linux
 * 6.5+; {@link #cachedPages} says when it is unavailable).
 *
 * <p>Every call's result is checked: a failure is an {@link IOException} naming the call, the
 * file and the error. Threading: any thread.
 */
@SuppressWarnings("restricted") // binding libc is what this class is for
public final class PageCache {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int POSIX_FADV_DONTNEED = 4;
    private static final long SYS_CACHESTAT = 451; // the same number on x86_64 and aarch64 (generic table)
    private static final int ENOSYS = 38;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** {@code struct cachestat_range { __u64 off, len; }} */
    private static final StructLayout RANGE = MemoryLayout.structLayout(JAVA_LONG.withName("off"), JAVA_LONG.withName("len"));
    /** {@code struct cachestat { __u64 nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted; }} */
    private static final StructLayout STAT = MemoryLayout.structLayout(JAVA_LONG.withName("nr_cache"), JAVA_LONG.withName("nr_dirty"),
            JAVA_LONG.withName("nr_writeback"), JAVA_LONG.withName("nr_evicted"), JAVA_LONG.withName("nr_recently_evicted"));
    private static final VarHandle NR_CACHE = STAT.varHandle(MemoryLayout.PathElement.groupElement("nr_cache"));

    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FADVISE;
    private static final MethodHandle SYNC;
    private static final MethodHandle SYSCALL4;
    private static final MethodHandle STRERROR;

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        OPEN = linker.downcallHandle(find(linker, "open"), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno);
        CLOSE = linker.downcallHandle(find(linker, "close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        FADVISE = linker.downcallHandle(find(linker, "posix_fadvise"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
        SYNC = linker.downcallHandle(find(linker, "sync"), FunctionDescriptor.ofVoid());
        SYSCALL4 = linker.downcallHandle(find(linker, "syscall"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS, JAVA_LONG),
                errno, Linker.Option.firstVariadicArg(1));
        STRERROR = linker.downcallHandle(find(linker, "strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    private PageCache() {
    }

    private static MemorySegment find(Linker linker, String name) {
        return linker.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** {@code sync()}: writes dirty pages back, so that {@link #drop} can evict them. */
    public static void sync() {
        try {
            SYNC.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("sync()", t);
        }
    }

    /**
     * Asks the kernel to drop {@code file}'s cached pages ({@code POSIX_FADV_DONTNEED} over the
     * whole file). Dirty pages are not dropped: {@link #sync()} first.
     *
     * @throws IOException if the file cannot be opened or the advice is refused
     */
    public static void drop(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            int fd = open(arena, state, file);
            try {
                int rc = (int) FADVISE.invokeExact(fd, 0L, 0L, POSIX_FADV_DONTNEED);
                if (rc != 0) { // posix_fadvise returns the error number, it does not set errno
                    throw new IOException("posix_fadvise(" + file + ", POSIX_FADV_DONTNEED): " + strerror(rc));
                }
            } finally {
                close(state, fd, file);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Pages of {@code file} in the page cache, by {@code cachestat(2)}.
     *
     * @return the count, or {@code -1} if the kernel has no {@code cachestat} (before Linux 6.5)
     * @throws IOException if the file cannot be opened or {@code cachestat} fails otherwise
     */
    public static long cachedPages(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment range = arena.allocate(RANGE); // zeroed: off 0, len 0 = to the end of the file
            MemorySegment stat = arena.allocate(STAT);
            int fd = open(arena, state, file);
            try {
                long rc = (long) SYSCALL4.invokeExact(state, SYS_CACHESTAT, (long) fd, range, stat, 0L);
                if (rc < 0) {
                    int err = (int) ERRNO.get(state, 0L);
                    if (err == ENOSYS) {
                        return -1;
                    }
                    throw new IOException("cachestat(" + file + "): " + strerror(err));
                }
                return (long) NR_CACHE.get(stat, 0L);
            } finally {
                close(state, fd, file);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static int open(Arena arena, MemorySegment state, Path file) throws Throwable {
        int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("open(" + file + "): " + strerror((int) ERRNO.get(state, 0L)));
        }
        return fd;
    }

    private static void close(MemorySegment state, int fd, Path file) throws Throwable {
        if ((int) CLOSE.invokeExact(state, fd) != 0) {
            throw new IOException("close(" + file + "): " + strerror((int) ERRNO.get(state, 0L)));
        }
    }

    private static String strerror(int err) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(err);
            return s.reinterpret(256).getString(0) + " (errno " + err + ")";
        } catch (Throwable t) {
            return "errno " + err;
        }
    }
}
