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

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The Linux constants and struct layouts the server passes to system calls, for x86_64 and aarch64 (the same but where noted). */
final class LinuxAbi {
    static final int O_RDONLY = 0;
    static final int O_NOCTTY = 0400;
    static final int O_NONBLOCK = 04000;
    static final int O_CLOEXEC = 02000000;
    /** One of the few flags whose value differs: 040000 on aarch64 (where 0200000 is O_DIRECT). */
    static final int O_DIRECTORY = System.getProperty("os.arch", "").equals("aarch64") ? 040000 : 0200000;
    static final int O_PATH = 010000000;

    static final long RESOLVE_NO_MAGICLINKS = 0x02;
    static final long RESOLVE_BENEATH = 0x08;

    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_TYPE = 0x1;
    static final int STATX_MODE = 0x2;
    static final int STATX_MTIME = 0x40;
    static final int STATX_SIZE = 0x200;
    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;

    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 04000;
    static final int SOCK_CLOEXEC = 02000000;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int IPPROTO_TCP = 6;
    static final int TCP_NODELAY = 1;
    static final int TCP_CORK = 3;
    static final int MSG_NOSIGNAL = 0x4000;

    /** struct open_how: flags, mode, resolve (u64 each). */
    static final long OPEN_HOW_SIZE = 24;
    /** struct statx is 256 bytes; the fields read are below. */
    static final long STATX_SIZE_BYTES = 256;
    /** struct sockaddr_in. */
    static final long SOCKADDR_IN_SIZE = 16;

    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private LinuxAbi() {}

    static void openHow(MemorySegment how, long flags, long resolve) {
        how.set(ValueLayout.JAVA_LONG, 0, flags);
        how.set(ValueLayout.JAVA_LONG, 8, 0);
        how.set(ValueLayout.JAVA_LONG, 16, resolve);
    }

    static int statxMode(MemorySegment stx) {
        return Short.toUnsignedInt(stx.get(ValueLayout.JAVA_SHORT, 28));
    }

    static long statxSize(MemorySegment stx) {
        return stx.get(ValueLayout.JAVA_LONG, 40);
    }

    static long statxMtimeSeconds(MemorySegment stx) {
        return stx.get(ValueLayout.JAVA_LONG, 112);
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
