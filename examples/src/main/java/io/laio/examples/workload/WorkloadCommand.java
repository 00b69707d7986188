package io.laio.examples.workload;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until its issue lands: says so and fails. */
@Command(name = "workload", description = "(not built yet)")
public final class WorkloadCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("workload: not built yet");
        return 2;
    }
}
