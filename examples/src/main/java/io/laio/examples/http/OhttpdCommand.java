package io.laio.examples.http;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "ohttpd", description = "(not built yet)")
public final class OhttpdCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("ohttpd: not built yet");
        return 2;
    }
}
