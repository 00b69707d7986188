package io.laio;

import java.io.IOException;

/** An {@link IOException} that carries the errno of the system call that failed. */
final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    final int errno;

    ErrnoException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno));
        this.errno = errno;
    }
}
