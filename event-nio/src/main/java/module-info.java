/**
 * The {@link java.nio.channels.Selector} backend of the laio event loop: {@code Ev.READ} and
 * {@code Ev.WRITE} events on any {@link java.nio.channels.SelectableChannel}. On the module or
 * class path, {@link io.laio.event.EventBase#create()} picks it up by itself.
 */
module io.laio.event.nio {
    requires transitive io.laio.event;
    requires org.slf4j;

    exports io.laio.event.nio;

    provides io.laio.event.spi.BackendProvider with io.laio.event.nio.NioBackendProvider;
}
