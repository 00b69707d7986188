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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The descriptor numbers whose epoll entries an {@link EpollBackend} keeps between waits: numbers
 * laio made on the loop thread (an accepted or new socket) for a {@code Laio} whose application
 * closes them only through laio. A close through laio takes the number out, on any thread, so
 * the loop learns of it before the number can name another file.
 *
 * <p>One bit per number below {@link #CAPACITY}, made at the first {@link #add}; a number at or
 * above it is never kept (its waits re-arm one-shot entries, as every other number's do). The
 * bits are set on the loop thread and cleared on any: a clear is an atomic and-not, and a set
 * an atomic or, so neither loses the other's bit of the same word.
 */
final class KeptNumbers {
    /** Numbers kept at most: 8 KiB of bits per base that keeps any. */
    static final int CAPACITY = 1 << 16;
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TABLE;

    static {
        try {
            TABLE = MethodHandles.lookup().findVarHandle(KeptNumbers.class, "table", long[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Null until a number is kept: a base that keeps none pays nothing. */
    @SuppressWarnings("unused") // accessed through TABLE
    private volatile long[] table;

    /** Loop thread: keeps {@code fd}; false (and nothing kept) when it is at or above {@link #CAPACITY}. */
    boolean add(int fd) {
        if (fd < 0 || fd >= CAPACITY) {
            return false;
        }
        long[] t = (long[]) TABLE.getAcquire(this);
        if (t == null) {
            t = new long[CAPACITY / 64];
            TABLE.setRelease(this, t);
        }
        WORDS.getAndBitwiseOr(t, fd >>> 6, 1L << fd);
        return true;
    }

    /** Any thread: whether {@code fd} is kept. */
    boolean contains(int fd) {
        long[] t = (long[]) TABLE.getAcquire(this);
        return t != null && fd >= 0 && fd < CAPACITY && ((long) WORDS.getVolatile(t, fd >>> 6) & (1L << fd)) != 0;
    }

    /** Any thread: stops keeping {@code fd}; whether it was kept. */
    boolean remove(int fd) {
        long[] t = (long[]) TABLE.getAcquire(this);
        if (t == null || fd < 0 || fd >= CAPACITY) {
            return false;
        }
        long bit = 1L << fd;
        return ((long) WORDS.getAndBitwiseAnd(t, fd >>> 6, ~bit) & bit) != 0;
    }
}
