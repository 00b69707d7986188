package io.laio.event;

/**
 * The code an {@link Event} runs when it becomes active. Always called on the loop thread of
 * the event's base.
 */
@FunctionalInterface
public interface EventCallback {
    /**
     * @param ev   the event that fired; for {@link Ev#LAIO} events {@link Event#result()} and
     *             {@link Event#error()} hold the completed call's outcome
     * @param what why it fired: the OR of the {@link Ev} flags that made it active
     * @param arg  the argument given to {@link Event#set}
     */
    void onEvent(Event ev, int what, Object arg);
}
