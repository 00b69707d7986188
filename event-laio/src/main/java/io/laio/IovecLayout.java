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

package io.laio;

import java.lang.foreign.Arena;
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
    static final long SIZE = 16;
    private static final VarHandle LEN = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("iov_len"));

    private IovecLayout() {}

    static void set(MemorySegment iov, long base, long len) {
        BASE.set(iov, 0L, base);
        LEN.set(iov, 0L, len);
    }

    /** The caller's array of {@code count} iovecs at {@code address} (the kernel has accepted it). */
    @SuppressWarnings("restricted") // the caller passed this pointer to the call being probed
    static MemorySegment array(long address, long count) {
        return MemorySegment.ofAddress(address).reinterpret(count * SIZE);
    }

    /** The bytes all {@code count} iovecs of {@code array} describe. */
    static long total(MemorySegment array, long count) {
        long total = 0;
        for (long i = 0; i < count; i++) {
            total += (long) LEN.get(array, i * SIZE);
        }
        return total;
    }

    /**
     * A new array describing what is left of {@code array} once its first {@code done} bytes are
     * filled ({@code done} less than its total): the iovecs still untouched, the first of them
     * moved past the bytes already in it. Its length in iovecs is {@code byteSize() / SIZE}.
     * Allocated (auto arena): only a read that the page cache half answered needs one.
     */
    static MemorySegment rest(MemorySegment array, long count, long done) {
        long i = 0;
        long len;
        while ((len = (long) LEN.get(array, i * SIZE)) <= done) {
            done -= len;
            i++;
        }
        MemorySegment rest = Arena.ofAuto().allocate((count - i) * SIZE, 8);
        MemorySegment.copy(array, i * SIZE, rest, 0, rest.byteSize());
        set(rest, (long) BASE.get(rest, 0L) + done, len - done);
        return rest;
    }
}
