package io.laio;

/**
 * What the non-blocking probes learned per descriptor: DESIGN §7 measured a RWF_NOWAIT miss at
 * ~35–43 µs (it starts readahead before answering EAGAIN), far more than the call it saves, so a
 * descriptor whose probes keep missing is sent to the background without probing, re-probed
 * every {@value #REPROBE_EVERY}th call; and one whose filesystem refuses the probe
 * ({@code EOPNOTSUPP}) is not probed again until it is closed through laio.
 *
 * <p>The table is a hint shared by every calling thread without locks: a lost update costs one
 * probe more or less, never a wrong result (skipping a probe only means a plain call in the
 * background). A descriptor closed behind laio's back keeps its entry until laio closes that
 * number again; the worst case is, again, an unneeded hop.
 */
final class ProbeHistory {
    static final int MISSES_BEFORE_SKIP = 4;
    static final int REPROBE_EVERY = 16;
    private static final int SIZE = 1 << 16;
    private static final byte UNSUPPORTED = -1;

    private final byte[] misses = new byte[SIZE];
    private final byte[] skipped = new byte[SIZE];

    /** Whether to probe {@code fd} this time. */
    boolean shouldProbe(long fd) {
        if (fd < 0 || fd >= SIZE) {
            return true;
        }
        byte m = misses[(int) fd];
        if (m == UNSUPPORTED) {
            return false;
        }
        if (m < MISSES_BEFORE_SKIP) {
            return true;
        }
        int s = skipped[(int) fd] + 1;
        skipped[(int) fd] = (byte) (s % REPROBE_EVERY);
        return s % REPROBE_EVERY == 0;
    }

    void hit(long fd) {
        if (fd >= 0 && fd < SIZE && misses[(int) fd] > 0) {
            misses[(int) fd] = 0;
        }
    }

    void miss(long fd) {
        if (fd >= 0 && fd < SIZE) {
            byte m = misses[(int) fd];
            if (m != UNSUPPORTED && m < Byte.MAX_VALUE) {
                misses[(int) fd] = (byte) (m + 1);
            }
        }
    }

    void unsupported(long fd) {
        if (fd >= 0 && fd < SIZE) {
            misses[(int) fd] = UNSUPPORTED;
        }
    }

    /** The descriptor number was closed: whatever comes next under it is a new file. */
    void forget(long fd) {
        if (fd >= 0 && fd < SIZE) {
            misses[(int) fd] = 0;
            skipped[(int) fd] = 0;
        }
    }
}
