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

import java.io.IOException;

/**
 * How another thread wakes the loop blocked in {@code io_uring_enter}: by making a completion
 * appear on the loop's ring. Two ways, chosen when the backend opens ({@link UringBackend.Wake}):
 * an eventfd the ring reads ({@link UringEventfdWake}) or a message from a second ring
 * ({@link UringMsgRingWake}).
 *
 * <p>Threading: {@link #signal()} from any thread; the rest on the loop thread.
 */
interface UringWake extends AutoCloseable {
    /** Loop thread, before each wait: queues what must be in flight for a signal to complete something. */
    void beforeWait(UringRing ring) throws IOException;

    /** Loop thread: the completion tagged {@link UringBackend#WAKE} arrived with {@code res}. */
    void completed(int res);

    /** Any thread: makes a completion tagged {@link UringBackend#WAKE} appear on the loop's ring. */
    void signal();

    /** Loop thread, after the loop's ring is closed and no {@link #signal()} runs any more. */
    @Override
    void close();
}
