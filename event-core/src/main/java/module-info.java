/**
 * The laio event loop: {@link io.laio.event.EventBase}, {@link io.laio.event.Event} and the
 * backend SPI that readiness backends ({@code io.laio.event.nio}) and completion sources
 * ({@code io.laio}) plug into.
 */
module io.laio.event {
    requires org.slf4j;
    requires org.jctools.core;
    requires jdk.unsupported;

    exports io.laio.event;
    exports io.laio.event.spi;

    uses io.laio.event.spi.BackendProvider;
}
