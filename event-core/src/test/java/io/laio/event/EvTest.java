package io.laio.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvTest {
    @Test
    void flagsHaveLibeventValues() {
        assertEquals(0x01, Ev.TIMEOUT);
        assertEquals(0x02, Ev.READ);
        assertEquals(0x04, Ev.WRITE);
        assertEquals(0x08, Ev.SIGNAL);
        assertEquals(0x10, Ev.PERSIST);
        assertEquals(0x20, Ev.ET);
        assertEquals(0x80, Ev.CLOSED);
    }

    @Test
    void toStringNamesEachFlagAndUnknownBits() {
        assertEquals("READ|PERSIST", Ev.toString(Ev.READ | Ev.PERSIST));
        assertEquals("TIMEOUT|LAIO|0x4000", Ev.toString(Ev.TIMEOUT | Ev.LAIO | 0x4000));
        assertEquals("0", Ev.toString(0));
    }
}
