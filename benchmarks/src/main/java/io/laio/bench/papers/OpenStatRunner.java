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

package io.laio.bench.papers;

import static io.laio.abi.AtFlags.AT_FDCWD;
import static io.laio.abi.OpenFlags.O_CLOEXEC;
import static io.laio.abi.OpenFlags.O_RDONLY;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioConfig;
import io.laio.Policy;
import io.laio.Sys;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.EventCallback;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The thesis's open-stat and open-stat-read micro-benchmarks (Tables 3 and 4): for every
 * request of a trace, open the file, stat it and (open-stat-read) read all of it, then close
 * it. Done by N threads each serving whole requests with plain calls (the thread-based server),
 * or on one event loop with N requests in flight through LAIO, EAGER (every call on a helper:
 * liblaiogen, N helpers) or LAZY (inline unless the kernel would block). Cold runs drop the
 * page, dentry and inode caches first; warm runs follow an untimed pass. Prints a markdown
 * table of medians in seconds.
 *
 * <p>{@code java -cp benchmarks/target/benchmarks.jar io.laio.bench.papers.OpenStatRunner --workload DIR}
 * where DIR is what {@code laio-examples.jar workload} wrote.
 */
@Command(name = "open-stat", mixinStandardHelpOptions = true)
public final class OpenStatRunner implements Callable<Integer> {
    private static final int CHUNK = 64 * 1024;
    private static final int POSIX_FADV_DONTNEED = 4;

    @Option(names = "--workload", required = true, description = "directory with trace.txt and root/")
    Path workload;

    @Option(names = "--parallel", split = ",", defaultValue = "1,10,100", description = "threads / requests in flight")
    List<Integer> parallel;

    @Option(names = "--runs", defaultValue = "3")
    int runs;

    @Option(names = "--cache", split = ",", defaultValue = "cold,warm")
    List<String> caches;

    @Option(names = "--read", split = ",", defaultValue = "false,true", description = "false: open-stat, true: open-stat-read")
    List<Boolean> reads;

    private MemorySegment[] paths;
    private List<Path> files;
    private final Arena arena = Arena.ofShared();

    public static void main(String[] args) {
        System.exit(new CommandLine(new OpenStatRunner()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        loadTrace();
        String dropHow = canDropAllCaches() ? "page, dentry and inode caches dropped (drop_caches)"
                : "files' pages dropped (posix_fadvise DONTNEED; not root, so dentries stay)";
        System.out.printf(Locale.ROOT, "%d requests over %d files; cold: %s; median of %d runs, seconds per trace pass%n%n",
                paths.length, files.size(), dropHow, runs);
        String[] systems = {"threads", "laio-eager", "laio-lazy"};
        for (boolean read : reads) {
            System.out.println("### " + (read ? "open-stat-read (thesis Table 4)" : "open-stat (thesis Table 3)") + "\n");
            System.out.print("| parallel |");
            for (String c : caches) {
                for (String s : systems) {
                    System.out.print(" " + s + " " + c + " |");
                }
            }
            System.out.println();
            System.out.println("|---|" + "---|".repeat(caches.size() * systems.length));
            for (int p : parallel) {
                System.out.print("| " + p + " |");
                for (String c : caches) {
                    for (String s : systems) {
                        List<Double> t = new ArrayList<>();
                        for (int r = 0; r < runs; r++) {
                            t.add(measure(s, p, read, c.equals("cold")));
                        }
                        t.sort(Double::compare);
                        System.out.printf(Locale.ROOT, " %.3f |", t.get(t.size() / 2));
                    }
                }
                System.out.println();
                System.out.flush();
            }
            System.out.println();
        }
        return 0;
    }

    private void loadTrace() throws IOException {
        Path root = workload.resolve("root");
        Map<String, MemorySegment> byPath = new LinkedHashMap<>();
        List<MemorySegment> list = new ArrayList<>();
        for (String line : Files.readAllLines(workload.resolve("trace.txt"))) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 2 || line.startsWith("#")) {
                continue;
            }
            String rel = f[1].startsWith("/") ? f[1].substring(1) : f[1];
            list.add(byPath.computeIfAbsent(rel, k -> arena.allocateFrom(root.resolve(k).toString())));
        }
        paths = list.toArray(MemorySegment[]::new);
        files = byPath.keySet().stream().map(root::resolve).toList();
    }

    private double measure(String system, int p, boolean read, boolean cold) throws Exception {
        if (cold) {
            dropCaches();
        } else {
            run(system, p, read); // warms the caches (and the JIT)
        }
        long t0 = System.nanoTime();
        run(system, p, read);
        return (System.nanoTime() - t0) / 1e9;
    }

    private void run(String system, int p, boolean read) throws Exception {
        switch (system) {
            case "threads" -> threads(p, read);
            case "laio-eager" -> loop(Policy.EAGER, p, read);
            default -> loop(Policy.LAZY, p, read);
        }
    }

