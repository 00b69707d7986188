package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** When helpers and the loop may spin. */
class SpinGateTest {

    private static int runnable(String loadavg) {
        MemorySegment m = Arena.ofAuto().allocateFrom(loadavg);
        return SpinGate.runnable(m, loadavg.length());
    }

    @Test
    void theRunnableCountIsTheFourthFieldOfProcLoadavg() {
        assertEquals(4, runnable("5.69 5.38 4.21 4/98 13049\n"));
        assertEquals(12, runnable("0.00 0.01 0.05 12/1043 77\n"));
        assertEquals(-1, runnable("garbage"));
        assertEquals(-1, runnable("1 2 3 /98 1"));
    }
}
