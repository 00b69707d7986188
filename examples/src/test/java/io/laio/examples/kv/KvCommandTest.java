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
        for (String opt : new String[] {"--port", "--dir", "--memory", "--max-item", "--sync", "--compact", "--loops", "--accept", "--pin"}) {
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

    @Test
    void loopsOutOfRangeAreRefusedBeforeAnythingStarts() {
        CommandLine cl = new CommandLine(new Main());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("kv", "--dir", dir.toString(), "--port", "0", "--loops", "-1"));
        assertEquals(2, cl.execute("kv", "--dir", dir.toString(), "--port", "0", "--loops", "1025"));
        assertEquals(2, cl.execute("kv", "--dir", dir.toString(), "--port", "0", "--accept", "sideways"));
        assertTrue(err.toString().contains("--loops"), err::toString);
    }
}
