package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProbeHistoryTest {

    @Test
    void aDescriptorWhoseProbesKeepMissingIsProbedOnlyNowAndThen() {
        ProbeHistory h = new ProbeHistory();
        for (int i = 0; i < ProbeHistory.MISSES_BEFORE_SKIP; i++) {
            assertTrue(h.shouldProbe(5));
            h.miss(5);
        }
        int probes = 0;
        for (int i = 0; i < ProbeHistory.REPROBE_EVERY * 4; i++) {
            if (h.shouldProbe(5)) {
                probes++;
            }
        }
        assertEquals(4, probes, "one re-probe every " + ProbeHistory.REPROBE_EVERY + " calls");
        h.hit(5);
        assertTrue(h.shouldProbe(5), "a hit restores probing");
    }

    @Test
    void anUnsupportedAnswerStopsProbingUntilTheDescriptorIsClosed() {
        ProbeHistory h = new ProbeHistory();
        h.unsupported(9);
        for (int i = 0; i < 100; i++) {
            assertFalse(h.shouldProbe(9));
        }
        h.forget(9);
        assertTrue(h.shouldProbe(9));
        assertTrue(h.shouldProbe(1 << 20), "descriptors beyond the table are always probed");
    }
}
