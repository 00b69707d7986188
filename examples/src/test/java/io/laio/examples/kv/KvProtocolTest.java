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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** memcached text-protocol conformance, over loopback with raw sockets: every command, every error. */
@Timeout(60)
@ParameterizedClass(name = "--io {0}")
@EnumSource(KvIo.class)
class KvProtocolTest {
    @TempDir
    static Path dir;
    static KvTestServer server;

    @Parameter
    KvIo io;

    @BeforeParameterizedClassInvocation
    static void start(KvIo io) throws Exception {
        server = new KvTestServer(dir.resolve(io.toString()), SyncMode.NEVER, io);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        server.close();
    }

    private static KvClient client() throws Exception {
        return server.client();
    }

    @Test
    void setThenGetReturnsTheValueWithItsFlags() throws Exception {
        try (KvClient c = client()) {
            c.call("set p1 42 0 5\r\nhello\r\n", "STORED");
            c.call("get p1\r\n", "VALUE p1 42 5", "hello", "END");
            c.call("set p1 4294967295 0 0\r\n\r\n", "STORED");
            c.call("get p1\r\n", "VALUE p1 4294967295 0", "", "END");
        }
    }

    @Test
    void getOfSeveralKeysReturnsTheHitsInOrderAndRepeats() throws Exception {
        try (KvClient c = client()) {
            c.set("mg1", "a").set("mg2", "bb");
            c.call("get mg1 missing mg2 mg1\r\n", "VALUE mg1 0 1", "a", "VALUE mg2 0 2", "bb", "VALUE mg1 0 1", "a", "END");
            c.call("get nothing-here\r\n", "END");
        }
    }

    @Test
    void getsReturnsACasThatChangesOnEveryStore() throws Exception {
        try (KvClient c = client()) {
            c.set("g1", "x");
            long cas1 = casOf(c, "g1");
            c.set("g1", "y");
            long cas2 = casOf(c, "g1");
            assertNotEquals(cas1, cas2);
            c.call("gets g1 g1\r\n", "VALUE g1 0 1 " + cas2, "y", "VALUE g1 0 1 " + cas2, "y", "END");
        }
    }

    private static long casOf(KvClient c, String key) throws Exception {
        c.send("gets " + key + "\r\n");
        String[] v = c.line().split(" ");
        c.line();
        c.expect("END");
        return Long.parseLong(v[4]);
    }

    @Test
    void addStoresOnlyAMissingKeyAndReplaceOnlyAnExistingOne() throws Exception {
        try (KvClient c = client()) {
            c.call("add ar1 0 0 1\r\na\r\n", "STORED");
            c.call("add ar1 0 0 1\r\nb\r\n", "NOT_STORED");
            c.call("replace ar2 0 0 1\r\nc\r\n", "NOT_STORED");
            c.call("replace ar1 7 0 1\r\nd\r\n", "STORED");
            c.call("get ar1 ar2\r\n", "VALUE ar1 7 1", "d", "END");
        }
    }

    @Test
    void appendAndPrependKeepTheFlagsAndNeedAnExistingKey() throws Exception {
        try (KvClient c = client()) {
            c.call("set ap 5 0 2\r\nbc\r\n", "STORED");
            c.call("append ap 9 0 1\r\nd\r\n", "STORED");
            c.call("prepend ap 9 0 1\r\na\r\n", "STORED");
            c.call("get ap\r\n", "VALUE ap 5 4", "abcd", "END");
            c.call("append ap-missing 0 0 1\r\nx\r\n", "NOT_STORED");
            c.call("prepend ap-missing 0 0 1\r\nx\r\n", "NOT_STORED");
        }
    }

    @Test
    void casStoresOnlyWithTheCurrentCas() throws Exception {
        try (KvClient c = client()) {
            c.set("cs", "v1");
            long cas = casOf(c, "cs");
            c.call("cas cs 0 0 2 " + (cas + 1000) + "\r\nzz\r\n", "EXISTS");
            c.call("cas cs 3 0 2 " + cas + "\r\nv2\r\n", "STORED");
            c.call("cas cs 0 0 2 " + cas + "\r\nv3\r\n", "EXISTS");
            c.call("cas cs-missing 0 0 1 1\r\nx\r\n", "NOT_FOUND");
            c.call("get cs\r\n", "VALUE cs 3 2", "v2", "END");
            c.call("cas cs 0 0 1 -1\r\nx\r\n", "CLIENT_ERROR bad command line format", "ERROR");
            c.call("cas cs 0 0 1\r\n", "ERROR");
        }
    }

