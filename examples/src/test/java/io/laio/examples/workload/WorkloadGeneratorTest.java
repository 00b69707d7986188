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

package io.laio.examples.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(60)
class WorkloadGeneratorTest {
    @TempDir
    Path dir;

    private static int run(String... args) {
        CommandLine cl = new CommandLine(new WorkloadCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    private static void assertWithin(double want, double got, double tolerance, String what) {
        assertTrue(Math.abs(got - want) <= tolerance * want,
                () -> what + ": achieved " + got + ", target " + want + " (more than " + tolerance * 100 + " % off)");
    }

    private static void assertMeetsTargets(Profile.Targets t, WorkloadFigures f) {
        assertEquals(t.requests(), f.requests(), "requests");
        assertWithin(t.footprint(), f.footprint(), 0.05, "footprint");
        assertWithin(t.transferred(), f.transferred(), 0.05, "transferred bytes");
        for (SizeClass c : SizeClass.values()) {
            assertWithin(t.profile().byteShare(c), f.share(c), 0.05, "share of bytes " + c.label());
        }
        assertEquals(0, f.unrequested(), "every file is requested, so the working set is the footprint");
        assertTrue(f.sessions() > 1 && f.sessions() < f.requests(), "requests are grouped into sessions: " + f.sessions());
    }

    @Test
    void riceAtHalfAPercentMeetsItsTargetsWithinFivePercentOnDisk() throws IOException {
        assertEquals(0, run("--profile", "rice", "--scale", "0.005", "--seed", "42", "--out", dir.toString()));
        Profile.Targets t = Profile.RICE.at(0.005);
        assertEquals(1229, t.requests());
        assertMeetsTargets(t, WorkloadFigures.measure(dir.resolve("trace.txt"), dir.resolve("root")));
    }

    @Test
    void berkeleyAtATenthOfAPercentMeetsItsTargetsWithinFivePercentOnDisk() throws IOException {
        assertEquals(0, run("--profile", "berkeley", "--scale", "0.001", "--seed", "3", "--out", dir.toString()));
        assertMeetsTargets(Profile.BERKELEY.at(0.001), WorkloadFigures.measure(dir.resolve("trace.txt"), dir.resolve("root")));
    }

    @Test
    void riceMeetsItsTargetsForSeveralSeedsInMemory() {
        for (long seed = 1; seed <= 5; seed++) {
            Workload w = WorkloadGenerator.generate(Profile.RICE.at(0.005), seed);
            long[] classBytes = new long[3];
            long transferred = 0;
            for (int r : w.requests()) {
                transferred += w.sizes()[r];
                classBytes[SizeClass.of(w.sizes()[r]).ordinal()] += w.sizes()[r];
            }
            long footprint = Arrays.stream(w.sizes()).sum();
            assertMeetsTargets(w.targets(), new WorkloadFigures(w.requests().length, w.sessions(), w.paths().length, footprint, 0,
                    transferred, classBytes));
        }
    }

    @Test
    void theSameSeedWritesTheSameTreeAndTraceAndAnotherSeedDoesNot() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        assertEquals(0, run("--scale", "0.002", "--seed", "7", "--out", a.toString()));
        assertEquals(0, run("--scale", "0.002", "--seed", "7", "--out", b.toString()));
        assertEquals(0, run("--scale", "0.002", "--seed", "8", "--out", c.toString()));
        assertArrayEquals(Files.readAllBytes(a.resolve("trace.txt")), Files.readAllBytes(b.resolve("trace.txt")));
        List<String> treeA = listing(a.resolve("root"));
        assertEquals(treeA, listing(b.resolve("root")));
        for (String rel : treeA.subList(0, 5)) {
            String file = rel.substring(0, rel.indexOf(' '));
            assertArrayEquals(Files.readAllBytes(a.resolve("root").resolve(file)), Files.readAllBytes(b.resolve("root").resolve(file)));
        }
        assertFalse(Arrays.equals(Files.readAllBytes(a.resolve("trace.txt")), Files.readAllBytes(c.resolve("trace.txt"))));
        assertNotEquals(treeA, listing(c.resolve("root")));
    }

    @Test
    void filesHoldRealNonZeroBytesOfTheirSize() throws IOException {
        assertEquals(0, run("--scale", "0.002", "--out", dir.toString()));
        for (String rel : listing(dir.resolve("root"))) {
            String[] parts = rel.split(" ");
            byte[] content = Files.readAllBytes(dir.resolve("root").resolve(parts[0]));
            assertEquals(Long.parseLong(parts[1]), content.length);
            int zeros = 0;
            for (byte x : content) {
                zeros += x == 0 ? 1 : 0;
            }
            assertEquals(0, zeros, rel + " has zero bytes (holes?)");
        }
    }

    @Test
    void theCommandRefusesToOverwriteARootUnlessForced() throws IOException {
        assertEquals(0, run("--scale", "0.001", "--out", dir.toString()));
        Files.writeString(dir.resolve("root/stray.txt"), "x");
        assertEquals(2, run("--scale", "0.001", "--out", dir.toString()));
        assertTrue(Files.exists(dir.resolve("root/stray.txt")));
        assertEquals(0, run("--scale", "0.001", "--out", dir.toString(), "--force"));
        assertFalse(Files.exists(dir.resolve("root/stray.txt")));
    }

    @Test
    void zipfCountsSumToTheRequestsGiveEveryFileOneAndNeverRiseWithRank() {
        int[] counts = Popularity.zipf(100, 12_345);
        assertEquals(12_345, Arrays.stream(counts).sum());
        for (int k = 1; k < counts.length; k++) {
            assertTrue(counts[k] <= counts[k - 1], "rank " + k);
            assertTrue(counts[k] >= 1);
        }
        // Zipf with exponent 0.8: rank 1 is asked about 10^0.8 ~ 6.3 times as often as rank 10
        assertWithin(Math.pow(10, Popularity.ALPHA), (double) (counts[0] - 1) / (counts[9] - 1), 0.05, "rank 1 / rank 10");
    }

    @Test
    void aTraceReadBackMatchesTheGeneratedOneAndARestartedSessionIsRefused() throws IOException {
        Workload w = WorkloadGenerator.generate(Profile.RICE.at(0.002), 5);
        Path file = dir.resolve("trace.txt");
        TraceFile.write(w, file);
        Trace t = TraceFile.read(file);
        assertArrayEquals(w.sessionStarts(), t.sessionStarts());
        assertEquals(w.requests().length, t.requests().length);
        for (int i = 0; i < w.requests().length; i++) {
            assertEquals(w.paths()[w.requests()[i]], t.paths()[t.requests()[i]]);
        }
        Files.writeString(dir.resolve("bad.txt"), "0 /a\n1 /b\n0 /c\n", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> TraceFile.read(dir.resolve("bad.txt")));
        assertTrue(e.getMessage().contains(":3:"), e.getMessage());
        Files.writeString(dir.resolve("bad2.txt"), "0 no-slash\n", StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> TraceFile.read(dir.resolve("bad2.txt")));
    }

    private static List<String> listing(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).sorted().map(p -> {
                try {
                    return root.relativize(p) + " " + Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
