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

package io.laio.examples.http;

import io.laio.abi.AtFlags;
import io.laio.abi.MsgFlags;
import io.laio.abi.OpenFlags;
import io.laio.abi.OpenHowLayout;
import io.laio.abi.StatxLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The server's socket vocabulary ({@code AF_INET}, {@code SOCK_*}, {@code TCP_*},
 * {@code sockaddr_in}), which laio's {@link io.laio.abi} does not cover. The file vocabulary
 * ({@code O_*}, {@code RESOLVE_*}, {@code statx}, {@code open_how}) is {@link io.laio.abi}'s: the
 * names below that alias it are kept only for the classes that still spell them this way.
 */
final class LinuxAbi {
    static final int O_RDONLY = OpenFlags.O_RDONLY;
    static final int O_NOCTTY = OpenFlags.O_NOCTTY;
    static final int O_NONBLOCK = OpenFlags.O_NONBLOCK;
    static final int O_CLOEXEC = OpenFlags.O_CLOEXEC;
    static final int O_DIRECTORY = OpenFlags.O_DIRECTORY;
    static final int O_PATH = OpenFlags.O_PATH;
    static final long RESOLVE_NO_MAGICLINKS = OpenHowLayout.RESOLVE_NO_MAGICLINKS;
    static final long RESOLVE_BENEATH = OpenHowLayout.RESOLVE_BENEATH;
    static final int AT_EMPTY_PATH = AtFlags.AT_EMPTY_PATH;
    static final int STATX_TYPE = StatxLayout.STATX_TYPE;
    static final int STATX_MODE = StatxLayout.STATX_MODE;
    static final int STATX_MTIME = StatxLayout.STATX_MTIME;
    static final int STATX_SIZE = StatxLayout.STATX_SIZE;
    static final int S_IFMT = StatxLayout.S_IFMT;
    static final int S_IFREG = StatxLayout.S_IFREG;
    static final int S_IFDIR = StatxLayout.S_IFDIR;
    static final long OPEN_HOW_SIZE = OpenHowLayout.SIZE;
    static final int MSG_NOSIGNAL = MsgFlags.MSG_NOSIGNAL;

    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = OpenFlags.O_NONBLOCK;
    static final int SOCK_CLOEXEC = OpenFlags.O_CLOEXEC;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int TCP_CORK = 3;

    /** struct sockaddr_in. */
    static final long SOCKADDR_IN_SIZE = 16;

    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private LinuxAbi() {}

    static void openHow(MemorySegment how, long flags, long resolve) {
        OpenHowLayout.set(how, flags, 0, resolve);
    }

    static int statxMode(MemorySegment stx) {
        return StatxLayout.mode(stx);
    }

    static long statxSize(MemorySegment stx) {
        return StatxLayout.size(stx);
    }

    static long statxMtimeSeconds(MemorySegment stx) {
        return StatxLayout.mtimeSeconds(stx);
    }

    static void sockaddrIn(MemorySegment sa, byte[] ipv4, int port) {
        sa.fill((byte) 0);
        sa.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
        sa.set(SHORT_BE, 2, (short) port);
        MemorySegment.copy(ipv4, 0, sa, ValueLayout.JAVA_BYTE, 4, 4);
    }

    static int sockaddrInPort(MemorySegment sa) {
        return Short.toUnsignedInt(sa.get(SHORT_BE, 2));
    }
}
