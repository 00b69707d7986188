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

package io.laio.internal.route;

/**
 * What a probe answers, in one {@code long} (nothing allocated on the inline path): either the
 * call's own result ({@code >= 0}, or {@code -1} with the thread's errno set), or "would block",
 * carrying the bytes the probe already moved (the rest continues in the background, reported as
 * the total) and whether the wait would be for the disk rather than the socket.
 *
 * <pre>
 *  63      62..49      48          47 .. 0
 *  | 1 |    0     | file miss |  bytes done  |     would block
 * </pre>
 *
 * A system call's result is never below {@code -1}, so every would-block value, at least
 * {@link Long#MIN_VALUE} and below {@code MIN_VALUE + 2^49}, is told apart from every result.
 */
public final class ProbeOutcome {
    /** Would block, nothing moved, the wait is for whatever the call waits on. */
    public static final long WOULD_BLOCK = Long.MIN_VALUE;
    private static final long FILE_MISS = 1L << 48;
    private static final long DONE_MASK = FILE_MISS - 1;

    private ProbeOutcome() {}

    /** Would block after {@code done} bytes (less than 2^48) were moved. */
    public static long partial(long done) {
        return WOULD_BLOCK | done;
    }

    /** Would block on the disk (an uncached file range), not on the descriptor's readiness. */
    static long fileMiss() {
        return WOULD_BLOCK | FILE_MISS;
    }

    /** Would block on the disk after {@code done} bytes (less than 2^48) were moved: the rest goes to a helper. */
    static long fileMiss(long done) {
        return WOULD_BLOCK | FILE_MISS | done;
    }

    /** Whether {@code outcome} says "would block" (else it is the call's result). */
    public static boolean wouldBlock(long outcome) {
        return outcome < WOULD_BLOCK + (FILE_MISS << 1);
    }

    /** The bytes a would-block outcome already moved. */
    public static long done(long outcome) {
        return outcome & DONE_MASK;
    }

    /** Whether a would-block outcome waits for the disk. */
    static boolean missedFile(long outcome) {
        return (outcome & FILE_MISS) != 0;
    }
}
