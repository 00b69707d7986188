package io.laio;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct iovec { void *iov_base; size_t iov_len; }} — 16 bytes on 64-bit Linux.
 */
final class IovecLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("iov_base"),
            ValueLayout.JAVA_LONG.withName("iov_len"));
    private static final VarHandle BASE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("iov_base"));
    private static final VarHandle LEN = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("iov_len"));

    private IovecLayout() {}

    static void set(MemorySegment iov, long base, long len) {
        BASE.set(iov, 0L, base);
        LEN.set(iov, 0L, len);
    }
}
