package io.laio.event.spi;

/** Receives what a {@link Backend#poll} found; called on the loop thread, inside {@code poll}. */
public interface ReadySink {
    /**
     * The source registered with {@code attachment} is ready for {@code events} (an OR of
     * {@link io.laio.event.Ev#READ}, {@link io.laio.event.Ev#WRITE}, {@link io.laio.event.Ev#CLOSED}).
     */
    void ready(Object attachment, int events);

    /**
     * The source registered with {@code attachment} can no longer be watched (its channel was
     * closed); the base makes its events non-pending and they never fire.
     */
    void invalid(Object attachment);
}
