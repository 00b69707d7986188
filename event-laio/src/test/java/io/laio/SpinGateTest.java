package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aSpinnerThatLostItsCoreClosesTheGateForAWhile() {
        long now = System.nanoTime();
        assertTrue(SpinGate.stillOnCpu(now - 1_000, now), "1 µs between turns: still on its core");
        assertFalse(SpinGate.stillOnCpu(now - 2 * SpinGate.PREEMPTED_NANOS, now), "a long gap: descheduled");
        assertFalse(SpinGate.open(), "closed right after");
        BackgroundCallTest.sleep(SpinGate.CLOSE_NANOS / 1_000_000 + 30);
        // open again unless this machine is itself oversubscribed right now (the /proc test)
        long deadline = System.nanoTime() + 5_000_000_000L;
        boolean reopened = false;
        while (!reopened && System.nanoTime() < deadline) {
            reopened = SpinGate.open();
            BackgroundCallTest.sleep(25);
        }
        assertTrue(reopened || runnableNow() > Runtime.getRuntime().availableProcessors(), "the gate reopens");
    }

    private static int runnableNow() {
        try {
            String s = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"));
            return runnable(s);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
