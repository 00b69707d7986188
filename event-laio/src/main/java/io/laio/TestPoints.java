package io.laio;

/**
 * Schedule injection for tests: named points between two steps of a racy protocol, where a
 * test may stop the thread that reaches them (park it on a latch, run the other side of the
 * race, let it go) so that a race becomes a deterministic test.
 *
 * <p>In production the hook is {@code null} and {@link #at} is one volatile read. Tests set
 * {@link #hook} and must reset it to {@code null} in a {@code finally}; the hook runs on the
 * thread that reached the point and must not throw. Point names are {@code Class.step}.
 */
final class TestPoints {
    /** SocketRetry: a retry would still block, and the call is about to go back to QUEUED. */
    static final String BEFORE_REQUEUE = "SocketRetry.beforeRequeue";
    /** SocketWaiter: about to wait on its epoll ({@link #fault} may fail that wait). */
    static final String BEFORE_AWAIT = "SocketWaiter.beforeAwait";

    /** What a test does at a point; receives the point's name. */
    interface Hook {
        void at(String point);
    }

    static volatile Hook hook;
    /**
     * A fault to inject at the next {@link #BEFORE_AWAIT}: an errno the socket waiter then treats
     * as the answer of {@code epoll_pwait}; 0 for none. Consumed once.
     */
    static volatile int fault;

    private TestPoints() {}

    static void at(String point) {
        Hook h = hook;
        if (h != null) {
            h.at(point);
        }
    }

    /** The injected errno for {@code point}, consumed; 0 (always, in production) for none. */
    static int takeFault() {
        int f = fault;
        if (f != 0) {
            fault = 0;
        }
        return f;
    }
}
