package io.laio;

import io.laio.event.spi.Backend;
import io.laio.event.spi.BackendProvider;
import java.io.IOException;

/**
 * The {@code "epoll"} backend ({@code EventBase.create("epoll")}): a loop that polls its own
 * epoll instance, on which a {@link Laio} attached to it waits for its sockets without a
 * thread. It watches no NIO channels, so it ranks below {@code "nio"} when
 * {@code EventBase.create()} chooses, and above the parking backend.
 */
public final class EpollBackendProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public EpollBackendProvider() {}

    @Override
    public String name() {
        return "epoll";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public Backend open() throws IOException {
        return new EpollBackend();
    }
}
