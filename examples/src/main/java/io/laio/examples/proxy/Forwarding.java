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

package io.laio.examples.proxy;

/** One proxied client connection, whatever moves its bytes: on the loop thread of its server. */
interface Forwarding {
    /** Starts reading the client and reaching the target; may close the connection before it returns. */
    void start();

    /** Closes both sides now; closing twice does nothing. */
    void close();

    /** Bytes the connection holds now, in buffers or pipes. @return the count */
    long buffered();
}
