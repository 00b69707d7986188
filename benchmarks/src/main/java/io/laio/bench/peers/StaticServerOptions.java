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

package io.laio.bench.peers;

import java.io.File;
import picocli.CommandLine.Option;

/**
 * The options the static-file peers ({@link NettyStaticServer}, {@link VertxStaticServer}) share,
 * inherited by their picocli commands: where they listen, what they serve, the transport and the
 * number of event loops.
 */
abstract class StaticServerOptions {
    @Option(names = "--port", defaultValue = "8080", description = "TCP port on 127.0.0.1; 0 picks one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--root", required = true, description = "document root")
    File root;

    @Option(names = "--transport", defaultValue = "epoll", description = "epoll, io_uring or nio (default ${DEFAULT-VALUE})")
    String transport;

    @Option(names = "--loops", defaultValue = "1", description = "event loop threads (default ${DEFAULT-VALUE})")
    int loops;

    /** Whether --root is a directory; if not, says so on stderr. */
    boolean rootIsDirectory() {
        if (root.isDirectory()) {
            return true;
        }
        System.err.println("error: --root " + root + " is not a directory");
        return false;
    }
}
