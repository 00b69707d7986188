package io.laio.examples.http;

/**
 * The listening socket: accepts connections and hands each to the server. When accept fails
 * for want of descriptors ({@code EMFILE}, {@code ENFILE}) it stops accepting for a moment and
 * keeps serving the connections it has; at the server's connection limit it stops accepting
 * until a connection closes, leaving newcomers in the kernel's backlog. Loop thread only.
 */
interface Listener extends AutoCloseable {
    /** The port it listens on. */
    int port();

    /** Starts accepting on the loop. */
    void start();

    /** Accepts again after the server paused it at its connection limit ({@link ThttpdServer#full()}). */
    void resume();

    @Override
    void close();
}
