package io.laio;

/** How {@link Laio#syscall(long)} runs a call. */
public enum Policy {
    /**
     * The default: try the call without blocking (a non-blocking probe, or inline when the call
     * never blocks) and hand it to a background thread only when the kernel says it would block.
     */
    LAZY,
    /** Every call goes to a helper thread, as in liblaiogen; kept to reproduce the thesis. */
    EAGER,
    /** Plain synchronous calls on the caller's thread (the papers' NB-B baseline). */
    INLINE
}
