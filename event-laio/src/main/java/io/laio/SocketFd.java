package io.laio;

/** A descriptor as a readiness source of the {@link EpollBackend} (equal by number, as the kernel sees it). */
record SocketFd(int fd) {
}
