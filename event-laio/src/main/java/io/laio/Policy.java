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

/** How {@link Laio#syscall(long)} runs a call. */
public enum Policy {
    /**
     * The default: try the call without blocking (a non-blocking probe, or inline when the call
     * never blocks) and hand it to a background thread only when the kernel says it would block.
     */
    LAZY,
    /** Every call goes to a helper thread, as in liblaiogen; kept to reproduce the thesis. */
    EAGER,
    /** Plain synchronous calls on the caller's thread (the papers' NB-B baseline). */
    INLINE
}
