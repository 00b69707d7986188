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

package io.laio.examples.kv;

import java.util.Locale;

/** When the mutation log is made durable with {@code fsync}. */
public enum SyncMode {
    /** Never: a reply waits for the log write (the page cache); survives a process crash, not a power cut. */
    NEVER,
    /** About once a second, in the background; replies wait only for the write. */
    INTERVAL,
    /** Before every reply to a mutation, one fsync covering every mutation that arrived meanwhile (group commit). */
    ALWAYS;

    /** As given to {@code kv --sync}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
