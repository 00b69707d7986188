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

package io.laio.internal.epoll;

import java.util.Arrays;

/**
 * The {@link EpollBackend}s of this process that keep entries ({@link KeptNumbers}), so that a
 * close through any {@code Laio} reaches every one of them: a socket accepted on one loop may be
 * handed to another loop and closed through that loop's {@code Laio}, and the loop that made it
 * must still delete its entry. A process has a few of them (one per loop), and a close that finds
 * none costs a volatile read.
 */
final class Keepers {
    private static final Object LOCK = new Object();
    private static volatile EpollBackend[] all = new EpollBackend[0];

    private Keepers() {}

    /** Loop thread of {@code b}, at its first kept number. */
    static void join(EpollBackend b) {
        synchronized (LOCK) {
            EpollBackend[] now = all;
            for (EpollBackend x : now) {
                if (x == b) {
                    return;
                }
            }
            EpollBackend[] more = Arrays.copyOf(now, now.length + 1);
            more[now.length] = b;
            all = more;
        }
    }

    /** {@code b} closes: its entries go with its epoll. */
    static void leave(EpollBackend b) {
        synchronized (LOCK) {
            EpollBackend[] now = all;
            for (int i = 0; i < now.length; i++) {
                if (now[i] == b) {
                    EpollBackend[] fewer = new EpollBackend[now.length - 1];
                    System.arraycopy(now, 0, fewer, 0, i);
                    System.arraycopy(now, i + 1, fewer, i, now.length - i - 1);
                    all = fewer;
                    return;
                }
            }
        }
    }

    /** Any thread: whether any backend keeps entries. */
    static boolean any() {
        return all.length != 0;
    }

    /** Any thread: one past the highest number any keeper could keep now (0 for none). */
    static long bound() {
        long b = 0;
        for (EpollBackend x : all) {
            b = Math.max(b, x.keptBound());
        }
        return b;
    }

    /** Any thread: {@link EpollBackend#closing} on every keeper; {@code mine} is the caller's loop's, if it is on that loop thread. */
    static void closing(int fd, EpollBackend mine) {
        for (EpollBackend b : all) {
            b.closing(fd, b == mine);
        }
    }
}
