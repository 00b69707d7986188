package io.laio.examples.kv;

/** When the mutation log is made durable with {@code fsync}. */
public enum SyncMode {
    /** Never: a reply waits for the log write (the page cache); survives a process crash, not a power cut. */
    NEVER,
    /** About once a second, in the background; replies wait only for the write. */
    INTERVAL,
    /** Before every reply to a mutation, one fsync covering every mutation that arrived meanwhile (group commit). */
    ALWAYS;

    /** As given to {@code kv --sync}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
