package io.laio.examples.echo;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "echo", description = "(not built yet)")
public final class EchoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("echo: not built yet");
        return 2;
    }
}
