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

package io.laio.event;

import java.util.ArrayList;

/**
 * The events pending on one channel, and that channel's one registration with the backend,
 * watching the OR of their interests. It is the attachment the backend reports readiness with.
 */
final class SourceRecord {
    final Object source;
    final ArrayList<Event> events = new ArrayList<>(2);
    Object key;
    int interest;

    SourceRecord(Object source) {
        this.source = source;
    }

    int combinedInterest() {
        int i = 0;
        for (int n = 0; n < events.size(); n++) {
            i |= events.get(n).events & (Ev.READ | Ev.WRITE | Ev.CLOSED);
        }
        return i;
    }
}
