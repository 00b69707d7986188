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

/**
 * The one architecture check: which of the kernel's two 64-bit ABIs laio runs on. x86_64 has
 * its own system call numbers, a packed {@code epoll_event} and a few flags of its own
 * ({@link OpenFlags#O_DIRECTORY}, {@link OpenFlags#O_NOFOLLOW}, {@link OpenFlags#O_DIRECT});
 * aarch64 and riscv64 share the generic ones.
 */
public final class Arch {
    /** Whether the JVM runs on x86_64 ({@code os.arch} {@code amd64} or {@code x86_64}); else the generic ABI. */
    public static final boolean X86_64 = isX86(System.getProperty("os.arch", ""));

    private Arch() {}

    /** Whether {@code osArch} (a value of the {@code os.arch} property) names x86_64. */
    static boolean isX86(String osArch) {
        return osArch.equals("amd64") || osArch.equals("x86_64");
    }
}
