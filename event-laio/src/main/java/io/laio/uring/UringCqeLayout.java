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

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/** {@code struct io_uring_cqe} (16 bytes): {@code u64 user_data; s32 res; u32 flags}. */
final class UringCqeLayout {
    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("user_data"), ValueLayout.JAVA_INT.withName("res"),
            ValueLayout.JAVA_INT.withName("flags")).withName("io_uring_cqe");
    static final long SIZE = LAYOUT.byteSize();

    private static final VarHandle USER_DATA = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("user_data"));
    private static final VarHandle RES = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("res"));
    private static final VarHandle FLAGS = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("flags"));

    private UringCqeLayout() {}

    static long userData(MemorySegment cqes, long at) {
        return (long) USER_DATA.get(cqes, at);
    }

    /** Overwrites the user_data of a completion not yet consumed (ours until the head passes it). */
    static void setUserData(MemorySegment cqes, long at, long userData) {
        USER_DATA.set(cqes, at, userData);
    }

    /** The call's result: a value, or {@code -errno}. */
    static int res(MemorySegment cqes, long at) {
        return (int) RES.get(cqes, at);
    }

    static int flags(MemorySegment cqes, long at) {
        return (int) FLAGS.get(cqes, at);
    }
}
