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

import io.laio.LaioConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The LAIO and loop spins a server runs with: {@code --helper-spin}, {@code --loop-spin} and
 * {@code --spin-before-sleep} (a picocli mixin, so every server reads and checks them alike).
 * An option left out keeps the library's default; each is the same on every loop.
 */
public final class LaioTuningOption {
    /** The longest LAIO spin {@code LaioConfig.Builder} takes. */
    static final Duration MAX_LAIO_SPIN = Duration.ofMillis(10);
    /** The longest loop spin {@code EventLoopGroup.Builder.spinBeforeSleep} takes. */
    static final Duration MAX_LOOP_SPIN = Duration.ofMillis(1);

    @Option(names = "--helper-spin", converter = SpinConverter.class,
            description = "how long an idle LAIO helper spins for work before it parks, 0..10ms, e.g. 0, 20us "
                    + "(default: LaioConfig's, 20us)")
    Duration helperSpin;

    @Option(names = "--loop-spin", converter = SpinConverter.class,
            description = "how long a loop with LAIO calls in flight spins for a completion before it sleeps, 0..10ms, "
                    + "e.g. 0, 50us (default: LaioConfig's, 50us)")
    Duration loopSpin;

    @Option(names = "--spin-before-sleep", converter = SpinConverter.class,
            description = "how long a loop spins on its task queue and attached sources before it sleeps, 0..1ms "
                    + "(default: EventBase's, 5us on more than one CPU, else 0)")
    Duration spinBeforeSleep;

    /**
     * Checks the values given against the library's ranges.
     *
     * @throws picocli.CommandLine.ParameterException naming the option if one is out of range
     */
    public void check(Check check) {
        within(check, "--helper-spin", helperSpin, MAX_LAIO_SPIN);
        within(check, "--loop-spin", loopSpin, MAX_LAIO_SPIN);
        within(check, "--spin-before-sleep", spinBeforeSleep, MAX_LOOP_SPIN);
    }

    private static void within(Check check, String option, Duration d, Duration max) {
        if (d != null && d.compareTo(max) > 0) {
            throw check.fail(option + " must be at most " + SpinConverter.format(max) + ", not " + SpinConverter.format(d));
        }
    }

    /** {@code --helper-spin}, or null for the default. */
    public Duration helperSpin() {
        return helperSpin;
    }

    /** {@code --loop-spin}, or null for the default. */
    public Duration loopSpin() {
        return loopSpin;
    }

    /** {@code --spin-before-sleep}, or null for the default. */
    public Duration spinBeforeSleep() {
        return spinBeforeSleep;
    }

    /**
     * A LAIO configuration with the LAIO spins given and every other setting at its default, or
     * null when neither {@code --helper-spin} nor {@code --loop-spin} was given.
     */
    public LaioConfig laioConfig() {
        if (helperSpin == null && loopSpin == null) {
            return null;
        }
        return laioConfig(LaioConfig.builder());
    }

    /** The spins given, set on {@code b} (the others as {@code b} has them); never null. */
    public LaioConfig laioConfig(LaioConfig.Builder b) {
        if (helperSpin != null) {
            b.helperSpin(helperSpin);
        }
        if (loopSpin != null) {
            b.loopSpin(loopSpin);
        }
        return b.build();
    }

    /** What was set, for the start-up line: empty when every spin keeps its default. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        if (helperSpin != null) {
            s.append(", helper spin ").append(SpinConverter.format(helperSpin));
        }
        if (loopSpin != null) {
            s.append(", loop spin ").append(SpinConverter.format(loopSpin));
        }
        if (spinBeforeSleep != null) {
            s.append(", spin before sleep ").append(SpinConverter.format(spinBeforeSleep));
        }
        return s.toString();
    }

    /**
     * A short duration: {@code 0}, or a whole number with a unit, {@code ns}, {@code us} (or
     * {@code µs}), {@code ms} or {@code s}: "0", "20us", "50us", "1ms". A bare number other than 0
     * is refused, as its unit would be a guess; so are negative and fractional values.
     */
    public static final class SpinConverter implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ns|us|µs|ms|s)?");

        @Override
        public Duration convert(String s) {
            Matcher m = FORM.matcher(s.strip().toLowerCase(Locale.ROOT));
            if (!m.matches() || (m.group(2) == null && Long.parseLong(m.group(1)) != 0)) {
                throw new TypeConversionException("'" + s + "' is not a spin duration (0, or a whole number of ns, us, ms or s:"
                        + " 20us, 50us, 1ms)");
            }
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ns" : m.group(2);
            return switch (unit) {
                case "ns" -> Duration.ofNanos(n);
                case "us", "µs" -> Duration.ofNanos(n * 1_000);
                case "ms" -> Duration.ofMillis(n);
                default -> Duration.ofSeconds(n);
            };
        }

        /** In the largest unit that keeps it whole, as the converter reads it back. */
        static String format(Duration d) {
            long ns = d.toNanos();
            if (ns == 0) {
                return "0";
            }
            if (ns % 1_000_000_000 == 0) {
                return ns / 1_000_000_000 + "s";
            }
            if (ns % 1_000_000 == 0) {
                return ns / 1_000_000 + "ms";
            }
            return ns % 1_000 == 0 ? ns / 1_000 + "us" : ns + "ns";
        }
    }
}
