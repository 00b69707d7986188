package io.laio.examples;

import io.laio.examples.demo.DemoCommand;
import io.laio.examples.echo.EchoCommand;
import io.laio.examples.http.OhttpdCommand;
import io.laio.examples.http.ThttpdCommand;
import io.laio.examples.kv.KvCommand;
import io.laio.examples.loadgen.LoadgenCommand;
import io.laio.examples.workload.WorkloadCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar laio-examples.jar <command> [options]}: the examples' one entry point. */
@Command(name = "laio-examples", mixinStandardHelpOptions = true, version = "laio examples 0.1.0",
        description = "Servers and tools built on laio's event loop.",
        subcommands = {
            ThttpdCommand.class,
            OhttpdCommand.class,
            LoadgenCommand.class,
            WorkloadCommand.class,
            EchoCommand.class,
            KvCommand.class,
            DemoCommand.class,
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
