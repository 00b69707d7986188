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

package io.laio.buffer;

import java.io.IOException;

/**
 * A system call's failure as an exception, for {@link java.util.concurrent.CompletionStage}s
 * ({@link LaioStages}, {@link BufferEvent#whenConnected()}, {@link BufferEvent#whenFlushed()}): the
 * errno the kernel (or the connection) reported.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /**
     * An exception for {@code errno}.
     *
     * @param what  what failed
     * @param errno the errno ({@link io.laio.Errno})
     */
    public ErrnoException(String what, int errno) {
        super(what + ": errno " + errno);
        this.errno = errno;
    }

    /** The errno. @return the {@link io.laio.Errno} value */
    public int errno() {
        return errno;
    }
}
