/*
 * Copyright 2026 the laio authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.laio.abi;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/** {@code struct iovec { void *iov_base; size_t iov_len; }}: 16 bytes on 64-bit Linux. */
public final class IovecLayout {
    /** The struct: {@code iov_base} (an address), {@code iov_len}. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("iov_base"),
            ValueLayout.JAVA_LONG.withName("iov_len"));
    /** {@code sizeof(struct iovec)}: 16, the stride of an iovec array. */
    public static final long SIZE = LAYOUT.byteSize();
    private static final VarHandle BASE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("iov_base"));
    private static final VarHandle LEN = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("iov_len"));

    private IovecLayout() {}

    /** Fills the iovec at the start of {@code iov}: {@code len} bytes at address {@code base}. */
    public static void set(MemorySegment iov, long base, long len) {
        BASE.set(iov, 0L, base);
        LEN.set(iov, 0L, len);
    }

    /** Sets {@code iov_len} of the iovec at byte {@code offset} of {@code array}, its base left as it is. */
    public static void setLen(MemorySegment array, long offset, long len) {
        LEN.set(array, offset, len);
    }

    /** {@code iov_base} of the iovec at byte {@code offset} of {@code array}. */
    public static long base(MemorySegment array, long offset) {
        return (long) BASE.get(array, offset);
    }

    /** {@code iov_len} of the iovec at byte {@code offset} of {@code array}. */
    public static long len(MemorySegment array, long offset) {
        return (long) LEN.get(array, offset);
    }

    /** The bytes the first {@code count} iovecs of {@code array} describe. */
    public static long total(MemorySegment array, long count) {
        long total = 0;
        for (long i = 0; i < count; i++) {
            total += len(array, i * SIZE);
        }
        return total;
    }
}
