package io.laio.examples.http;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.Sys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * How many connections the process's descriptor limit allows: each takes a socket and, while
 * a file is sent, the file's descriptor; some are kept for the JVM (class files, the selector)
 * and the LAIO engine. A server that accepts until accept fails would have no descriptor left
 * to open the file the last connection asks for.
 */
final class DescriptorBudget {
    private static final int RLIMIT_NOFILE = 7;
    private static final int RESERVE = 64;

    private DescriptorBudget() {}

    static int connections(Laio setup, Arena arena) {
        MemorySegment rlimit = arena.allocate(16, 8);
        if (setup.syscall(Sys.SYS_prlimit64, 0, RLIMIT_NOFILE, 0, rlimit.address()) != 0) {
            throw new IllegalStateException("prlimit64(RLIMIT_NOFILE): " + Errno.name(Laio.errno()));
        }
        long soft = rlimit.get(ValueLayout.JAVA_LONG, 0);
        long open = openNow();
        long budget = (Math.min(soft, Integer.MAX_VALUE) - open - RESERVE) / 2;
        return (int) Math.max(1, budget);
    }

    private static long openNow() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException("counting open descriptors", e);
        }
    }
}
