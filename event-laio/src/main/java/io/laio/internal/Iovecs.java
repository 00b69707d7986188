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

package io.laio.internal;

import io.laio.abi.IovecLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A caller's iovec array seen through its address, and what is left of it after a partial read. */
public final class Iovecs {
    private Iovecs() {}

    /** The caller's array of {@code count} iovecs at {@code address} (the kernel has accepted it). */
    @SuppressWarnings("restricted") // the caller passed this pointer to the call being probed
    public static MemorySegment array(long address, long count) {
        return MemorySegment.ofAddress(address).reinterpret(count * IovecLayout.SIZE);
    }

    /**
     * A new array describing what is left of {@code array} once its first {@code done} bytes are
     * filled ({@code done} less than its total): the iovecs still untouched, the first of them
     * moved past the bytes already in it. Its length in iovecs is {@code byteSize() / SIZE}.
     * Allocated (auto arena): only a read that the page cache half answered needs one.
     */
    public static MemorySegment rest(MemorySegment array, long count, long done) {
        long i = 0;
        long len;
        while ((len = IovecLayout.len(array, i * IovecLayout.SIZE)) <= done) {
            done -= len;
            i++;
        }
        MemorySegment rest = Arena.ofAuto().allocate((count - i) * IovecLayout.SIZE, 8);
        MemorySegment.copy(array, i * IovecLayout.SIZE, rest, 0, rest.byteSize());
        IovecLayout.set(rest, IovecLayout.base(rest, 0) + done, len - done);
        return rest;
    }
}
