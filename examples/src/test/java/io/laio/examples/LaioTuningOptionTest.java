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

package io.laio.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

/** The spin durations' parser: the spellings taken, and every other refused by name. */
class LaioTuningOptionTest {
    private static final LaioTuningOption.SpinConverter SPIN = new LaioTuningOption.SpinConverter();

    @Test
    void readsZeroAndEveryUnit() {
        assertEquals(Duration.ZERO, SPIN.convert("0"));
        assertEquals(Duration.ZERO, SPIN.convert("0us"));
        assertEquals(Duration.ofNanos(20_000), SPIN.convert("20us"));
        assertEquals(Duration.ofNanos(50_000), SPIN.convert(" 50US "));
        assertEquals(Duration.ofNanos(7_000), SPIN.convert("7µs"));
        assertEquals(Duration.ofMillis(1), SPIN.convert("1ms"));
        assertEquals(Duration.ofNanos(1500), SPIN.convert("1500ns"));
        assertEquals(Duration.ofSeconds(2), SPIN.convert("2s"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"20", "-1us", "1.5ms", "fast", "us", "", "20 us", "20m", "9999999999ms"})
    void refusesAnythingElseNamingTheInput(String bad) {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> SPIN.convert(bad));
        assertTrue(e.getMessage().contains("'" + bad + "' is not a spin duration"), e.getMessage());
    }

    @Test
    void formatsAsItReads() {
        for (String s : new String[] {"0", "20us", "1ms", "1500ns"}) {
            assertEquals(s, LaioTuningOption.SpinConverter.format(SPIN.convert(s)));
        }
    }
}
