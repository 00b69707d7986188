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

import io.laio.LaioConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * kv's {@code --helper-spin}, {@code --loop-spin} and {@code --spin-before-sleep}: read, and given to every
 * loop; left out, kv spins nowhere.
 */
@Timeout(60)
class KvSpinOptionsTest {
    @TempDir
    Path dir;

    private static KvCommand parse(String... args) {
        KvCommand c = new KvCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    private KvGroup start(KvCommand c) throws Exception {
        return start(c.spins.laioConfig(), c.spins.spinBeforeSleep());
    }

    private KvGroup start(LaioConfig laioConfig, Duration spinBeforeSleep) throws Exception {
        Files.createDirectories(dir.resolve("data"));
        KvServer.Config config = new KvServer.Config(new InetSocketAddress("127.0.0.1", 0), dir.resolve("data").toString(),
                64L << 20, 1 << 20, SyncMode.NEVER, false, KvIo.NIO);
        return new KvGroup(config, 2, false, null, laioConfig, spinBeforeSleep);
    }

    /** As {@code kv} starts its loops. */
    private KvGroup startAsKv(KvCommand c) throws Exception {
        return start(KvCommand.laioConfig(c.spins), KvCommand.spinBeforeSleep(c.spins));
    }

    @Test
    void leftOutKvSpinsNowhere() throws Exception {
        assertKvStartsEveryLoopWith(parse(), Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }

    @Test
    void spinsGivenWinOverKvsNone() throws Exception {
        assertKvStartsEveryLoopWith(parse("--helper-spin", "20us", "--spin-before-sleep", "5us"),
                Duration.ofNanos(20_000), Duration.ZERO, Duration.ofNanos(5_000));
    }

    /** Starts two loops as {@code kv} does and checks each loop's spins (and the close promise kv makes). */
    private void assertKvStartsEveryLoopWith(KvCommand c, Duration helperSpin, Duration loopSpin, Duration beforeSleep)
            throws Exception {
        KvGroup g = startAsKv(c);
        try {
            for (int i = 0; i < 2; i++) {
                KvServer s = g.server(i);
                assertEquals(helperSpin, s.laio().config().helperSpin(), "loop " + i);
                assertEquals(loopSpin, s.laio().config().loopSpin(), "loop " + i);
                assertEquals(beforeSleep, s.base().spinBeforeSleep(), "loop " + i);
                assertTrue(s.laio().config().closesThroughLaio(), "loop " + i);
            }
        } finally {
            g.stop();
            assertTrue(g.await(Duration.ofSeconds(30)));
        }
    }

    @Test
    void leftOutEveryLoopKeepsTheLibraryDefaults() throws Exception {
        KvCommand c = parse();
        assertNull(c.spins.laioConfig());
        LaioConfig defaults = LaioConfig.builder().build();
        KvGroup g = start(c);
        try {
            for (int i = 0; i < 2; i++) {
                assertEquals(defaults.helperSpin(), g.server(i).laio().config().helperSpin(), "loop " + i);
                assertEquals(defaults.loopSpin(), g.server(i).laio().config().loopSpin(), "loop " + i);
            }
        } finally {
            g.stop();
            assertTrue(g.await(Duration.ofSeconds(30)));
        }
    }

    @Test
    void givenTheyReachEveryLoopsLaioAndLoop() throws Exception {
        KvCommand c = parse("--helper-spin", "0", "--loop-spin", "7us", "--spin-before-sleep", "1ms");
        KvGroup g = start(c);
        try {
            for (int i = 0; i < 2; i++) {
                KvServer s = g.server(i);
                assertEquals(Duration.ZERO, s.laio().config().helperSpin(), "loop " + i);
                assertEquals(Duration.ofNanos(7_000), s.laio().config().loopSpin(), "loop " + i);
                assertEquals(Duration.ofMillis(1), s.base().spinBeforeSleep(), "loop " + i);
            }
        } finally {
            g.stop();
            assertTrue(g.await(Duration.ofSeconds(30)));
        }
    }
}
