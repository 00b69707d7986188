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

package io.laio.examples.kv;

import io.laio.LaioConfig;
import io.laio.examples.Check;
import io.laio.examples.CpuPinning;
import io.laio.examples.LaioTuningOption;
import io.laio.examples.LoopsOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kv}: a memcached-compatible key-value server, NIO sockets + LAIO disk, on N event loops. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = {"A memcached-compatible (text protocol) key-value server on N laio event loops: "
                + "NIO sockets, a store shared by the loops (striped locks), and one append-only mutation log "
                + "written and fsynced through LAIO (group commit over all loops).",
            "Every mutation is in the log before it is acknowledged; the log is replayed at start.",
            "Replies follow memcached 1.6 (ASCII protocol only, like memcached -B ascii).",
            "Neither LAIO's helpers nor the loops spin before they sleep (kv's default, unlike the other servers'), "
                + "unless --helper-spin, --loop-spin or --spin-before-sleep say so."})
public final class KvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "11211", description = "TCP port, 0..65535; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", converter = Check.AddressConverter.class, description = "Address to listen on, IPv4 or IPv6 (default: ${DEFAULT-VALUE}).")
    InetAddress bind;

    @Option(names = "--dir", defaultValue = "kv-data", description = "Directory of the mutation log (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--memory", defaultValue = "64", description = "Memory for items, in MiB, 1.." + MAX_MEMORY_MIB
            + "; least recently used items are evicted past it (default: ${DEFAULT-VALUE}).")
    long memoryMiB;

    @Option(names = "--max-item", defaultValue = "1048576", description = "Largest value, in bytes, 1.." + MAX_ITEM
            + " (default: ${DEFAULT-VALUE}).")
    int maxItem;

    @Option(names = "--sync", defaultValue = "interval", converter = SyncConverter.class,
            description = "When the log is fsynced, one of ${COMPLETION-CANDIDATES}: never; interval, about every second; "
                    + "always, before each reply (group commit) (default: ${DEFAULT-VALUE}).")
    SyncMode sync;

    @Option(names = "--compact", description = "Rewrite the log with only the live items at start.")
    boolean compact;

    @Option(names = "--io", defaultValue = "nio", converter = IoConverter.class,
            description = "How connections do their I/O, one of ${COMPLETION-CANDIDATES}: nio, NIO channels and kv's own "
                    + "buffers; buffered, a BufferEvent per connection over a raw socket on an epoll base, every socket "
                    + "call a LAIO call (IPv4 only); uring, as buffered on an io_uring loop, whose ring takes the socket "
                    + "calls that would wait and the log's writes and fsyncs (default: ${DEFAULT-VALUE}).")
    KvIo io;

    @Mixin
    LoopsOption loops;

    @Mixin
    LaioTuningOption spins;

    @Option(names = "--pin", description = "Pin loop i's thread to the (i mod N)-th of the N CPUs the process may use (sched_setaffinity; taskset and cpusets are kept).")
    boolean pin;

    /** 1 TiB. */
    static final long MAX_MEMORY_MIB = 1L << 20;
    /** memcached's largest -I. */
    static final int MAX_ITEM = 1 << 30;

    public static final class SyncConverter extends Check.EnumConverter<SyncMode> {
        public SyncConverter() {
            super(SyncMode.class);
        }
    }

    /** Parses {@code --io}. */
    public static final class IoConverter extends Check.EnumConverter<KvIo> {
        /** The converter picocli makes. */
        public IoConverter() {
            super(KvIo.class);
        }
    }

    /**
     * Every loop's LAIO configuration: kv's promise to close its sockets through LAIO (their epoll
     * entries are kept between waits), no helper or loop spin, and the spins given on the command
     * line over those. kv's LAIO calls are its log's writes (and fsyncs), one per cycle, cycles
     * about one per two {@code set}s apart: a helper spinning 20 µs for its next call, or a loop
     * 50 µs for the completion, rarely finds it and takes the core a loop or a client on the same
     * machine needs (measured: {@code docs/kv.md}).
     */
    static LaioConfig laioConfig(LaioTuningOption spins) {
        return spins.laioConfig(LaioConfig.builder().closesThroughLaio(true).helperSpin(Duration.ZERO).loopSpin(Duration.ZERO));
    }

    /** Every loop's spin before sleeping: the one given, else none (see {@link #laioConfig}). */
    static Duration spinBeforeSleep(LaioTuningOption spins) {
        Duration given = spins.spinBeforeSleep();
        return given != null ? given : Duration.ZERO;
    }

    @Override
    public Integer call() throws Exception {
        Check check = Check.of(spec);
        check.listenPort("--port", port);
        check.range("--memory", memoryMiB, 1, MAX_MEMORY_MIB);
        check.range("--max-item", maxItem, 1, MAX_ITEM);
        spins.check(check);
        check.writableDirectory("--dir", dir);
        int n = loops.loops(check);
        LaioConfig laioConfig = laioConfig(spins);
        KvServer.Config config = new KvServer.Config(new InetSocketAddress(bind, port), dir.toAbsolutePath().toString(),
                memoryMiB << 20, maxItem, sync, compact, io);
        KvGroup server;
        try {
            server = new KvGroup(config, n, loops.accept() == LoopsOption.Accept.HANDOFF, pin ? CpuPinning.roundRobin() : null,
                    laioConfig, spinBeforeSleep(spins));
        } catch (IOException e) {
            throw Check.listenFailure(e, bind, port);
        }
        CountDownLatch ended = new CountDownLatch(1);
        // SIGTERM / Ctrl-C: stop accepting, let the log write what it holds, then exit
        Thread hook = Thread.ofPlatform().name("kv-shutdown").unstarted(() -> {
            server.stop();
            try {
                ended.await(KvGroup.STOP_WAIT.toSeconds() + 5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("listening on " + server.port());
        System.out.println("loops " + n + (n > 1 ? ", accept " + loops.accept() : "") + ", sync " + sync + ", io " + io
                + (spins.describe().isEmpty() ? ", no spins" : spins.describe()));
        System.out.flush();
        try {
            server.await(Duration.ofDays(365_000));
        } finally {
            ended.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what ended the loops
            }
        }
        return 0;
    }
}
