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

/** {@code send(2)}/{@code recv(2)} flags ({@code MSG_*}, {@code <sys/socket.h>}). */
public final class MsgFlags {
    /** Out-of-band data. */
    public static final int MSG_OOB = 0x1;
    /** Receive without removing the data from the queue. */
    public static final int MSG_PEEK = 0x2;
    /** Send without a gateway. */
    public static final int MSG_DONTROUTE = 0x4;
    /** Receive: return the real length of a truncated datagram. */
    public static final int MSG_TRUNC = 0x20;
    /** This call only: non-blocking, {@code EAGAIN} instead of waiting. */
    public static final int MSG_DONTWAIT = 0x40;
    /** End of record. */
    public static final int MSG_EOR = 0x80;
    /** Receive: wait until the whole request is filled. */
    public static final int MSG_WAITALL = 0x100;
    /** Send: no {@code SIGPIPE} on a broken connection, only {@code EPIPE}. */
    public static final int MSG_NOSIGNAL = 0x4000;
    /** Send: more data follows (like {@code TCP_CORK} for one call). */
    public static final int MSG_MORE = 0x8000;

    private MsgFlags() {}
}
