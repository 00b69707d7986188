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

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Shows a run's progress on stderr: a console progress bar when stderr and stdout are
 * terminals, a plain line every few seconds when either is not (a log file gets no carriage returns, colour codes or
 * half-drawn frames), or nothing. Updated from a timer on the loop, never per request; the bar
 * renders on its own thread.
 */
final class Progress implements AutoCloseable {
    /** How often the plain lines come. */
    static final Duration LINE_EVERY = Duration.ofSeconds(5);

    private final ProgressBar bar;
    private final Lines lines;

    private Progress(ProgressBar bar, Lines lines) {
        this.bar = bar;
        this.lines = lines;
    }

    /**
     * A bar if {@code terminal}, else a line every {@link #LINE_EVERY} on {@code err}: the choice
     * {@link LoadgenCommand} makes with {@link #stderrIsTerminal()}.
     */
    static Progress of(String task, long total, boolean terminal, PrintWriter err) {
        return terminal ? bar(task, total) : lines(task, total, err, LINE_EVERY, System::nanoTime);
    }

    /** A bar named {@code task} counting to {@code total} requests, on stderr. */
    static Progress bar(String task, long total) {
        return new Progress(new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" req", 1)
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err, 110))
                .build(), null);
    }

    /**
     * A plain line on {@code out} at most once per {@code every} of {@code nanoClock}: the task,
     * requests done of {@code total}, the rate since the last line, errors.
     */
    static Progress lines(String task, long total, PrintWriter out, Duration every, LongSupplier nanoClock) {
        return new Progress(null, new Lines(task, total, out, every.toNanos(), nanoClock));
    }

    /** No progress shown. */
    static Progress none() {
        return new Progress(null, null);
    }

    /**
     * Whether the bar may be drawn: stderr, where it goes, is a terminal, and so is stdout (and
     * {@code TERM} is not {@code dumb}). Stdout counts too because a run whose results are
     * redirected ({@code > log 2>&1}, {@code | tee log}, a CI job, {@code nohup}) is being
     * logged: every frame of a bar would land in the log as carriage returns, colour codes and
     * "? req/s" placeholders, so it gets a plain line every {@link #LINE_EVERY} instead. On
     * Linux the answer comes from where fds 1 and 2 lead; elsewhere, from whether the JVM has an
     * interactive console (which needs both to be terminals).
     */
    static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        try {
            return isTerminal(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString())
                    && isTerminal(Files.readSymbolicLink(Path.of("/proc/self/fd/1")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            java.io.Console c = System.console();
            return c != null && c.isTerminal();
        }
    }

    /** Whether a file descriptor leading to {@code target} (its /proc/self/fd link) is a terminal. */
    static boolean isTerminal(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /** Whether this is the console bar (not plain lines, not nothing). */
    boolean drawsBar() {
        return bar != null;
    }

    void update(long done, long errors) {
        if (bar != null) {
            bar.stepTo(done);
            if (errors != 0) {
                bar.setExtraMessage(errors + " errors");
            }
        } else if (lines != null) {
            lines.update(done, errors);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    private static final class Lines {
        private final String task;
        private final long total;
        private final PrintWriter out;
        private final long everyNanos;
        private final LongSupplier clock;
        private long lastNanos;
        private long lastDone;

        Lines(String task, long total, PrintWriter out, long everyNanos, LongSupplier clock) {
            this.task = task;
            this.total = total;
            this.out = out;
            this.everyNanos = everyNanos;
            this.clock = clock;
            this.lastNanos = clock.getAsLong();
        }

        void update(long done, long errors) {
            long now = clock.getAsLong();
            long elapsed = now - lastNanos;
            if (elapsed < everyNanos) {
                return;
            }
            StringBuilder line = new StringBuilder(task).append(": ").append(done);
            if (total > 0) {
                line.append('/').append(total).append(" requests (")
                        .append(String.format(Locale.ROOT, "%.0f", 100.0 * done / total)).append(" %)");
            } else {
                line.append(" requests");
            }
            line.append(String.format(Locale.ROOT, ", %.0f req/s", (done - lastDone) * 1e9 / elapsed));
            if (errors != 0) {
                line.append(", ").append(errors).append(" errors");
            }
            out.println(line);
            out.flush();
            lastNanos = now;
            lastDone = done;
        }
    }
}
