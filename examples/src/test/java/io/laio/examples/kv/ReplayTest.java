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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The mutation log is replayed at start: state, flags, cas and expiry survive a restart. */
@Timeout(60)
class ReplayTest {
    @TempDir
    Path dir;

    private Path logFile() {
        return dir.resolve(MutationLog.FILE);
    }

    /** Keys are logged and replayed as bytes: a binary key's set, touch and delete come back as they were. */
    @Test
    void binaryKeysSurviveARestart() throws Exception {
        String kept = KvProtocolTest.binaryKey(250, 0);
        String deleted = KvProtocolTest.binaryKey(250, 100);
        String touched = KvProtocolTest.binaryKey(17, 200);
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            c.call("set " + kept + " 5 0 1\r\nk\r\n", "STORED");
            c.call("set " + deleted + " 0 0 1\r\nd\r\n", "STORED");
            c.call("delete " + deleted + "\r\n", "DELETED");
            c.call("set " + touched + " 0 0 1\r\nt\r\n", "STORED");
            c.call("touch " + touched + " -1\r\n", "TOUCHED");
        }
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            c.call("get " + deleted + " " + touched + " " + kept + "\r\n", "VALUE " + kept + " 5 1", "k", "END");
        }
    }

    @Test
    void everyKindOfMutationSurvivesARestart() throws Exception {
        long casBefore;
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            c.set("flushed", "x");
            c.call("flush_all\r\n", "OK");
            c.call("set a 17 0 5\r\nhello\r\n", "STORED");
            c.set("b", "gone");
            c.call("delete b\r\n", "DELETED");
            c.set("n", "41");
            c.call("incr n 1\r\n", "42");
            c.set("d", "9");
            c.call("decr d 10\r\n", "0");
            c.set("ap", "b");
            c.call("append ap 0 0 1\r\nc\r\n", "STORED");
            c.call("prepend ap 0 0 1\r\na\r\n", "STORED");
            c.set("t", "touched");
            c.call("touch t -1\r\n", "TOUCHED");
            c.call("set ex 0 1 1\r\nx\r\n", "STORED");
            c.call("set keep 0 1000 1\r\nk\r\n", "STORED");
            c.set("rep", "1");
            c.call("replace rep 3 0 1\r\n2\r\n", "STORED");
            c.send("set nr 0 0 2 noreply\r\nnr\r\n");
            c.send("gets a\r\n");
            casBefore = Long.parseLong(c.line().split(" ")[4]);
            c.expect("hello", "END");
        }
        Thread.sleep(1100); // "ex" expires meanwhile
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            assertTrue(s.server().replayedRecords() >= 15, "replayed " + s.server().replayedRecords());
            c.call("gets a\r\n", "VALUE a 17 5 " + casBefore, "hello", "END");
            c.call("get flushed b t ex\r\n", "END");
            assertEquals("42", c.get("n"));
            assertEquals("0", c.get("d"));
            assertEquals("abc", c.get("ap"));
            assertEquals("k", c.get("keep"));
            assertEquals("nr", c.get("nr"));
            c.call("get rep\r\n", "VALUE rep 3 1", "2", "END");
            c.set("a", "new");
            c.send("gets a\r\n");
            long casAfter = Long.parseLong(c.line().split(" ")[4]);
            assertTrue(casAfter > casBefore, "cas values keep growing across restarts");
        }
    }

    @Test
    void aDelayedFlushIsReplayed() throws Exception {
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            c.set("before", "x");
            c.call("flush_all 1\r\n", "OK");
        }
        Thread.sleep(1100);
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            assertNull(c.get("before"));
        }
    }

    @Test
    void aTornTailIsCutOffAndLaterMutationsAreKept() throws Exception {
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS); KvClient c = s.client()) {
            c.set("k1", "v1").set("k2", "v2");
        }
        long good = Files.size(logFile());
        // a crash in the middle of a record: a length that promises more than is there
        Files.write(logFile(), new byte[] {0, 0, 0, 50, 1, 2, 3, 4, 1, 0, 0}, StandardOpenOption.APPEND);
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS); KvClient c = s.client()) {
            assertEquals(2, s.server().replayedRecords());
            assertEquals(good, Files.size(logFile()), "the torn record was cut off");
            assertEquals("v1", c.get("k1"));
            c.set("k3", "v3");
        }
        // and a corrupt record (bad checksum) ends the replay the same way
        byte[] bytes = Files.readAllBytes(logFile());
        bytes[bytes.length - 3] ^= 0x55;
        Files.write(logFile(), bytes);
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS); KvClient c = s.client()) {
            assertEquals(2, s.server().replayedRecords());
            assertEquals("v2", c.get("k2"));
            assertNull(c.get("k3"));
            c.set("k4", "v4");
        }
        try (KvTestServer s = new KvTestServer(dir, SyncMode.ALWAYS); KvClient c = s.client()) {
            assertEquals(3, s.server().replayedRecords());
            assertEquals("v4", c.get("k4"));
        }
    }

    @Test
    void compactionRewritesTheLogWithOnlyTheLiveItems() throws Exception {
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            for (int i = 0; i < 300; i++) {
                c.set("hot", "value-" + i);
                c.set("tmp" + (i % 10), "t");
            }
            for (int i = 0; i < 10; i++) {
                c.call("delete tmp" + i + "\r\n", "DELETED");
            }
            c.set("stay", "s");
        }
        long before = Files.size(logFile());
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER, 64L << 20, 1 << 20, true); KvClient c = s.client()) {
            assertEquals(611, s.server().replayedRecords());
            assertEquals("value-299", c.get("hot"));
            c.set("after", "a");
        }
        long after = Files.size(logFile());
        assertTrue(after < before / 20, "compacted from " + before + " to " + after + " bytes");
        assertTrue(Files.notExists(dir.resolve(MutationLog.FILE + ".compact")));
        try (KvTestServer s = new KvTestServer(dir, SyncMode.NEVER); KvClient c = s.client()) {
            assertEquals(3, s.server().replayedRecords());
            assertEquals("value-299", c.get("hot"));
            assertEquals("s", c.get("stay"));
            assertEquals("a", c.get("after"));
            assertNull(c.get("tmp0"));
        }
    }
}
