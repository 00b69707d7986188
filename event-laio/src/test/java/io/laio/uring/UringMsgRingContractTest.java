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

import io.laio.event.EventBase;
import io.laio.event.contract.BackendContract;

/** The backend contract on the uring backend woken by {@code IORING_OP_MSG_RING} ({@code io.laio.uring.wake=msg_ring}). */
class UringMsgRingContractTest extends BackendContract {
    @Override
    protected EventBase newBase() {
        String before = System.getProperty("io.laio.uring.wake");
        System.setProperty("io.laio.uring.wake", "msg_ring");
        try {
            return EventBase.create("uring");
        } finally {
            if (before == null) {
                System.clearProperty("io.laio.uring.wake");
            } else {
                System.setProperty("io.laio.uring.wake", before);
            }
        }
    }

    @Override
    protected ReadableSource openReadable() {
        return UringTestFds.PipeSource.open();
    }
}
