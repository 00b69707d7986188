package io.laio.event.spi;

/**
 * Work that other threads hand to a loop and the loop drains, such as completed LAIO calls.
 * Attached to a base with {@link Loops#attach}.
 *
 * <p>Before the loop sleeps it checks {@link #isEmpty()} of every attached source after
 * publishing that it is asleep, and each pass it calls {@link #drain}, so a producer that
 * enqueues and then calls the {@link Waker} is never left waiting.
 */
public interface LoopSource {
    /**
     * Loop thread: handles up to {@code max} items (typically by
     * {@link Loops#deliver activating events}).
     *
     * @return how many items were handled
     */
    int drain(int max);

    /** Any thread: whether {@link #drain} would find nothing right now. */
    boolean isEmpty();
}
