package io.laio.event.spi;

/**
 * Wakes a loop after another thread has handed it work. Call it <em>after</em> publishing the
 * work (enqueue first, then wake): the loop's wake-up protocol then guarantees the work is seen,
 * and only a loop that is asleep or about to sleep is actually woken, so calling it per item
 * is cheap. Any thread.
 */
@FunctionalInterface
public interface Waker {
    void wakeup();
}
