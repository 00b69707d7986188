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

/** The {@code *at} calls' directory argument and flags ({@code AT_*}, {@code <fcntl.h>}). */
public final class AtFlags {
    /** As a directory descriptor: the current working directory. */
    public static final int AT_FDCWD = -100;
    /** Do not follow a symbolic link in the last component. */
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** {@code unlinkat}: remove a directory. */
    public static final int AT_REMOVEDIR = 0x200;
    /** {@code faccessat}: check with the effective IDs. */
    public static final int AT_EACCESS = 0x200;
    /** {@code linkat}: follow a symbolic link in the source. */
    public static final int AT_SYMLINK_FOLLOW = 0x400;
    /** Do not trigger an automount of the last component. */
    public static final int AT_NO_AUTOMOUNT = 0x800;
    /** An empty path means the directory descriptor itself. */
    public static final int AT_EMPTY_PATH = 0x1000;
    /** {@code statx}: do what {@code stat} does about syncing with a remote server. */
    public static final int AT_STATX_SYNC_AS_STAT = 0;
    /** {@code statx}: always sync attributes with a remote server. */
    public static final int AT_STATX_FORCE_SYNC = 0x2000;
    /** {@code statx}: use the attributes the kernel has cached, never ask a remote server. */
    public static final int AT_STATX_DONT_SYNC = 0x4000;

    private AtFlags() {}
}
