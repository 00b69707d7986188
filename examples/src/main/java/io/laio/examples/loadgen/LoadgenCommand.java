package io.laio.examples.loadgen;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "loadgen", description = "(not built yet)")
public final class LoadgenCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("loadgen: not built yet");
        return 2;
    }
}
