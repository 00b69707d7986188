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

package io.laio.internal.route;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.LincheckModes;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Model checking of {@link ProbeHistory} against {@link Model}, its sequential specification
 * written out field by field. One descriptor number; a reading thread ({@code "reads"}) probes
 * and later teaches what its probe learned with the ticket it took, a writing thread
 * ({@code "writes"}) does the same for writes, closes through laio come from any thread, and the
 * consumer thread ({@code "consumer"}) keeps the socket marks. Lincheck checks that every run's
 * results are those of some sequential order of the operations under the model: no mark is
 * lost to another thread's read-modify-write of the same word (a plain one dropped a
 * {@code WRITE_NONE} or revived a mark a hit had cleared), and a lesson whose ticket predates a
 * close of the number changes nothing (an unconditional one marked the next file under the
 * number, {@link ProbeHistory#SKIP} for good after a late {@code unprobeable}, or a late
 * cachestat refusal keeping the next file from cachestat until its own close).
 */
@Timeout(600)
public class ProbeHistoryLincheckTest {
    static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final int FD = 5;
    static final int REFUSED_TICKET = 4;
    private final ProbeHistory h = new ProbeHistory();
    private long readTicket;
    private long writeTicket;

    public ProbeHistoryLincheckTest() {
        INSTANCES.incrementAndGet();
    }

    /** The probe chosen, plus {@link #REFUSED_TICKET} if the ticket says cachestat refused the file. */
    @Operation(nonParallelGroup = "reads")
    public int probeRead() {
        readTicket = h.readProbe(FD);
        return ProbeHistory.how(readTicket) | (ProbeHistory.cachestatRefused(readTicket) ? REFUSED_TICKET : 0);
    }

    @Operation(nonParallelGroup = "reads")
    public void cachestatRefused() {
        h.cachestatRefused(FD, readTicket);
    }

    @Operation
    public boolean ticketRefused() {
        return ProbeHistory.cachestatRefused(h.ticket(FD));
    }

    @Operation(nonParallelGroup = "reads")
    public void refused() {
        h.nowaitRefused(FD, readTicket);
    }

    @Operation(nonParallelGroup = "reads")
    public void unprobeable() {
        h.unprobeable(FD, readTicket);
    }

    @Operation(nonParallelGroup = "reads")
    public void readHit() {
        h.hit(FD, readTicket);
    }

    @Operation(nonParallelGroup = "writes")
    public int probeWrite() {
        writeTicket = h.writeProbe(FD);
        return ProbeHistory.how(writeTicket);
    }

    @Operation(nonParallelGroup = "writes")
    public void writesRefused() {
        h.writesRefused(FD, writeTicket);
    }

    @Operation(nonParallelGroup = "writes")
    public void writeMiss() {
        h.miss(FD, writeTicket);
    }

    @Operation
    public void forget() {
        h.forget(FD);
    }

    @Operation
    public void closed() {
        h.closed(FD);
    }

    @Operation(nonParallelGroup = "consumer")
    public void drained() {
        h.drained(FD, true);
    }

    @Operation(nonParallelGroup = "consumer")
    public boolean takeDrained() {
        boolean d = h.drained(FD);
        h.takeDrained(FD);
        return d;
    }

    @Operation(nonParallelGroup = "consumer")
    public void stream() {
        h.socketKind(FD, true);
    }

    @Operation
    public int kind() {
        return h.socketKind(FD);
    }

    @Test
    void modelCheckAgainstTheSequentialSpecification() {
        INSTANCES.set(0);
        LincheckModes.modelChecking(LincheckModes.LONG ? 3 : 2, LincheckModes.LONG ? 4 : 3)
                .sequentialSpecification(Model.class)
                .check(ProbeHistoryLincheckTest.class);
        assertTrue(INSTANCES.get() > 100, "Lincheck ran the scenarios");
    }

    /** What one number's history does, one operation at a time: the table's contract in plain fields. */
    public static final class Model {
        private int generation;
        private int readTicket;
        private int writeTicket;
        private boolean cachestat;
        private boolean none;
        private boolean guess;
        private boolean writeNone;
        private boolean cachestatRefused;
        private int misses;
        private int skipped;
        private boolean drained;
        private int kind;

        /** Moves the re-probe count on: whether this call re-probes. */
        private boolean nowAndThen() {
            skipped = (skipped + 1) % ProbeHistory.REPROBE_EVERY;
            return skipped == 0;
        }

        public int probeRead() {
            int how = probeHow();
            return cachestatRefused ? how | REFUSED_TICKET : how;
        }

        private int probeHow() {
            readTicket = generation;
            if (none) {
                return ProbeHistory.SKIP;
            }
            if (!cachestat && !guess && misses < ProbeHistory.MISSES_BEFORE_SKIP) {
                return ProbeHistory.NOWAIT;
            }
            return nowAndThen() ? ProbeHistory.NOWAIT
                    : cachestat ? ProbeHistory.CACHESTAT : guess ? ProbeHistory.CACHESTAT_GUESS : ProbeHistory.SKIP;
        }

        private void readMark(boolean c, boolean n) {
            cachestat = c;
            none = n;
            guess = false;
        }

        public void refused() {
            if (readTicket == generation) {
                readMark(true, false);
            }
        }

        public void cachestatRefused() {
            if (readTicket == generation) {
                cachestatRefused = true; // beside the read marks: no read lesson clears it
            }
        }

        public boolean ticketRefused() {
            return cachestatRefused;
        }

        public void unprobeable() {
            if (readTicket == generation) {
                readMark(false, true);
            }
        }

        public void readHit() {
            if (readTicket == generation) {
                readMark(false, false);
                misses = 0;
            }
        }

        public int probeWrite() {
            writeTicket = generation;
            if (writeNone) {
                return ProbeHistory.SKIP;
            }
            return misses < ProbeHistory.MISSES_BEFORE_SKIP || nowAndThen() ? ProbeHistory.NOWAIT : ProbeHistory.SKIP;
        }

        public void writesRefused() {
            if (writeTicket == generation) {
                writeNone = true;
            }
        }

        public void writeMiss() {
            if (writeTicket == generation) {
                readMark(false, false);
                misses = Math.min(misses + 1, ProbeHistory.MISSES_BEFORE_SKIP);
            }
        }

        public void forget() {
            generation++;
            readMark(false, false);
            writeNone = false;
            cachestatRefused = false;
            misses = 0;
            skipped = 0;
            drained = false;
            kind = 0;
        }

        public void closed() {
            boolean keep = cachestat || guess;
            int skips = skipped;
            forget();
            if (keep) {
                guess = true;
                skipped = skips;
            }
        }

        public void drained() {
            drained = true;
        }

        public boolean takeDrained() {
            boolean d = drained;
            drained = false;
            return d;
        }

        public void stream() {
            kind = ProbeHistory.STREAM;
        }

        public int kind() {
            return kind;
        }
    }
}
