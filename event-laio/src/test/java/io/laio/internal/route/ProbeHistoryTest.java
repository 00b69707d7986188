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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.internal.route.ProbeHistory;
import org.junit.jupiter.api.Test;

class ProbeHistoryTest {

    @Test
    void aDescriptorWhoseProbesKeepMissingIsProbedOnlyNowAndThen() {
        ProbeHistory h = new ProbeHistory();
        for (int i = 0; i < ProbeHistory.MISSES_BEFORE_SKIP; i++) {
            assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(5)));
            h.miss(5, h.ticket(5));
        }
        int probes = 0;
        for (int i = 0; i < ProbeHistory.REPROBE_EVERY * 4; i++) {
            if (ProbeHistory.how(h.readProbe(5)) == ProbeHistory.NOWAIT) {
                probes++;
            }
        }
        assertEquals(4, probes, "one re-probe every " + ProbeHistory.REPROBE_EVERY + " calls");
        h.hit(5, h.ticket(5));
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(5)), "a hit restores probing");
    }

    @Test
    void aDescriptorThatNoProbeWorksOnIsNotProbedUntilItIsClosed() {
        ProbeHistory h = new ProbeHistory();
        h.unprobeable(9, h.ticket(9));
        for (int i = 0; i < 100; i++) {
            assertEquals(ProbeHistory.SKIP, ProbeHistory.how(h.readProbe(9)));
        }
        h.forget(9);
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(9)));
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(ProbeHistory.LIMIT)), "descriptors beyond the table are always probed");
    }

    @Test
    void whenRwfNowaitIsRefusedThenReadsAskCachestatAndRetryNowaitNowAndThen() {
        ProbeHistory h = new ProbeHistory();
        h.nowaitRefused(7, h.ticket(7));
        int nowait = 0;
        for (int i = 0; i < ProbeHistory.REPROBE_EVERY * 4; i++) {
            int how = ProbeHistory.how(h.readProbe(7));
            assertTrue(how == ProbeHistory.CACHESTAT || how == ProbeHistory.NOWAIT);
            nowait += how == ProbeHistory.NOWAIT ? 1 : 0;
        }
        assertEquals(4, nowait, "a number closed behind laio's back and reused is found out by a re-probe");
        h.hit(7, h.ticket(7)); // the re-probe worked: the number now names a file that takes RWF_NOWAIT
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(7)));
        h.nowaitRefused(7, h.ticket(7));
        h.forget(7);
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(7)), "closed through laio: a new file");
    }

    @Test
    void aCachestatRefusalRidesOnEveryTicketOfItsFileAndNotOnTheNextFileUnderTheNumber() {
        ProbeHistory h = new ProbeHistory();
        h.nowaitRefused(4, h.ticket(4));
        h.cachestatRefused(4, h.ticket(4));
        long t = h.readProbe(4);
        assertTrue(ProbeHistory.cachestatRefused(t), "a probe holding this ticket does not ask cachestat");
        assertEquals(ProbeHistory.CACHESTAT, ProbeHistory.how(t), "the read marks are another question");
        h.hit(4, h.ticket(4));
        assertTrue(ProbeHistory.cachestatRefused(h.readProbe(4)), "no read lesson clears it");
        long late = h.ticket(4);
        h.closed(4);
        assertFalse(ProbeHistory.cachestatRefused(h.ticket(4)), "the refusal was the closed file's");
        h.cachestatRefused(4, late);
        assertFalse(ProbeHistory.cachestatRefused(h.readProbe(4)), "a lesson about the previous file changes nothing");
        h.cachestatRefused(4, h.ticket(4));
        h.forget(4);
        assertFalse(ProbeHistory.cachestatRefused(h.ticket(4)), "a number made anew knows nothing");
        h.cachestatRefused(ProbeHistory.LIMIT, h.ticket(ProbeHistory.LIMIT));
        assertFalse(ProbeHistory.cachestatRefused(h.ticket(ProbeHistory.LIMIT)), "numbers beyond the table are never marked");
    }

    @Test
    void aRefusedWriteProbeLeavesReadsOfTheSameDescriptorProbed() {
        ProbeHistory h = new ProbeHistory();
        h.writesRefused(3, h.ticket(3)); // a buffered ext4 write answers EOPNOTSUPP to RWF_NOWAIT
        assertEquals(ProbeHistory.SKIP, ProbeHistory.how(h.writeProbe(3)));
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(3)), "its reads do take RWF_NOWAIT");
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.writeProbe(4)));
    }

    @Test
    void aDrainedMarkIsTakenOnceClearedByAFullReadAndForgottenWithItsNumberAndItsSocketKind() {
        ProbeHistory h = new ProbeHistory();
        h.socketKind(7, true);
        h.drained(7, true);
        assertTrue(h.drained(7));
        h.takeDrained(7);
        assertFalse(h.drained(7), "one skip per short read");
        assertEquals(ProbeHistory.STREAM, h.socketKind(7), "taking the mark keeps the kind");
        h.drained(7, true);
        h.drained(7, false); // a full read, EOF or an error
        assertFalse(h.drained(7));
        h.drained(7, true);
        h.forget(7);
        assertFalse(h.drained(7), "closed through laio: the next file under the number starts afresh");
        assertEquals(0, h.socketKind(7), "and its kind is asked again");
        h.drained(ProbeHistory.LIMIT, true);
        assertFalse(h.drained(ProbeHistory.LIMIT), "numbers beyond the table are never marked");
        assertEquals(0, h.socketKind(-1));
    }

    @Test
    void aNumberClosedAfterItsReadsWereRefusedRwfNowaitGuessesCachestatForItsNextFileAndStillReprobes() {
        ProbeHistory h = new ProbeHistory();
        h.nowaitRefused(7, h.ticket(7));
        h.closed(7);
        assertEquals(ProbeHistory.CACHESTAT_GUESS, ProbeHistory.how(h.readProbe(7)), "the next file under the number: cachestat at once");
        int nowait = 0;
        for (int i = 0; i < ProbeHistory.REPROBE_EVERY * 4 - 1; i++) {
            h.closed(7); // a file per read, as a server opens them
            int how = ProbeHistory.how(h.readProbe(7));
            assertTrue(how == ProbeHistory.CACHESTAT_GUESS || how == ProbeHistory.NOWAIT, "was " + how);
            nowait += how == ProbeHistory.NOWAIT ? 1 : 0;
        }
        assertEquals(4, nowait, "however short each file's life, every " + ProbeHistory.REPROBE_EVERY + "th read re-probes");
        h.hit(7, h.ticket(7)); // a re-probe found a file that takes RWF_NOWAIT
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(7)));
        h.closed(7);
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(7)), "nothing to guess from a number whose reads took RWF_NOWAIT");

        h.nowaitRefused(8, h.ticket(8));
        h.closed(8);
        h.guessWrong(8, h.ticket(8)); // the number names a pipe now
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(8)));
        h.nowaitRefused(9, h.ticket(9));
        h.forget(9); // a socket, a pipe or a dup made through laio
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(9)));
        h.closed(ProbeHistory.LIMIT);
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(ProbeHistory.LIMIT)));
    }

    @Test
    void numbersFarAboveTheFirstSixtyFiveThousandAreMarkedAndForgottenWithMemoryForTheChunksUsedOnly() {
        ProbeHistory h = new ProbeHistory(1L << 31); // a process whose hard RLIMIT_NOFILE is 2^31
        assertEquals(0, h.chunks(), "nothing made before a change");
        long high = 1_000_000;
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(high)));
        h.hit(high, h.ticket(high));
        assertEquals(0, h.chunks(), "a read and a lesson that changes nothing make no chunk");
        h.unprobeable(high, h.ticket(high));
        assertEquals(ProbeHistory.SKIP, ProbeHistory.how(h.readProbe(high)), "a number above 65,536 keeps its mark");
        h.nowaitRefused(70_000, h.ticket(70_000));
        assertEquals(ProbeHistory.CACHESTAT, ProbeHistory.how(h.readProbe(70_000)));
        h.socketKind(100_000, true);
        h.drained(100_000, true);
        assertTrue(h.drained(100_000), "a drained socket above 65,536 skips its probe");
        assertEquals(3, h.chunks(), "one chunk of " + ProbeHistory.CHUNK + " numbers per number used, none between");
        long t = h.ticket(high);
        h.closed(high);
        h.miss(high, t); // a lesson about the closed file, after the close
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(h.readProbe(high)), "closed through laio: a new file");
        assertEquals(ProbeHistory.CACHESTAT, ProbeHistory.how(h.readProbe(70_000)), "a grown directory kept every chunk");
        ProbeHistory small = new ProbeHistory(1000);
        small.closed(5000); // a bogus number's close
        small.unprobeable(5000, small.ticket(5000));
        assertEquals(ProbeHistory.NOWAIT, ProbeHistory.how(small.readProbe(5000)), "beyond the limit: always probed");
        assertEquals(0, small.chunks(), "and nothing made for it");
    }
}
