package io.laio.event.nio;

import io.laio.event.spi.Backend;
import io.laio.event.spi.BackendProvider;
import java.io.IOException;

/** Registers {@link NioBackend} with {@link java.util.ServiceLoader}. */
public final class NioBackendProvider implements BackendProvider {
    /** For {@link java.util.ServiceLoader}. */
    public NioBackendProvider() {}

    @Override
    public String name() {
        return "nio";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Backend open() throws IOException {
        return new NioBackend();
    }
}
