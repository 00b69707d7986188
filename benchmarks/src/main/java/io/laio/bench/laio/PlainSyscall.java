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

package io.laio.bench.laio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/** The baseline the laio benchmarks measure against: libc's {@code syscall(nr, a1, a2, a3, a4)} bound directly, no errno capture. */
final class PlainSyscall {
    /** {@code long syscall(long nr, long a1, long a2, long a3, long a4)}. */
    static final MethodHandle FOUR = bind(4);
    /** {@code long syscall(long nr, long a1, long a2, long a3)}. */
    static final MethodHandle THREE = bind(3);

    private PlainSyscall() {}

    /** libc's {@code syscall} taking {@code args} longs after the number, with {@code options} added (e.g. errno capture). */
    @SuppressWarnings("restricted") // the baseline binds libc directly
    static MethodHandle bind(int args, Linker.Option... options) {
        ValueLayout[] params = new ValueLayout[args + 1];
        Arrays.fill(params, ValueLayout.JAVA_LONG);
        Linker.Option[] all = Arrays.copyOf(options, options.length + 1);
        all[options.length] = Linker.Option.firstVariadicArg(1);
        return Linker.nativeLinker().downcallHandle(Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, params), all);
    }
}
