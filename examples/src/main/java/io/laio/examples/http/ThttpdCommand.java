package io.laio.examples.http;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "thttpd", description = "(not built yet)")
public final class ThttpdCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("thttpd: not built yet");
        return 2;
    }
}
