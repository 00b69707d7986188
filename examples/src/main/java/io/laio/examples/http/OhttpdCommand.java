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

package io.laio.examples.http;

import io.laio.examples.Check;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ohttpd}: the thesis's tiny server, each operation sync or laio. */
@Command(name = "ohttpd", mixinStandardHelpOptions = true,
        description = "The thesis's tiny web server: accept, read, open, stat, write and sendfile each made as a plain "
                + "call or through lazy LAIO.")
public final class OhttpdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--laio", defaultValue = "all",
            description = "operations made through LAIO: all, none, or a list of accept,read,open,stat,write,sendfile "
                    + "(accept,read,write,sendfile is the thesis's networkonly); the rest are plain calls (default: ${DEFAULT-VALUE})")
    String laio;

    @Option(names = "--port", defaultValue = "8080", description = "port, 0..65535; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", converter = Check.AddressConverter.class, description = "IPv4 address to listen on (default: ${DEFAULT-VALUE})")
    InetAddress bind;

    @Option(names = "--root", description = "document root, an existing directory (default: a small embedded site)")
    Path root;

    @Override
    public Integer call() throws Exception {
        Check check = Check.of(spec);
        Set<OhttpdServer.Op> ops;
        try {
            ops = OhttpdServer.Op.parse(laio);
        } catch (IllegalArgumentException e) {
            throw check.fail("--laio " + laio + ": an unknown operation (all, none, or a list of accept, read, open, stat, "
                    + "write, sendfile)");
        }
        check.listenPort("--port", port);
        check.ipv4("--bind", bind, "ohttpd listens on a raw IPv4 socket; give an IPv4 address");
        check.directory("--root", root);
        OhttpdServer server;
        try {
            server = new OhttpdServer(bind, port, root, ops);
        } catch (IOException e) {
            throw Check.listenFailure(e, bind, port);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "ohttpd-shutdown"));
        System.out.println("listening on " + server.port());
        System.out.println("laio for " + (ops.isEmpty() ? "nothing" : ops) + ", plain calls for the rest");
        System.out.flush();
        server.run();
        return 0;
    }
}
