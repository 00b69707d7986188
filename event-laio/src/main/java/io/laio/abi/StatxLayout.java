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

/**
 * {@code struct statx} for {@code statx(2)} (256 bytes, the same on every architecture), its
 * request mask bits ({@code STATX_*}) and the file type bits of {@code stx_mode} ({@code S_IF*}).
 * The fields after {@code stx_mnt_id} are padding here.
 */
public final class StatxLayout {
    /** {@code struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; __s32 __reserved; }}. */
    public static final StructLayout TIMESTAMP = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"),
            ValueLayout.JAVA_INT.withName("tv_nsec"),
            ValueLayout.JAVA_INT.withName("__reserved"));
    /** The struct, by the kernel's field names. */
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("stx_mask"),
            ValueLayout.JAVA_INT.withName("stx_blksize"),
            ValueLayout.JAVA_LONG.withName("stx_attributes"),
            ValueLayout.JAVA_INT.withName("stx_nlink"),
            ValueLayout.JAVA_INT.withName("stx_uid"),
            ValueLayout.JAVA_INT.withName("stx_gid"),
            ValueLayout.JAVA_SHORT.withName("stx_mode"),
            MemoryLayout.paddingLayout(2),
            ValueLayout.JAVA_LONG.withName("stx_ino"),
            ValueLayout.JAVA_LONG.withName("stx_size"),
            ValueLayout.JAVA_LONG.withName("stx_blocks"),
            ValueLayout.JAVA_LONG.withName("stx_attributes_mask"),
            TIMESTAMP.withName("stx_atime"),
            TIMESTAMP.withName("stx_btime"),
            TIMESTAMP.withName("stx_ctime"),
            TIMESTAMP.withName("stx_mtime"),
            ValueLayout.JAVA_INT.withName("stx_rdev_major"),
            ValueLayout.JAVA_INT.withName("stx_rdev_minor"),
            ValueLayout.JAVA_INT.withName("stx_dev_major"),
            ValueLayout.JAVA_INT.withName("stx_dev_minor"),
            ValueLayout.JAVA_LONG.withName("stx_mnt_id"),
            MemoryLayout.paddingLayout(104));
    /** {@code sizeof(struct statx)}: 256. */
    public static final long SIZE = LAYOUT.byteSize();
    private static final VarHandle MODE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("stx_mode"));
    private static final VarHandle FILE_SIZE = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("stx_size"));
    private static final VarHandle MTIME_SEC = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("stx_mtime"),
            MemoryLayout.PathElement.groupElement("tv_sec"));

    /** Ask for the file type bits of {@code stx_mode}. */
    public static final int STATX_TYPE = 0x1;
    /** Ask for the permission bits of {@code stx_mode}. */
    public static final int STATX_MODE = 0x2;
    /** Ask for {@code stx_nlink}. */
    public static final int STATX_NLINK = 0x4;
    /** Ask for {@code stx_uid}. */
    public static final int STATX_UID = 0x8;
    /** Ask for {@code stx_gid}. */
    public static final int STATX_GID = 0x10;
    /** Ask for {@code stx_atime}. */
    public static final int STATX_ATIME = 0x20;
    /** Ask for {@code stx_mtime}. */
    public static final int STATX_MTIME = 0x40;
    /** Ask for {@code stx_ctime}. */
    public static final int STATX_CTIME = 0x80;
    /** Ask for {@code stx_ino}. */
    public static final int STATX_INO = 0x100;
    /** Ask for {@code stx_size}. */
    public static final int STATX_SIZE = 0x200;
    /** Ask for {@code stx_blocks}. */
    public static final int STATX_BLOCKS = 0x400;
    /** Everything {@code stat(2)} returns. */
    public static final int STATX_BASIC_STATS = 0x7ff;
    /** Ask for {@code stx_btime}. */
    public static final int STATX_BTIME = 0x800;

    /** The file type bits of a mode. */
    public static final int S_IFMT = 0170000;
    /** File type: socket. */
    public static final int S_IFSOCK = 0140000;
    /** File type: symbolic link. */
    public static final int S_IFLNK = 0120000;
    /** File type: regular file. */
    public static final int S_IFREG = 0100000;
    /** File type: block device. */
    public static final int S_IFBLK = 0060000;
    /** File type: directory. */
    public static final int S_IFDIR = 0040000;
    /** File type: character device. */
    public static final int S_IFCHR = 0020000;
    /** File type: FIFO (pipe). */
    public static final int S_IFIFO = 0010000;

    private StatxLayout() {}

    /** {@code stx_mode} (type and permission bits) of the statx at the start of {@code statx}, unsigned. */
    public static int mode(MemorySegment statx) {
        return Short.toUnsignedInt((short) MODE.get(statx, 0L));
    }

    /** {@code stx_size}, in bytes. */
    public static long size(MemorySegment statx) {
        return (long) FILE_SIZE.get(statx, 0L);
    }

    /** {@code stx_mtime.tv_sec}: the last modification, in seconds since the epoch. */
    public static long mtimeSeconds(MemorySegment statx) {
        return (long) MTIME_SEC.get(statx, 0L);
    }
}
