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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The parts of {@code struct statx} (256 bytes, the same on every architecture) that probes
 * read: {@code stx_mode} at 0x1C and {@code stx_size} at 0x28.
 */
final class StatxLayout {
    static final long SIZE = 256;
    static final long STX_MODE = 0x1C;
    static final long STX_SIZE = 0x28;
    static final int STATX_TYPE = 0x1;
    static final int STATX_SIZE = 0x200;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;

    private StatxLayout() {}

    static int mode(MemorySegment statx) {
        return Short.toUnsignedInt(statx.get(ValueLayout.JAVA_SHORT_UNALIGNED, STX_MODE));
    }

    static long size(MemorySegment statx) {
        return statx.get(ValueLayout.JAVA_LONG_UNALIGNED, STX_SIZE);
    }
}
