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

package io.laio.internal;

import io.laio.Errno;
import java.io.IOException;

/** An {@link IOException} that carries the errno of the system call that failed. */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;

    public final int errno;

    public ErrnoException(String call, int errno) {
        super(call + " failed: " + Errno.name(errno));
        this.errno = errno;
    }
}
