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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import io.laio.event.contract.CrossThreadFailures;
import io.laio.internal.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DrainedSocketTest}'s cases where the waits go to the off-loop socket waiter: a standalone
 * Laio whose polling thread makes the receives, and a base whose backend cannot watch a raw
 * descriptor. The waiter keeps its epoll entries between waits (one {@code EPOLL_CTL_MOD} per
 * wait) and tries a receive that skipped its probe at once when its entry had to be added.
 */
@Timeout(60)
class DrainedSocketWaiterTest {
    private final CrossThreadFailures failures = new CrossThreadFailures();
    private final Arena arena = Arena.ofShared();
    private final LaioCompletion[] out = {new LaioCompletion()};

    @AfterEach
    void noFailureOnTheLoop() {
        failures.assertNone();
        arena.close();
    }

    /** A {@code recvfrom} of up to 64 bytes: its inline result, or -1 with EINPROGRESS. */
    private static long recv(Laio laio, int fd, MemorySegment buf) {
        return laio.syscall(Sys.SYS_recvfrom, fd, buf.address(), 64, 0, 0, 0);
    }

    /** The next completion, polled on this thread (at most 20 s). */
    private LaioCompletion next(Laio laio) {
        assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(20)), "a completion came");
        return out[0];
    }

    /** recvfrom system calls laio made: its probes and its socket waits' retries. */
    private static long recvfromCalls(LaioStats s) {
        return s.probeHits(Sys.SYS_recvfrom) + s.probeWouldBlock(Sys.SYS_recvfrom) + s.probeUnsupported(Sys.SYS_recvfrom)
                + s.socketRetries(Sys.SYS_recvfrom);
    }

    /** One round that leaves {@code fd} drained and known to the waiter: a waiting receive, a one-byte request. */
    private void drain(Laio laio, int fd, int peer, MemorySegment buf) {
        assertEquals(-1, recv(laio, fd, buf));
        assertEquals(Errno.EINPROGRESS, Laio.errno());
        Native.writeByte(peer, (byte) 1);
        assertEquals(1, next(laio).returnValue());
    }

    @Test
    void aStandaloneLaiosPollingThreadSkipsTheProbeOfADrainedSocketOneRecvfromPerRoundLess() {
        int rounds = 30;
        int[] sp = SocketWaiterTest.socketPair();
        try (Laio laio = Laio.create()) {
            MemorySegment buf = arena.allocate(64);
            MemorySegment reply = arena.allocate(8);
            for (int round = 0; round < rounds; round++) {
                drain(laio, sp[0], sp[1], buf);
                assertEquals(8, laio.syscall(Sys.SYS_sendto, sp[0], reply.address(), 8, 0, 0, 0));
                assertEquals(8, Native.sys(Sys.SYS_read, sp[1], buf.address(), 8));
            }
            LaioStats s = laio.stats();
            assertEquals(rounds - 1, s.probeSkipped(Sys.SYS_recvfrom), s.toString());
            assertEquals(rounds, s.socketRetries(Sys.SYS_recvfrom), s.toString());
            assertEquals(rounds + 1, recvfromCalls(s), "one probe, then one recvfrom per round: " + s);
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void anotherThreadThanThePollerProbesAsBefore() throws Exception {
        int[] sp = SocketWaiterTest.socketPair();
        try (Laio laio = Laio.create()) {
            MemorySegment buf = arena.allocate(64);
            drain(laio, sp[0], sp[1], buf);
            Native.writeByte(sp[1], (byte) 2);
            long[] r = {0};
            Thread t = failures.start("other", () -> r[0] = recv(laio, sp[0], buf));
            t.join();
            assertEquals(1, r[0], "probed, inline: the marks are the polling thread's");
            assertEquals(0, laio.stats().probeSkipped(Sys.SYS_recvfrom));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void bytesThatArriveBetweenTheShortReadAndTheNextReceiveCompleteIt() {
        int[] sp = SocketWaiterTest.socketPair();
        try (Laio laio = Laio.create()) {
            MemorySegment buf = arena.allocate(64);
            drain(laio, sp[0], sp[1], buf);
            Native.writeByte(sp[1], (byte) 42);
            assertEquals(-1, recv(laio, sp[0], buf), "went to its wait without a probe");
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
            assertEquals(1, next(laio).returnValue(), "the waiter's re-armed entry reported the byte at once");
            assertEquals(42, buf.get(ValueLayout.JAVA_BYTE, 0));
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void aNumberClosedBehindLaiosBackAndReusedBySocketPipeOrFileGetsTheKernelsAnswer() throws Exception {
        Path file = Files.createTempFile("laio-drained", ".bin");
        try (Laio laio = Laio.create()) {
            MemorySegment buf = arena.allocate(64);
            for (String reuse : new String[] {"socket", "pipe", "file"}) {
                int[] sp = SocketWaiterTest.socketPair();
                drain(laio, sp[0], sp[1], buf);
                int number = sp[0];
                Native.close(sp[0]); // a plain close: laio still believes the number drained
                int[] now = switch (reuse) {
                    case "socket" -> SocketWaiterTest.socketPair();
                    case "pipe" -> Native.pipe(); // empty: a wait for input would never end
                    default -> new int[] {Native.openRead(file.toString())};
                };
                try {
                    assertEquals(number, now[0], "the " + reuse + " took the number");
                    if (reuse.equals("socket")) {
                        Native.writeByte(now[1], (byte) 9);
                    }
                    long skipped = laio.stats().probeSkipped(Sys.SYS_recvfrom);
                    assertEquals(-1, recv(laio, now[0], buf));
                    assertEquals(skipped + 1, laio.stats().probeSkipped(Sys.SYS_recvfrom), "the stale guess was taken");
                    LaioCompletion c = next(laio);
                    if (reuse.equals("socket")) {
                        assertEquals(1, c.returnValue(), "the new socket's byte");
                    } else {
                        assertEquals(-1, c.returnValue(), reuse);
                        assertEquals(Errno.ENOTSOCK, c.errno(), "the kernel's answer to a recvfrom on a " + reuse);
                    }
                } finally {
                    for (int fd : now) {
                        Native.close(fd);
                    }
                    Native.close(sp[1]);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aCancelledOrClosedSkippedWaitEndsWithEcanceled() {
        int[] sp = SocketWaiterTest.socketPair();
        try {
            MemorySegment buf = arena.allocate(64);
            try (Laio laio = Laio.create()) {
                drain(laio, sp[0], sp[1], buf);
                assertEquals(-1, recv(laio, sp[0], buf));
                assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
                assertTrue(laio.cancel(laio.gethandle()));
                LaioCompletion c = next(laio);
                assertEquals(-1, c.returnValue());
                assertEquals(Errno.ECANCELED, c.errno());

                assertEquals(-1, recv(laio, sp[0], buf), "probed (the cancel cleared the mark), empty: waits");
                assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
                assertEquals(2, laio.stats().probeWouldBlock(Sys.SYS_recvfrom), "the first wait and this one probed");
                Native.writeByte(sp[1], (byte) 3);
                assertEquals(1, next(laio).returnValue(), "the same number waits again and completes");
            }
            Laio laio = Laio.create();
            drain(laio, sp[0], sp[1], buf);
            assertEquals(-1, recv(laio, sp[0], buf));
            assertEquals(1, laio.stats().probeSkipped(Sys.SYS_recvfrom));
            laio.close();
            LaioCompletion c = next(laio);
            assertEquals(-1, c.returnValue());
            assertEquals(Errno.ECANCELED, c.errno(), "close ended the skipped wait");
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }

    @Test
    void onABaseThatCannotWatchADescriptorTheLoopThreadsReceivesSkipToo() {
        int rounds = 20;
        int[] sp = SocketWaiterTest.socketPair();
        try (EventBase base = EventBase.create("parking"); Laio laio = Laio.attach(base)) {
            base.setUncaughtHandler(failures.uncaughtHandler());
            MemorySegment buf = arena.allocate(64);
            for (int round = 0; round < rounds; round++) {
                long[] got = {Long.MIN_VALUE};
                base.execute(() -> {
                    assertEquals(-1, recv(laio, sp[0], buf));
                    Event.set(base, laio.gethandle(), Ev.LAIO, (ev, w, a) -> got[0] = ev.result(), null).add();
                    Native.writeByte(sp[1], (byte) 1);
                });
                Event limit = Event.set(base, null, Ev.TIMEOUT, (ev, w, a) -> base.loopBreak(), null);
                limit.add(Duration.ofSeconds(20));
                while (got[0] == Long.MIN_VALUE && !base.gotBreak()) {
                    base.loop(Ev.LOOP_ONCE);
                }
                limit.del();
                assertEquals(1, got[0]);
            }
            LaioStats s = laio.stats();
            assertEquals(rounds - 1, s.probeSkipped(Sys.SYS_recvfrom), s.toString());
            assertEquals(rounds + 1, recvfromCalls(s), s.toString());
        } finally {
            Native.close(sp[0]);
            Native.close(sp[1]);
        }
    }
}
