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

/** {@code open(2)} flags ({@code O_*}, {@code <fcntl.h>}), with the running architecture's values. */
public final class OpenFlags {
    /** Open for reading only. */
    public static final int O_RDONLY = 0;
    /** Open for writing only. */
    public static final int O_WRONLY = 01;
    /** Open for reading and writing. */
    public static final int O_RDWR = 02;
    /** Create the file if it does not exist. */
    public static final int O_CREAT = 0100;
    /** With {@link #O_CREAT}: fail with {@code EEXIST} if it exists. */
    public static final int O_EXCL = 0200;
    /** A terminal does not become the controlling terminal. */
    public static final int O_NOCTTY = 0400;
    /** Truncate a regular file to length 0. */
    public static final int O_TRUNC = 01000;
    /** Every write appends. */
    public static final int O_APPEND = 02000;
    /** Non-blocking: calls that would wait fail with {@code EAGAIN} (no effect on regular files). */
    public static final int O_NONBLOCK = 04000;
    /** Writes wait for the data (not all metadata) to reach the device. */
    public static final int O_DSYNC = 010000;
    /** Bypass the page cache (x86_64 040000, generic 0200000). */
    public static final int O_DIRECT = Arch.X86_64 ? 040000 : 0200000;
    /** Fail with {@code ENOTDIR} unless the path is a directory (x86_64 0200000, generic 040000). */
    public static final int O_DIRECTORY = Arch.X86_64 ? 0200000 : 040000;
    /** Fail with {@code ELOOP} if the last component is a symbolic link (x86_64 0400000, generic 0100000). */
    public static final int O_NOFOLLOW = Arch.X86_64 ? 0400000 : 0100000;
    /** Do not update the access time. */
    public static final int O_NOATIME = 01000000;
    /** Close the descriptor on {@code execve}. */
    public static final int O_CLOEXEC = 02000000;
    /** Writes wait for data and metadata to reach the device ({@code __O_SYNC | O_DSYNC}). */
    public static final int O_SYNC = 04010000;
    /** A descriptor that only names a file (no reads or writes): for {@code *at} calls and {@code fstat}. */
    public static final int O_PATH = 010000000;
    /** An unnamed temporary file in the given directory ({@code __O_TMPFILE | O_DIRECTORY}). */
    public static final int O_TMPFILE = 020000000 | O_DIRECTORY;

    private OpenFlags() {}
}
