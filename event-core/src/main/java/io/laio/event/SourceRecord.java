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
