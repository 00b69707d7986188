package io.laio;

/**
 * A reusable slot that {@link Laio#poll} fills with one completed background call. Allocate an
 * array of them once and pass it to every poll: nothing is allocated per completion.
 */
public final class LaioCompletion {
    private LaioHandle handle;
    private long returnValue;
    private int errno;

    public LaioCompletion() {}

    void fill(LaioHandle h) {
        handle = h;
        returnValue = h.result;
        errno = h.errno;
    }

    /** The handle {@link Laio#gethandle()} returned for the call. */
    public LaioHandle handle() {
        return handle;
    }

    /** The call's return value ({@code -1} on failure). */
    public long returnValue() {
        return returnValue;
    }

    /** The call's errno: 0 on success, {@link Errno#ECANCELED} if it was cancelled while queued. */
    public int errno() {
        return errno;
    }

    @Override
    public String toString() {
        return "LaioCompletion[" + handle + "]";
    }
}
