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

import io.laio.abi.OpenFlags;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The server's socket vocabulary ({@code AF_INET}, {@code SOCK_*}, {@code TCP_*},
 * {@code sockaddr_in}), which laio's {@link io.laio.abi} does not cover; the file vocabulary
 * ({@code O_*}, {@code RESOLVE_*}, {@code statx}, {@code open_how}) is imported from there.
 */
final class LinuxAbi {
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
