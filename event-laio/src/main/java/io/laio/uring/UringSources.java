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

package io.laio.uring;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The raw-descriptor source this backend watches: {@code io.laio.SocketFd}, the one the epoll
 * backend and LAIO's socket waits use, so a base on either backend takes the same sources. It is
 * package-private in {@code io.laio}; this package is in the same module, so a private lookup
 * reaches its {@code fd()} without making it public API (until the ABI package gives it a home).
 */
final class UringSources {
    private static final Class<?> SOCKET_FD;
    private static final MethodHandle FD;
    private static final MethodHandle NEW;

    static {
        try {
            SOCKET_FD = Class.forName("io.laio.SocketFd");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(SOCKET_FD, MethodHandles.lookup());
            FD = lookup.findVirtual(SOCKET_FD, "fd", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, Object.class));
            NEW = lookup.findConstructor(SOCKET_FD, MethodType.methodType(void.class, int.class))
                    .asType(MethodType.methodType(Object.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private UringSources() {}

    static boolean accepts(Object source) {
        return SOCKET_FD.isInstance(source);
    }

    /** A source for descriptor {@code fd}, equal to every other source of that number. */
    static Object source(int fd) {
        try {
            return (Object) NEW.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("new SocketFd", t);
        }
    }

    /** The descriptor number of an {@link #accepts accepted} source. */
    static int fd(Object source) {
        try {
            return (int) FD.invokeExact(source);
        } catch (Throwable t) {
            throw new IllegalStateException("SocketFd.fd()", t);
        }
    }
}
