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

package io.laio.event.nio;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * One watched channel: the key the base holds. The selection key underneath can change (when
 * the selector is rebuilt), the registration does not.
 */
final class Registration {
    final SelectableChannel channel;
    Object attachment; // null while parked: registered with no interest, for the channel's next event
    SelectionKey key;
    int interest; // Ev flags
    int index;    // position in NioBackend's list, for O(1) removal

    Registration(SelectableChannel channel, Object attachment) {
        this.channel = channel;
        this.attachment = attachment;
    }
}
