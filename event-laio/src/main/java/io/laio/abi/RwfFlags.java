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

/** {@code preadv2(2)}/{@code pwritev2(2)} per-call flags ({@code RWF_*}, {@code <linux/fs.h>}). */
public final class RwfFlags {
    /** High-priority (polled) I/O. */
    public static final int RWF_HIPRI = 0x1;
    /** This write as with {@link OpenFlags#O_DSYNC}. */
    public static final int RWF_DSYNC = 0x2;
    /** This write as with {@link OpenFlags#O_SYNC}. */
    public static final int RWF_SYNC = 0x4;
    /** Fail with {@code EAGAIN} rather than wait (a read of uncached pages, a full pipe); laio's read and write probe. */
    public static final int RWF_NOWAIT = 0x8;
    /** This write appends, as with {@link OpenFlags#O_APPEND}. */
    public static final int RWF_APPEND = 0x10;

    private RwfFlags() {}
}
