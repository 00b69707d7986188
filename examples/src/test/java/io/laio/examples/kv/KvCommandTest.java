package io.laio.examples.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.examples.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class KvCommandTest {
    @TempDir
    Path dir;

    @Test
    void helpNamesEveryOption() {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("kv", "--help"));
        for (String opt : new String[] {"--port", "--dir", "--memory", "--max-item", "--sync", "--compact"}) {
            assertTrue(out.toString().contains(opt), () -> "help lacks " + opt + ":\n" + out);
        }
    }

    @Test
    void anUnknownSyncModeIsRefused() {
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, cl.execute("kv", "--dir", dir.toString(), "--sync", "sometimes"));
        assertEquals(2, cl.execute("kv", "--dir", dir.toString(), "--memory", "0"));
    }
}
