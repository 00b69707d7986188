package io.laio.examples.loadgen;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Shows a run's progress: a console progress bar on stderr, or nothing. Updated from a timer
 * on the loop, never per request; the bar renders on its own thread.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
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
                .build());
    }

    /** No progress shown. */
    static Progress none() {
        return new Progress(null);
    }

    void update(long done, long errors) {
        if (bar != null) {
            bar.stepTo(done);
            if (errors != 0) {
                bar.setExtraMessage(errors + " errors");
            }
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
