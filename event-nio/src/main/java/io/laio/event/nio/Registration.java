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
