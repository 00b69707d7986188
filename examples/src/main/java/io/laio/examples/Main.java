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

package io.laio.examples;

import io.laio.examples.demo.DemoCommand;
import io.laio.examples.echo.EchoCommand;
import io.laio.examples.http.OhttpdCommand;
import io.laio.examples.http.ThttpdCommand;
import io.laio.examples.kv.KvCommand;
import io.laio.examples.loadgen.LoadgenCommand;
import io.laio.examples.proxy.ProxyCommand;
import io.laio.examples.workload.WorkloadCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code java -jar laio-examples.jar <command> [options]}: the examples' one entry point.
 *
 * <p>Bad input and failures at start-up are answered with one line on stderr,
 * {@code laio-examples <command>: <message>}, and a non-zero exit: 2 for bad usage, 1 (loadgen: 2)
 * for a failure while running. {@code --debug}, or {@value #DEBUG_ENV}{@code =1} in the
 * environment, adds the stack trace.
 */
@Command(name = "laio-examples", mixinStandardHelpOptions = true, version = "laio examples 0.1.0",
        description = "Servers and tools built on laio's event loop.",
        subcommands = {
            ThttpdCommand.class,
            OhttpdCommand.class,
            LoadgenCommand.class,
            WorkloadCommand.class,
            EchoCommand.class,
            ProxyCommand.class,
            KvCommand.class,
            DemoCommand.class,
        })
public final class Main implements Runnable {
    /** Set to 1 (or anything but 0 or false) for stack traces with the one-line errors. */
    public static final String DEBUG_ENV = "LAIO_EXAMPLES_DEBUG";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace too (or set " + DEBUG_ENV + "=1).")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: what {@link #main} runs, and what tests should. */
    public static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setParameterExceptionHandler((e, args) -> badUsage(main, e));
        cl.setExecutionExceptionHandler((e, sub, parsed) -> failed(main, e, sub, parsed));
        return cl;
    }

    private static int badUsage(Main main, ParameterException e) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + oneLine(e.getMessage()) + " (see '" + name + " --help')");
        if (main.debugging()) {
            e.printStackTrace(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    private static int failed(Main main, Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean trace = main.debugging();
        String hint = trace || e instanceof IOException || e instanceof UncheckedIOException ? ""
                : " (--debug shows where)";
        err.println(cl.getCommandSpec().qualifiedName() + ": " + describe(e) + hint);
        if (trace) {
            e.printStackTrace(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnExecutionException();
    }

    private boolean debugging() {
        if (debug) {
            return true;
        }
        String env = System.getenv(DEBUG_ENV);
        return env != null && !env.isBlank() && !env.equals("0") && !env.equalsIgnoreCase("false");
    }

    /**
     * A failure in one line for a person: a file system error as its file and what went wrong
     * with it (not just the file's name, which is all some of them say), others by their message.
     */
    public static String describe(Throwable t) {
        if (t instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        if (t instanceof FileSystemException f) {
            String what = f.getReason() != null ? f.getReason()
                    : f instanceof NoSuchFileException ? "no such file or directory"
                    : f instanceof AccessDeniedException ? "permission denied"
                    : f instanceof FileAlreadyExistsException ? "already exists"
                    : f instanceof NotDirectoryException ? "not a directory"
                    : f instanceof DirectoryNotEmptyException ? "directory not empty"
                    : f.getClass().getSimpleName();
            String file = f.getFile() == null ? "" : f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile());
            return file.isEmpty() ? what : file + ": " + what;
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getCause() != null && t.getCause() != t ? describe(t.getCause()) : t.getClass().getSimpleName();
        }
        return oneLine(t instanceof IOException || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                ? m : t.getClass().getSimpleName() + ": " + m);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
