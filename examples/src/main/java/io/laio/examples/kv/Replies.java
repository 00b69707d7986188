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

/**
 * Where the protocol code puts a connection's replies: bytes in order, and points from which on
 * they must wait for a log record to be acknowledged ({@code --sync always}: a reply leaves only
 * once its mutation is durable).
 */
interface Replies {
    /** The bytes put from now on wait until {@code lsn} is acknowledged. */
    void awaitLsn(long lsn);

    void put(byte[] b);

    /** ASCII text. */
    void put(String s);

    void putLine(String s);

    void crlf();

    void putUnsigned(long v);
}
