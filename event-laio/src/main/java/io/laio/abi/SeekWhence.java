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

/** {@code lseek(2)}'s {@code whence} ({@code SEEK_*}, {@code <unistd.h>}). */
public final class SeekWhence {
    /** From the start of the file. */
    public static final int SEEK_SET = 0;
    /** From the current position ({@code lseek(fd, 0, SEEK_CUR)} reads it). */
    public static final int SEEK_CUR = 1;
    /** From the end of the file. */
    public static final int SEEK_END = 2;
    /** The next offset at or after the given one that holds data. */
    public static final int SEEK_DATA = 3;
    /** The next hole at or after the given offset. */
    public static final int SEEK_HOLE = 4;

    private SeekWhence() {}
}