    @Test
    void deleteAcceptsTheLegacyZeroAndRefusesOtherArguments() throws Exception {
        try (KvClient c = client()) {
            c.set("d1", "x").set("d2", "x");
            c.call("delete d1\r\n", "DELETED");
            c.call("delete d1\r\n", "NOT_FOUND");
            c.call("delete d2 0\r\n", "DELETED");
            c.call("delete d2 1\r\n", "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
            c.call("delete d2 x\r\n", "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]");
            c.call("delete\r\n", "ERROR");
            c.call("delete a b c d e\r\n", "ERROR");
            c.call("get d1 d2\r\n", "END");
        }
    }

    @Test
    void incrAndDecrFollowMemcachedArithmetic() throws Exception {
        try (KvClient c = client()) {
            c.set("n", "100");
            c.call("decr n 1\r\n", "99");
            c.call("get n\r\n", "VALUE n 0 3", "99 ", "END"); // rewritten in place, space padded
            c.call("incr n 1\r\n", "100");
            c.call("incr n 900\r\n", "1000");
            c.call("get n\r\n", "VALUE n 0 4", "1000", "END"); // grew
            c.call("decr n 5000\r\n", "0"); // never below zero
            c.set("n", "18446744073709551615");
            c.call("incr n 2\r\n", "1"); // wraps at 2^64
            c.call("incr n x\r\n", "CLIENT_ERROR invalid numeric delta argument");
            c.call("incr n -1\r\n", "CLIENT_ERROR invalid numeric delta argument");
            c.call("incr n 18446744073709551616\r\n", "CLIENT_ERROR invalid numeric delta argument");
            c.set("n", "abc");
            c.call("incr n 1\r\n", "CLIENT_ERROR cannot increment or decrement non-numeric value");
            c.set("n", " 12");
            c.call("incr n 1\r\n", "13");
            c.call("incr n-missing 1\r\n", "NOT_FOUND");
            c.call("decr n-missing 1\r\n", "NOT_FOUND");
            c.call("incr n\r\n", "ERROR");
        }
    }

    @Test
    void touchChangesTheExpiry() throws Exception {
        try (KvClient c = client()) {
            c.set("t1", "x");
            c.call("touch t1 -1\r\n", "TOUCHED");
            c.call("get t1\r\n", "END");
            c.call("touch t1 10\r\n", "NOT_FOUND");
            c.call("touch t1\r\n", "ERROR");
            c.call("touch t1 x\r\n", "CLIENT_ERROR invalid exptime argument");
            c.set("t2", "y");
            c.call("touch t2 100\r\n", "TOUCHED");
            c.call("get t2\r\n", "VALUE t2 0 1", "y", "END");
        }
    }

    @Test
    void exptimeIsRelativeUpToThirtyDaysThenAbsoluteAndNegativeMeansExpired() throws Exception {
        try (KvClient c = client()) {
            c.call("set e1 0 -1 1\r\nx\r\n", "STORED");
            c.call("set e2 0 1000000000 1\r\nx\r\n", "STORED"); // an absolute time in 2001
            long future = System.currentTimeMillis() / 1000 + 3600;
            c.call("set e3 0 " + future + " 1\r\nx\r\n", "STORED");
            c.call("set e4 0 1 1\r\nx\r\n", "STORED");
            c.call("set e5 0 2592000 1\r\nx\r\n", "STORED"); // exactly 30 days: still relative
            c.call("get e1 e2 e3 e4 e5\r\n", "VALUE e3 0 1", "x", "VALUE e4 0 1", "x", "VALUE e5 0 1", "x", "END");
            Thread.sleep(1100);
            c.call("get e4 e3\r\n", "VALUE e3 0 1", "x", "END");
        }
    }

    @Test
    void flushAllRemovesEverythingAndADelayedOneLater() throws Exception {
        // its own server: flush_all would disturb the other tests
        try (KvTestServer s = new KvTestServer(dir.resolve(io + "-flush"), SyncMode.NEVER, io); KvClient c = s.client()) {
            c.set("f1", "x");
            c.call("flush_all\r\n", "OK");
            c.call("get f1\r\n", "END");
            c.set("f2", "y");
            c.call("flush_all 1\r\n", "OK");
            c.call("get f2\r\n", "VALUE f2 0 1", "y", "END");
            Thread.sleep(1100);
            c.call("get f2\r\n", "END");
            c.set("f3", "z");
            c.call("flush_all noreply\r\nget f3\r\n", "END");
            c.call("flush_all x\r\n", "CLIENT_ERROR invalid exptime argument");
            c.call("flush_all 1 2 3\r\n", "ERROR");
        }
    }

    @Test
    void noreplySuppressesEveryReplyButTheCommandsStillRun() throws Exception {
        try (KvClient c = client()) {
            c.send("set nr 0 0 1 noreply\r\na\r\n"
                    + "add nr 0 0 1 noreply\r\nb\r\n"
                    + "append nr 0 0 1 noreply\r\nc\r\n"
                    + "prepend nr 0 0 1 noreply\r\nd\r\n"
                    + "replace nr2 0 0 1 noreply\r\ne\r\n"
                    + "set num 0 0 1 noreply\r\n5\r\n"
                    + "incr num 3 noreply\r\n"
                    + "decr num 1 noreply\r\n"
                    + "touch num 100 noreply\r\n"
                    + "set gone 0 0 1 noreply\r\nx\r\n"
                    + "delete gone noreply\r\n"
                    + "delete gone 0 noreply\r\n"
                    + "verbosity 1 noreply\r\n"
                    + "cas nr 0 0 1 1 noreply\r\nz\r\n"
                    + "set bad 0 0 1 noreply\r\nabc\r\n" // bad data chunk, suppressed; the CRLF left is an empty command
                    + "get nr num gone\r\n");
            c.expect("ERROR", "VALUE nr 0 3", "dac", "VALUE num 0 1", "7", "END");
            c.call("version\r\n", "VERSION " + CommandHandler.VERSION);
        }
    }

    @Test
    void versionVerbosityAndStats() throws Exception {
        try (KvClient c = client()) {
            c.call("version\r\n", "VERSION " + CommandHandler.VERSION);
            c.call("verbosity 1\r\n", "OK");
            c.call("verbosity\r\n", "ERROR");
            c.call("verbosity x\r\n", "CLIENT_ERROR bad command line format");
            c.call("verbosity a b c\r\n", "ERROR");
            Map<String, String> st = c.stats();
            assertEquals("never", st.get("log_sync"));
            assertTrue(Long.parseLong(st.get("curr_connections")) >= 1);
            assertTrue(st.containsKey("log_fsyncs") && st.containsKey("log_mutations") && st.containsKey("evictions"), st.toString());
            c.call("stats noreply\r\n", "ERROR");
            c.call("stats nonsense\r\n", "ERROR");
            c.call("stats reset\r\n", "RESET");
        }
    }

    @Test
    void quitClosesTheConnectionAfterTheRepliesBeforeIt() throws Exception {
        try (KvClient c = client()) {
            c.send("set q 0 0 1\r\nx\r\nget q\r\nquit\r\nget q\r\n");
            assertEquals("STORED\r\nVALUE q 0 1\r\nx\r\nEND\r\n", c.expectClosed());
        }
    }

    @Test
    void unknownCommandsAndWrongArgumentCountsAreErrors() throws Exception {
        try (KvClient c = client()) {
            c.call("bogus\r\n", "ERROR");
            c.call("GET x\r\n", "ERROR");
            c.call("\r\n", "ERROR");
            c.call("get\r\n", "ERROR");
            c.call("gets\r\n", "ERROR");
            c.call("set a 0 0\r\n", "ERROR");
            c.call("set a 0 0 1 1 1 1\r\nb\r\n", "ERROR", "ERROR");
            c.call("incr\r\n", "ERROR");
        }
    }

    @Test
    void keysUpTo250BytesAreAcceptedAndLongerOnesRefused() throws Exception {
        String ok = "k".repeat(250);
        String tooLong = "k".repeat(251);
        try (KvClient c = client()) {
            c.set(ok, "v");
            c.call("get " + ok + "\r\n", "VALUE " + ok + " 0 1", "v", "END");
            c.call("set " + tooLong + " 0 0 1\r\nv\r\n", "CLIENT_ERROR bad command line format", "ERROR");
            c.call("get " + ok + " " + tooLong + "\r\n", "CLIENT_ERROR bad command line format");
            c.call("delete " + tooLong + "\r\n", "CLIENT_ERROR bad command line format");
            c.call("incr " + tooLong + " 1\r\n", "CLIENT_ERROR bad command line format");
            c.call("touch " + tooLong + " 1\r\n", "CLIENT_ERROR bad command line format");
        }
    }

    /**
     * A key is its bytes: any byte but space, CR, LF and NUL, up to 250 of them, echoed back as
     * sent; keys differing only in their last byte, or one a prefix of the other, are different
     * items.
     */
    @Test
    void keysAreBinaryBytesUpTo250() throws Exception {
        String key = binaryKey(250, 0);
        String lastDiffers = key.substring(0, 249) + (char) (key.charAt(249) ^ 1);
        String prefix = key.substring(0, 249);
        try (KvClient c = client()) {
            c.call("set " + key + " 1 0 4\r\nfull\r\n", "STORED");
            c.call("set " + lastDiffers + " 2 0 4\r\nlast\r\n", "STORED");
            c.call("set " + prefix + " 3 0 6\r\nprefix\r\n", "STORED");
            c.call("get " + prefix + " " + key + " " + lastDiffers + "\r\n", "VALUE " + prefix + " 3 6", "prefix",
                    "VALUE " + key + " 1 4", "full", "VALUE " + lastDiffers + " 2 4", "last", "END");
            c.call("append " + key + " 0 0 1\r\n!\r\n", "STORED");
            c.call("touch " + key + " 1000\r\n", "TOUCHED");
            c.call("delete " + lastDiffers + "\r\n", "DELETED");
            c.call("get " + key + " " + lastDiffers + "\r\n", "VALUE " + key + " 1 5", "full!", "END");
            c.call("delete " + key + "\r\n", "DELETED");
            c.call("delete " + prefix + "\r\n", "DELETED");
        }
    }

    /** {@code length} bytes from 0x01 to 0xFF but for the protocol's separators, starting at {@code from}. */
    static String binaryKey(int length, int from) {
        StringBuilder b = new StringBuilder(length);
        for (int i = from; b.length() < length; i++) {
            char c = (char) (1 + i % 255);
            if (c != ' ' && c != '\r' && c != '\n') {
                b.append(c);
            }
        }
        return b.toString();
    }

    @Test
    void badNumbersInAStorageCommandAreClientErrorsAndItsDataIsReadAsACommand() throws Exception {
        try (KvClient c = client()) {
            c.call("set bn x 0 1\r\na\r\n", "CLIENT_ERROR bad command line format", "ERROR");
            c.call("set bn -1 0 1\r\na\r\n", "CLIENT_ERROR bad command line format", "ERROR");
            c.call("set bn 0 0 -1\r\na\r\n", "CLIENT_ERROR bad command line format", "ERROR");
            c.call("set bn 0 0 1a\r\na\r\n", "CLIENT_ERROR bad command line format", "ERROR");
            c.call("set bn 0 0 2147483646\r\n", "CLIENT_ERROR bad command line format");
            c.call("set bn 0 x 1\r\na\r\n", "CLIENT_ERROR bad command line format", "ERROR");
            c.call("set bn +0 0 01\r\na\r\n", "STORED");
            c.call("get bn\r\n", "VALUE bn 0 1", "a", "END");
        }
    }

    @Test
    void aDataBlockOfTheWrongLengthIsABadDataChunkAndTheRestIsReadAsCommands() throws Exception {
        try (KvClient c = client()) {
            c.set("bd", "old");
            c.call("set bd 0 0 3\r\nabcd\r\n", "CLIENT_ERROR bad data chunk", "ERROR");
            c.call("set bd 0 0 5\r\nabc\r\n\r\n", "STORED"); // the CRLF inside is data
            assertEquals("abc\r\n", c.get("bd"));
            c.call("set bd 0 0 1\r\nbXY", "CLIENT_ERROR bad data chunk");
            c.call("\r\n", "ERROR");
            assertEquals("abc\r\n", c.get("bd"));
        }
    }

    @Test
    void anOversizedValueIsSwallowedWithServerErrorAndASetDropsTheOldValue() throws Exception {
        byte[] big = new byte[(1 << 20) + 1];
        Arrays.fill(big, (byte) 'x');
        try (KvClient c = client()) {
            c.set("big", "old").set("big2", "old");
            c.send("set big 0 0 " + big.length + "\r\n").send(big).send("\r\n");
            c.expect("SERVER_ERROR object too large for cache");
            c.call("get big\r\n", "END");
            c.send("append big2 0 0 " + big.length + "\r\n").send(big).send("\r\n");
            c.expect("SERVER_ERROR object too large for cache");
            c.call("get big2\r\n", "VALUE big2 0 3", "old", "END");
            byte[] max = new byte[1 << 20];
            Arrays.fill(max, (byte) 'y');
            c.send("set big 0 0 " + max.length + "\r\n").send(max).send("\r\n").expect("STORED");
            c.send("get big\r\n").expect("VALUE big 0 " + max.length);
            assertTrue(Arrays.equals(max, c.bytes(max.length)));
            c.expect("", "END");
            c.call("append big 0 0 1\r\nz\r\n", "NOT_STORED"); // would exceed --max-item
        }
    }

    @Test
    void binaryGarbageIsAnErrorPerLineAndTheConnectionGoesOn() throws Exception {
        try (KvClient c = client()) {
            c.send(new byte[] {(byte) 0x80, 1, 0, 0, 5, 0, (byte) 0xff, '\r', '\n'}).expect("ERROR");
            c.send(new byte[] {0, 1, 2, 3, '\n'}).expect("ERROR");
            c.set("after-garbage", "ok");
        }
    }

    @Test
    void aCommandSentInPiecesIsExecutedWhenComplete() throws Exception {
        try (KvClient c = client()) {
            c.send("se");
            c.expectSilence(100);
            c.send("t hs 0 0 10\r\nabc");
            c.expectSilence(100);
            c.send("defghij\r");
            c.expectSilence(100);
            c.send("\nget hs\r\n").expect("STORED", "VALUE hs 0 10", "abcdefghij", "END");
        }
        try (KvClient c = client()) {
            c.send("set hs2 0 0 10\r\nabc"); // then the client goes away
        }
        try (KvClient c = client()) {
            c.call("get hs2\r\n", "END");
        }
    }

    @Test
    void anOverLongLineClosesTheConnectionButALongMultiGetIsServed() throws Exception {
        try (KvClient c = client()) {
            c.set("ol", "v");
            c.send("x".repeat(3000));
            assertEquals("", c.expectClosed());
        }
        try (KvClient c = client()) {
            StringBuilder get = new StringBuilder("get");
            for (int i = 0; i < 2000; i++) {
                get.append(" miss").append(i);
            }
            c.call(get + " ol\r\n", "VALUE ol 0 1", "v", "END");
        }
    }

    @Test
    void linesEndedByALoneNewlineAreAccepted() throws Exception {
        try (KvClient c = client()) {
            c.call("set lf 0 0 1\nb\r\nget lf\n", "STORED", "VALUE lf 0 1", "b", "END");
        }
    }

    @Test
    void manyPipelinedCommandsAreAnsweredInOrder() throws Exception {
        try (KvClient c = client()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                sb.append("set pl").append(i).append(" 0 0 ").append(Integer.toString(i).length()).append("\r\n").append(i).append("\r\n");
                sb.append("get pl").append(i).append("\r\n");
            }
            c.send(sb.toString());
            for (int i = 0; i < 2000; i++) {
                String v = Integer.toString(i);
                c.expect("STORED", "VALUE pl" + i + " 0 " + v.length(), v, "END");
            }
        }
    }

    @Test
    void leastRecentlyUsedItemsAreEvictedPastTheMemoryLimit() throws Exception {
        try (KvTestServer s = new KvTestServer(dir.resolve(io + "-lru"), SyncMode.NEVER, 256 << 10, 1 << 20, false, io);
                KvClient c = s.client()) {
            String value = "v".repeat(1000);
            c.set("hot", value);
            for (int i = 0; i < 1000; i++) {
                c.set("cold" + i, value);
                if (i % 50 == 0) {
                    assertEquals(value, c.get("hot")); // keep it recently used
                }
            }
            Map<String, String> st = c.stats();
            assertTrue(Long.parseLong(st.get("evictions")) > 0, st.toString());
            assertTrue(Long.parseLong(st.get("bytes")) <= 256 << 10, st.toString());
            assertEquals(value, c.get("hot"));
            assertNull(c.get("cold0"));
            assertEquals(value, c.get("cold999"));
            byte[] tooBig = new byte[300 << 10];
            c.send("set huge 0 0 " + tooBig.length + "\r\n").send(tooBig).send("\r\n");
            c.expect("SERVER_ERROR object too large for cache");
            assertEquals(value, c.get("hot"), "a value larger than all memory evicts nothing");
        }
    }
}
