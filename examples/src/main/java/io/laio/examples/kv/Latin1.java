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

/** Copies text whose characters are all below 256 (keys, numbers, replies) into bytes, one per char. */
final class Latin1 {
    private Latin1() {}

    static void copy(String s, byte[] dst, int at) {
        for (int i = 0, n = s.length(); i < n; i++) {
            dst[at + i] = (byte) s.charAt(i);
        }
    }
}
