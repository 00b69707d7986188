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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A randomized soak that keeps a ledger of every call, on each way completions are delivered:
 * a standalone {@link Laio} ({@link Laio#poll}), one attached to the default (NIO) event base,
 * and one attached to the epoll base.
 *
 * <p><b>What one run does.</b> Rounds of 20,000-50,000 calls, each on a fresh Laio with tiny
 * bounds ({@code maxHelpers} 1-2, {@code maxQueued} 0-4, so {@code EAGAIN} back-pressure is
 * frequent and every refused call is retried later) and a {@code helperIdle} of 0.5-2.5 ms (so
 * helpers keep exiting and restarting). The mix, issued from one thread:
 * <ul>
 *   <li>{@code pread64} and {@code preadv} (1-4 buffers with gaps) of an 8 MiB file of known
 *       random contents, mostly from a hot (cached) region, some at end-of-file, some uncached:
 *       ranges are dropped with {@code posix_fadvise(DONTNEED)}, itself a call through LAIO;</li>
 *   <li>{@code pwrite64} of versioned patterns into 256 slots of a file, read back through LAIO
 *       now and then and compared with the expected image of the slot (a lost, doubled or stale
 *       write shows), and the whole file compared at the end of the round;</li>
 *   <li>{@code write} of self-describing records to an {@code O_APPEND} log, parsed at the end
 *       of the round: every record reported written is there exactly once, none that completed
 *       {@code ECANCELED}, none torn;</li>
 *   <li>byte streams over AF_UNIX socket pairs ({@code sendto}/{@code recvfrom}, 4 KiB socket
 *       buffers) and one-page pipes ({@code write}/{@code read}): one send and one receive in
 *       flight per direction, receivers that stall for up to thousands of steps and resume,
 *       receives on empty pipes written later; every byte received is checked against the
 *       stream position it belongs to, and what is left in a channel when it is closed must be
 *       exactly what was sent and not received;</li>
 *   <li>{@code nanosleep} (0-2 ms), {@link Laio#call} of a Java operation, {@code getpid};</li>
 *   <li>descriptors closed through LAIO and reopened (usually with the same number), and whole
 *       channels closed and replaced (new descriptors with the old numbers) while nothing is in
 *       flight on them;</li>
 *   <li>cancels at random moments (3 % of steps, and 2 % of calls at once), with the contract
 *       checked both ways: {@code true} means the call completes {@code -1}/{@code ECANCELED}
 *       and had no effect, {@code false} that it completes normally;</li>
 *   <li>attached, one background call in ten has its event added up to 40 steps later (its
 *       completion, often already there, is delivered at {@code add()});</li>
 *   <li>a quarter of the rounds end with {@link Laio#close()} while calls are in flight: every
 *       call still completes exactly once (normally or {@code ECANCELED}) and none that was
 *       cancelled had an effect.</li>
 * </ul>
 * Checked throughout: each background call completes exactly once (a completion for a call not
 * in flight is a duplicate; a call in flight when nothing completes for 30 s is lost); every
 * result is the one the call must return (a background read or send reports the total; a short
 * inline count is legal); standalone, the handles of one poll are stale after the next. After
 * every round: laio's threads ({@code laio-*}) and this process's sockets, pipes, eventfds,
 * epolls and soak files are back to their baseline; after each run, with the base closed, too.
 * Every failure is collected on the one thread that runs the soak and thrown with the seed.
 *
 * <p><b>Running.</b> CI runs a short soak ({@code laio.soak.calls} = 240,000 calls in total,
 * split over the three backends). A long run, by command (docs/soak.md has the figures):
 * <pre>
 * mvn -B -q -pl event-core,event-nio,event-laio test -Dtest='LedgerSoak*' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dlaio.soak.calls=10000000
 * </pre>
 * Properties: {@code laio.soak.seed} (default: from the clock; printed), {@code laio.soak.calls},
 * {@code laio.soak.dir} (default {@code target/laio-soak}; must be a real filesystem for the
 * uncached reads), {@code laio.soak.stallSeconds} (30), and switches for sub-mixes:
 * {@code laio.soak.cancelSockets} (cancel socket and pipe calls; default true),
 * {@code laio.soak.cancelSends} (of those, sends too, not only receives; default true),
 * {@code laio.soak.positionReads} (the read(2)-at-the-file-position sub-mix; default true),
 * {@code laio.soak.abruptClose} (close with calls in flight; default true),
 * {@code laio.soak.strictShortReads} (a short inline read of a file is a failure; default false).
 */
class LedgerSoakTest {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LedgerSoakTest.class);

    static final long SEED = Long.getLong("laio.soak.seed", System.nanoTime() ^ System.currentTimeMillis() * 31);
    static final long CALLS = Long.getLong("laio.soak.calls", 240_000);
    static final Path DIR = Path.of(System.getProperty("laio.soak.dir", "target/laio-soak"));

    @Test
    void standaloneLaioKeepsTheLedger() {
        soak(SoakRun.Backend.STANDALONE, 1);
    }

    @Test
    void laioOnTheNioBaseKeepsTheLedger() {
        soak(SoakRun.Backend.NIO, 2);
    }

    @Test
    void laioOnTheEpollBaseKeepsTheLedger() {
        soak(SoakRun.Backend.EPOLL, 3);
    }

    private static void soak(SoakRun.Backend backend, long salt) {
        long seed = SEED * 0x9E3779B97F4A7C15L + salt;
        long calls = Math.max(1, CALLS / 3);
        SoakRun run = new SoakRun(backend, seed, calls, DIR);
        String again = "-Dlaio.soak.seed=" + SEED + " -Dlaio.soak.calls=" + CALLS + " (" + backend + ", derived seed " + seed + ")";
        LOG.info("[soak] " + backend + " starting: " + again);
        long t0 = System.nanoTime();
        Duration limit = Duration.ofSeconds(Long.getLong("laio.soak.timeoutSeconds", 600 + calls / 500));
        try {
            assertTimeoutPreemptively(limit, run::run, () -> "soak timed out; " + again + "\n" + run.figures() + "\n"
                    + run.traceDump());
        } catch (Exception e) {
            fail("soak threw; " + again + "\n" + run.failures + "\n" + run.traceDump(), e);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        LOG.info(String.format("[soak] %s %.1f s, %.0f calls/s: %s", backend, secs, run.totalCalls / secs, run.figures()));
        if (run.failed()) {
            fail(run.failures.size() + " ledger failures; rerun with " + again + ":\n  " + String.join("\n  ", run.failures)
                    + "\n" + run.figures() + "\n" + run.traceDump());
        }
    }
}
