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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad command lines and failed start-ups: every sub-command answers with one line on stderr,
 * {@code laio-examples <command>: ...}, and a non-zero exit; never a stack trace, never a
 * silently wrong value. Run in-process through {@link Main#commandLine()}, as {@code main} runs them.
 */
@Timeout(60)
class CommandLineInputTest {
    @TempDir
    Path tmp;

    record Outcome(int exit, String out, String err) {
    }

    static Outcome run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int exit = cl.execute(args);
        return new Outcome(exit, o.toString(), e.toString());
    }

    /** Refused: a non-zero exit, one line naming the command and holding {@code what}, no stack trace. */
    static Outcome assertRefused(int exit, String what, String... args) {
        Outcome o = run(args);
        String cmd = String.join(" ", args);
        assertEquals(exit, o.exit(), () -> cmd + " exit code; stderr:\n" + o.err());
        String err = o.err().strip();
        assertFalse(err.contains("\n"), () -> cmd + ": more than one line:\n" + o.err());
        assertFalse(err.contains("\tat ") || err.contains("Exception"), () -> cmd + ": a stack trace or exception:\n" + o.err());
        assertTrue(err.startsWith("laio-examples " + args[args[0].startsWith("-") ? 1 : 0] + ": "), () -> cmd + ": " + err);
        assertTrue(err.contains(what), () -> cmd + ": lacks '" + what + "': " + err);
        assertEquals("", o.out(), () -> cmd + ": wrote to stdout");
        return o;
    }

    /** An unknown flag, a flag without its value, a number out of range: exit 2, one line. */
    static void assertUsageChecked(String command, String numberOption, String outOfRange, String... required) {
        List<String> base = new ArrayList<>(List.of(command));
        base.addAll(List.of(required));
        assertRefused(2, "Unknown option: '--frobnicate'", concat(base, "--frobnicate"));
        assertRefused(2, "Missing required parameter for option '" + numberOption + "'", concat(base, numberOption));
        assertRefused(2, numberOption, concat(base, numberOption, "many"));
        assertRefused(2, numberOption, concat(base, numberOption, outOfRange));
    }

    private static String[] concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void thttpd() {
        assertUsageChecked("thttpd", "--port", "70000");
        assertRefused(2, "--port must be in 0..65535, not 70000", "thttpd", "--port", "70000");
        assertRefused(2, "--port must be in 0..65535, not -1", "thttpd", "--mode", "nb-b", "--port", "-1");
        assertRefused(2, "--max-helpers must be in 1..4096", "thttpd", "--max-helpers", "0");
        assertRefused(2, "--max-connections must be at least -1", "thttpd", "--max-connections", "-2");
        assertRefused(2, "--max-request-buffers must be in 1..1024", "thttpd", "--max-request-buffers", "0");
        assertRefused(2, "--max-request-buffers must be in 1..1024", "thttpd", "--max-request-buffers", "1025");
        assertRefused(2, "--loops must be in 0..1024, not -1", "thttpd", "--loops", "-1");
        assertRefused(2, "--loops 8 is more than --max-helpers 4", "thttpd", "--loops", "8", "--max-helpers", "4");
        assertRefused(2, "--max-connections: a connection limit of 1 is below the 2 loops", "thttpd", "--loops", "2",
                "--max-connections", "1");
        assertRefused(2, "--max-request-buffers: a request buffer bound of 1 is below the 2 loops", "thttpd", "--loops", "2",
                "--max-request-buffers", "1");
        assertRefused(2, "'sideways' is not one of reuseport, handoff", "thttpd", "--accept", "sideways");
        assertRefused(2, "'20' is not a spin duration", "thttpd", "--helper-spin", "20");
        assertRefused(2, "'-5us' is not a spin duration", "thttpd", "--loop-spin", "-5us");
        assertRefused(2, "--loop-spin must be at most 10ms, not 11ms", "thttpd", "--loop-spin", "11ms");
        assertRefused(2, "--helper-spin must be at most 10ms, not 1s", "thttpd", "--helper-spin", "1s");
        assertRefused(2, "--spin-before-sleep must be at most 1ms, not 1001us", "thttpd", "--spin-before-sleep", "1001us");
        assertRefused(2, "--loops must be in 0..1024, not 5000", "echo", "--loops", "5000");
    }

    @Test
    void thttpdDurations() {
        assertRefused(2, "--idle-timeout must be longer than zero, not -5s", "thttpd", "--idle-timeout", "-5s");
        assertRefused(2, "--idle-timeout must be longer than zero", "thttpd", "--idle-timeout", "0");
        assertRefused(2, "--header-timeout must be longer than zero", "thttpd", "--header-timeout", "0ms");
        assertRefused(2, "--idle-timeout must be at most", "thttpd", "--idle-timeout", "1000h");
        assertRefused(2, "'5d' is not a duration", "thttpd", "--idle-timeout", "5d");
        assertRefused(2, "'soon' is not a duration", "thttpd", "--header-timeout", "soon");
        assertRefused(2, "'NaNs' is not a duration", "thttpd", "--header-timeout", "NaNs");
    }

    @Test
    void thttpdEnumsAndAddresses() {
        assertRefused(2, "'fast' is not one of nb-b, laio-laio, nb-laio, nb-amted", "thttpd", "--mode", "fast");
        assertRefused(2, "'maybe' is not one of on, off", "thttpd", "--keepalive", "maybe");
        // laio-laio's raw listener is IPv4 only: refused by name, not a stack trace from the socket code
        assertRefused(2, "--bind 0:0:0:0:0:0:0:1: --mode laio-laio listens on a raw IPv4 socket", "thttpd", "--bind", "::1");
        assertRefused(2, "--bind", "thttpd", "--bind", "no-such-host.invalid");
        assertRefused(2, "--root " + tmp.resolve("absent") + " does not exist", "thttpd", "--root", tmp.resolve("absent").toString());
    }

    @Test
    void ohttpd() {
        assertUsageChecked("ohttpd", "--port", "70000");
        // was: listened on 4464, LinuxAbi.sockaddrIn's cast to short
        assertRefused(2, "--port must be in 0..65535, not 70000", "ohttpd", "--port", "70000");
        assertRefused(2, "--port must be in 0..65535", "ohttpd", "--port", "65536");
        assertRefused(2, "--laio sometimes: an unknown operation", "ohttpd", "--laio", "sometimes");
        assertRefused(2, "raw IPv4 socket", "ohttpd", "--bind", "::1");
    }

    @Test
    void echo() {
        assertUsageChecked("echo", "--port", "70000");
        assertRefused(2, "--port must be in 0..65535, not 70000", "echo", "--port", "70000");
    }

    @Test
    void kv() throws IOException {
        Path dir = tmp.resolve("kv");
        assertUsageChecked("kv", "--port", "70000", "--dir", dir.toString());
        assertRefused(2, "--port must be in 0..65535, not 70000", "kv", "--dir", dir.toString(), "--port", "70000");
        assertRefused(2, "--memory must be in 1..", "kv", "--dir", dir.toString(), "--memory", "0");
        assertRefused(2, "--helper-spin must be at most 10ms, not 1s", "kv", "--dir", dir.toString(), "--helper-spin", "1s");
        assertRefused(2, "'5' is not a spin duration", "kv", "--dir", dir.toString(), "--loop-spin", "5");
        assertRefused(2, "--memory must be in 1..", "kv", "--dir", dir.toString(), "--memory", "9999999999999");
        assertRefused(2, "--max-item must be in 1..", "kv", "--dir", dir.toString(), "--max-item", "-1");
        assertRefused(2, "'sometimes' is not one of never, interval, always", "kv", "--dir", dir.toString(), "--sync", "sometimes");
        assertFalse(Files.exists(dir), "nothing is created for a refused command line");
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertRefused(2, "--dir " + file + " is not a directory", "kv", "--dir", file.toString());
        assertRefused(2, "cannot create it: Not a directory", "kv", "--dir", file.resolve("sub").toString());
    }

    @Test
    void loadgen() {
        assertUsageChecked("loadgen", "--port", "70000", "--workload", tmp.toString());
        assertRefused(2, "--port must be in 1..65535: 70000", "loadgen", "--workload", tmp.toString(), "--port", "70000");
        assertRefused(2, "--clients takes positive counts", "loadgen", "--workload", tmp.toString(), "--port", "80", "--clients", "0");
        assertRefused(2, "must be positive", "loadgen", "--workload", tmp.toString(), "--port", "80", "--timeout", "-1");
        assertRefused(2, "give --port", "loadgen", "--workload", tmp.toString());
        // a set-up failure (no trace there): one line too, naming the file and what is wrong with it
        assertRefused(2, tmp.resolve("trace.txt") + ": no such file", "loadgen", "--workload", tmp.toString(), "--port", "80");
    }

    @Test
    void workload() {
        String out = tmp.resolve("w").toString();
        assertUsageChecked("workload", "--scale", "5000", "--out", out);
        assertRefused(2, "--scale must be more than 0 and at most 1000, not 5000.0", "workload", "--out", out, "--scale", "5000");
        assertRefused(2, "--scale must be more than 0", "workload", "--out", out, "--scale", "0");
        assertRefused(2, "'boston' is not one of rice, berkeley", "workload", "--out", out, "--profile", "boston");
        assertRefused(2, "Missing required option: '--out=<out>'", "workload");
    }

    @Test
    void demo() {
        assertUsageChecked("demo", "--ticks", "0");
        assertRefused(2, "--ticks must be in 1..", "demo", "--ticks", "0"); // was: never exited
        assertRefused(2, "--ticks must be in 1..", "demo", "--ticks", "-3");
        assertRefused(2, "--interval-ms must be in 1..", "demo", "--interval-ms", "-1"); // was: a stack trace
        assertRefused(2, "--interval-ms must be in 1..", "demo", "--interval-ms", "0");
    }

    @Test
    void demoStillRuns() {
        Outcome o = run("demo", "--ticks", "2", "--interval-ms", "5");
        assertEquals(0, o.exit(), o::err);
    }

    @Test
    void theTopLevelCommandToo() {
        Outcome o = run("--frobnicate");
        assertEquals(2, o.exit());
        assertEquals(1, o.err().strip().lines().count(), o.err());
        assertTrue(o.err().startsWith("laio-examples: Unknown option: '--frobnicate'"), o.err());
        o = run("serve");
        assertEquals(2, o.exit());
        assertTrue(o.err().startsWith("laio-examples: Unmatched argument at index 0: 'serve'"), o.err());
    }

    @Test
    void helpListsTheEnumeratedValues() {
        assertTrue(help("thttpd").contains("--mode=<mode> I/O mode: nb-b, laio-laio, nb-laio, nb-amted"), help("thttpd"));
        assertTrue(help("thttpd").contains("on, off"), help("thttpd"));
        assertTrue(help("kv").contains("never, interval, always"), help("kv"));
        assertTrue(help("workload").contains("rice, berkeley"), help("workload"));
    }

    private static String help(String command) {
        Outcome o = run(command, "--help");
        assertEquals(0, o.exit());
        return o.out().replaceAll("\\s+", " ");
    }

    @Test
    void enumsTakeAnyCase() {
        // parsed, then refused for the port: the spelling itself was accepted
        assertRefused(2, "--port", "thttpd", "--mode", "NB-AMTED", "--port", "70000");
        assertRefused(2, "--port", "kv", "--dir", tmp.resolve("kv").toString(), "--sync", "Always", "--port", "70000");
    }

    @Test
    void aPortInUseIsOneLineAndExitOne() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            String inUse = "cannot listen on 127.0.0.1:" + port + ": the port is in use";
            assertRefused(1, inUse, "thttpd", "--mode", "nb-b", "--port", port);
            assertRefused(1, inUse, "thttpd", "--mode", "laio-laio", "--port", port);
            assertRefused(1, inUse, "ohttpd", "--port", port);
            assertRefused(1, inUse, "echo", "--port", port);
            assertRefused(1, inUse, "kv", "--dir", tmp.resolve("kv").toString(), "--port", port);
        }
    }

    @Test
    void debugAddsTheStackTrace() {
        Outcome o = run("--debug", "thttpd", "--port", "70000");
        assertEquals(2, o.exit());
        assertTrue(o.err().startsWith("laio-examples thttpd: --port must be in 0..65535"), o.err());
        assertTrue(o.err().contains("ParameterException") && o.err().contains("\tat "), o.err());
        o = run("demo", "--ticks", "0", "--debug");
        assertTrue(o.err().contains("\tat "), "--debug after the sub-command too: " + o.err());
    }

    @Test
    void failuresAreDescribedByWhatWentWrong() {
        assertEquals("/x/trace.txt: no such file or directory", Main.describe(new NoSuchFileException("/x/trace.txt")));
        assertEquals("/x: permission denied", Main.describe(new AccessDeniedException("/x")));
        assertEquals("/x: no such file or directory",
                Main.describe(new UncheckedIOException(new NoSuchFileException("/x"))));
        assertEquals("NullPointerException", Main.describe(new NullPointerException()));
        assertEquals("bad; worse", Main.describe(new IOException("bad\nworse")));
        assertNotEquals("", Main.describe(new RuntimeException(new IOException("inner"))));
    }
}
