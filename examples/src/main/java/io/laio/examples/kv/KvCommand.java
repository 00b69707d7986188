package io.laio.examples.kv;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "kv", description = "(not built yet)")
public final class KvCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("kv: not built yet");
        return 2;
    }
}
