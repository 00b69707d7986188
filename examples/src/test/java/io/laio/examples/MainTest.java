package io.laio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void helpListsEverySubcommand() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("--help"));
        for (String sub : new String[] {"thttpd", "ohttpd", "loadgen", "workload", "echo", "kv", "demo"}) {
            assertTrue(out.toString().contains(sub), () -> "help lacks " + sub + ":\n" + out);
        }
    }
}
