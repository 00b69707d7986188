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

package io.laio;

/**
 * Any blocking Java code, run through {@link Laio#call(BlockingOp)} like a system call: its
 * return value is the call's result. An exception it throws completes the call with {@code -1}
 * and {@link Errno#EIO}; the exception itself is {@link LaioHandle#exception()}.
 */
@FunctionalInterface
public interface BlockingOp {
    /**
     * Runs the blocking code: on the calling thread when the Laio's {@link LaioConfig#policy()}
     * is {@link Policy#INLINE}, else on a helper thread in the background.
     *
     * @return the call's result; {@code -1} is the failure convention (a background call that
     *         returns it counts in {@link LaioStats#errors(long)}), so return another value on
     *         success
     * @throws Exception anything: it completes the call with {@code -1} and {@link Errno#EIO}
     */
    long run() throws Exception;
}
