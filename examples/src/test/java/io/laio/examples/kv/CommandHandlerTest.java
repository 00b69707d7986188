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

import io.laio.Laio;
import io.laio.event.Ev;
import io.laio.event.EventBase;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link CommandHandler} once its mutation log has failed. */
@Timeout(30)
class CommandHandlerTest {
    @TempDir
    Path dir;

    @Test
    void afterTheLogFailsEveryMutationIsRefusedAndReadsGoOn() throws Exception {
        Path file = dir.resolve("readonly");
        Files.write(file, new byte[0]);
        try (EventBase base = EventBase.create(); Laio laio = Laio.attach(base)) {
            int fd = (int) laio.open(file.toString(), 0 /* O_RDONLY */, 0); // write(2) on it fails with EBADF
            assertTrue(fd >= 0);
            GroupCommit log = new GroupCommit(base, laio, fd, SyncMode.ALWAYS);
            log.appendDelete("k");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!log.failed() && System.nanoTime() < deadline) {
                base.loop(Ev.LOOP_ONCE | Ev.LOOP_NONBLOCK);
            }
            assertTrue(log.failed());
            CommandHandler handler = new CommandHandler(new ItemStore(1 << 20), log, new KvStats(), 1 << 20);
            CommandParser parser = new CommandParser();
            String refused = "SERVER_ERROR mutation log failed\r\n";
            Request set = parse(parser, "set k 0 0 1");
            ReplyBuffer out = new ReplyBuffer();
            handler.store(set, "v".getBytes(StandardCharsets.ISO_8859_1), out);
            assertEquals(refused, text(out), "set");
            for (String line : new String[] {"delete k", "incr k 1", "decr k 1", "touch k 10", "flush_all"}) {
                out = new ReplyBuffer();
                handler.execute(parse(parser, line), out);
                assertEquals(refused, text(out), line);
            }
            out = new ReplyBuffer();
            handler.execute(parse(parser, "get k"), out);
            assertEquals("END\r\n", text(out), "reads are answered");
            log.close();
            laio.close(fd);
        }
    }

    private static Request parse(CommandParser parser, String line) {
        byte[] b = line.getBytes(StandardCharsets.ISO_8859_1);
        Request r = new Request();
        parser.parse(b, 0, b.length, r);
        return r;
    }

    private static String text(ReplyBuffer out) {
        ByteBuffer v = out.view(out.sendable(Long.MAX_VALUE));
        return StandardCharsets.ISO_8859_1.decode(v).toString();
    }
}
