package io.laio.event.spi;

import java.io.IOException;

/**
 * Makes {@link Backend}s; found by {@link java.util.ServiceLoader} when
 * {@link io.laio.event.EventBase#create()} builds a base. The provider with the highest
 * {@link #priority()} wins; with none on the path the base uses a parking backend that runs
 * timers, tasks, signals and completions but watches no channels.
 */
public interface BackendProvider {
    /** A short name for logs, e.g. {@code "nio"}. */
    String name();

    /** Higher wins when several providers are present. */
    int priority();

    /** Opens a new backend for one base; called once per base, on the creating thread. */
    Backend open() throws IOException;
}