    /** N threads, each serving whole requests in turn with plain blocking calls. */
    private void threads(int n, boolean read) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (Laio plain = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build())) {
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment st = a.allocate(256, 8);
                        MemorySegment buf = a.allocate(CHUNK, 4096);
                        for (int r; (r = next.getAndIncrement()) < paths.length; ) {
                            long fd = check(plain.syscall(Sys.SYS_openat, AT_FDCWD, paths[r].address(), O_RDONLY | O_CLOEXEC), "open");
                            check(plain.syscall(Sys.SYS_fstat, fd, st.address()), "fstat");
                            if (read) {
                                long off = 0;
                                for (long k; (k = check(plain.syscall(Sys.SYS_pread64, fd, buf.address(), CHUNK, off), "pread")) > 0; ) {
                                    off += k;
                                }
                            }
                            check(plain.syscall(Sys.SYS_close, fd), "close");
                        }
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
        }
    }

    /** One event loop with N requests in flight, every call through LAIO under the given policy. */
    private void loop(Policy policy, int n, boolean read) {
        try (Arena slots = Arena.ofShared(); // closed last: helpers write into it until laio is closed
                EventBase base = EventBase.create();
                Laio laio = Laio.attach(base, LaioConfig.builder().policy(policy).policy(Sys.SYS_close, Policy.INLINE)
                        .maxHelpers(n).maxQueued(4 * n + 16).build())) {
            int[] next = {0};
            int[] active = {0};
            for (int i = 0; i < n; i++) {
                new Slot(base, laio, slots, read, next, active).start();
            }
            if (active[0] > 0) {
                base.loop(0);
            }
        }
    }

    /** One request in flight on the loop: open → fstat → pread… → close, then the next request. */
    private final class Slot {
        private static final EventCallback DONE = (ev, what, arg) -> ((Slot) arg).step(ev.result() == -1 ? -ev.error() : ev.result());
        final EventBase base;
        final Laio laio;
        final boolean read;
        final int[] next;
        final int[] active;
        final MemorySegment st;
        final MemorySegment buf;
        int stage;
        long fd;
        long off;

        Slot(EventBase base, Laio laio, Arena mem, boolean read, int[] next, int[] active) {
            this.st = mem.allocate(256, 8);
            this.buf = mem.allocate(CHUNK, 4096);
            this.base = base;
            this.laio = laio;
            this.read = read;
            this.next = next;
            this.active = active;
        }

        void start() {
            active[0]++;
            step(openNext());
        }

        /** Opens the next request's file; Long.MAX_VALUE when the trace is done. */
        private long openNext() {
            if (next[0] >= paths.length) {
                return Long.MAX_VALUE;
            }
            stage = 0;
            return issue(laio.syscall(Sys.SYS_openat, AT_FDCWD, paths[next[0]++].address(), O_RDONLY | O_CLOEXEC));
        }

        /** A call's result, or Long.MIN_VALUE with an EV_LAIO event waiting for it. */
        private long issue(long raw) {
            if (raw == -1 && Laio.errno() == Errno.EINPROGRESS) {
                Event.set(base, laio.gethandle(), Ev.LAIO, DONE, this).add();
                return Long.MIN_VALUE;
            }
            return raw == -1 ? -Laio.errno() : raw;
        }

        /** Runs the request (and the ones after it) as far as it goes without waiting; iterative, however many finish inline. */
        void step(long r) {
            while (r != Long.MIN_VALUE) {
                if (r == Long.MAX_VALUE) {
                    if (--active[0] == 0) {
                        base.loopBreak();
                    }
                    return;
                }
                if (r < 0) {
                    throw new IllegalStateException("a call failed: " + Errno.name((int) -r));
                }
                if (stage == 0) {
                    fd = r;
                    stage = 1;
                    r = issue(laio.syscall(Sys.SYS_fstat, fd, st.address()));
                } else if (read && (stage == 1 || r > 0)) {
                    off = stage == 1 ? 0 : off + r;
                    stage = 2;
                    r = issue(laio.syscall(Sys.SYS_pread64, fd, buf.address(), CHUNK, off));
                } else {
                    laio.close((int) fd);
                    r = openNext();
                }
            }
        }
    }

    private static long check(long r, String what) {
        if (r == -1) {
            throw new IllegalStateException(what + " failed: " + Errno.name(Laio.errno()));
        }
        return r;
    }

    private static boolean canDropAllCaches() {
        return Files.isWritable(Path.of("/proc/sys/vm/drop_caches"));
    }

    private void dropCaches() throws IOException, InterruptedException {
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        if (canDropAllCaches()) {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            return;
        }
        try (Laio plain = Laio.create(LaioConfig.builder().policy(Policy.INLINE).build()); Arena a = Arena.ofConfined()) {
            for (Path f : files) {
                long fd = check(plain.syscall(Sys.SYS_openat, AT_FDCWD, a.allocateFrom(f.toString()).address(), O_RDONLY), "open");
                check(plain.syscall(Sys.SYS_fadvise64, fd, 0, 0, POSIX_FADV_DONTNEED), "posix_fadvise");
                plain.close((int) fd);
            }
        }
    }
}
