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

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/**
 * The sub-commands' checks of their options' values, each failing with a
 * {@link ParameterException}: one line naming the option, and exit code 2 (see {@link Main}).
 * Values are checked here, in the commands, before they reach a server.
 */
public final class Check {
    private final CommandSpec spec;

    private Check(CommandSpec spec) {
        this.spec = spec;
    }

    /** Checks for the command {@code spec} (a command's {@code @Spec} field). */
    public static Check of(CommandSpec spec) {
        return new Check(spec);
    }

    /** Refuses the command line with {@code message}. */
    public ParameterException fail(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** A TCP port to listen on: 0 (any free one) to 65535. */
    public int listenPort(String option, int port) {
        return (int) range(option, port, 0, 65535);
    }

    /** {@code value}, if it is in {@code min..max}. */
    public long range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw fail(option + " must be in " + min + ".." + max + ", not " + value);
        }
        return value;
    }

    /** {@code value}, if it is at least {@code min}. */
    public long atLeast(String option, long value, long min) {
        if (value < min) {
            throw fail(option + " must be at least " + min + ", not " + value);
        }
        return value;
    }

    /** A duration greater than zero and at most {@code max}. */
    public Duration positive(String option, Duration d, Duration max) {
        if (d.isNegative() || d.isZero()) {
            throw fail(option + " must be longer than zero, not " + DurationConverter.format(d));
        }
        if (d.compareTo(max) > 0) {
            throw fail(option + " must be at most " + DurationConverter.format(max) + ", not " + DurationConverter.format(d));
        }
        return d;
    }

    /** {@code bind}, if it is an IPv4 address; {@code who} says what listens on a raw IPv4 socket and the way out. */
    public InetAddress ipv4(String option, InetAddress bind, String who) {
        if (!(bind instanceof java.net.Inet4Address)) {
            throw fail(option + " " + bind.getHostAddress() + ": " + who);
        }
        return bind;
    }

    /** {@code dir}, made if it does not exist, if it is a directory the process may write into. */
    public Path writableDirectory(String option, Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw fail(option + " " + dir + " is not a directory");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : Main.describe(e);
            throw fail(option + " " + dir + ": cannot create it: " + why);
        }
        if (!Files.isWritable(dir)) {
            throw fail(option + " " + dir + " is not writable");
        }
        return dir;
    }

    /** An existing directory, or null if none was given. */
    public Path directory(String option, Path dir) {
        if (dir != null && !Files.isDirectory(dir)) {
            throw fail(option + " " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist"));
        }
        return dir;
    }

    /**
     * Explains a failure to open a listening socket at {@code bind:port} ("in use", "permission
     * denied") in words, or returns {@code e} as it is when it is another kind of failure.
     */
    public static IOException listenFailure(IOException e, InetAddress bind, int port) {
        String m = String.valueOf(e.getMessage());
        String where = "cannot listen on " + new InetSocketAddress(bind, port).toString().replaceFirst("^[^/]*/", "");
        if (m.contains("EADDRINUSE") || m.contains("Address already in use")) {
            return new IOException(where + ": the port is in use (another server? --port 0 picks a free one)", e);
        }
        if (m.contains("EADDRNOTAVAIL") || m.contains("Cannot assign requested address")) {
            return new IOException(where + ": no interface of this machine has that address", e);
        }
        if (m.contains("EACCES") || m.contains("Permission denied")) {
            return new IOException(where + ": permission denied (ports below 1024 need privileges)", e);
        }
        return e instanceof BindException ? new IOException(where + ": " + m, e) : e;
    }

    /**
     * "500ms", "20s", "1.5s", "2m", "1h", or a bare number of seconds; at most a day. Zero and
     * negative durations convert, for the option's own check to refuse by name.
     */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)");

        @Override
        public Duration convert(String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            long unitMillis;
            String number;
            if (t.endsWith("ms")) {
                unitMillis = 1;
                number = t.substring(0, t.length() - 2);
            } else if (t.endsWith("s")) {
                unitMillis = 1000;
                number = t.substring(0, t.length() - 1);
            } else if (t.endsWith("m")) {
                unitMillis = 60_000;
                number = t.substring(0, t.length() - 1);
            } else if (t.endsWith("h")) {
                unitMillis = 3_600_000;
                number = t.substring(0, t.length() - 1);
            } else {
                unitMillis = 1000;
                number = t;
            }
            number = number.strip();
            if (!NUMBER.matcher(number).matches()) {
                throw new TypeConversionException("'" + s + "' is not a duration (e.g. 500ms, 20s, 2m)");
            }
            double n = Double.parseDouble(number);
            if (Math.abs(n * unitMillis) > 1e15) {
                throw new TypeConversionException("'" + s + "' is not a duration (e.g. 500ms, 20s, 2m)");
            }
            return Duration.ofMillis(Math.round(n * unitMillis));
        }

        /** As the converter reads it back. */
        static String format(Duration d) {
            long ms = d.toMillis();
            return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
    }

    /** An IP address, or a host name resolved to one. */
    public static final class AddressConverter implements ITypeConverter<InetAddress> {
        @Override
        public InetAddress convert(String s) {
            try {
                return InetAddress.getByName(s.strip());
            } catch (UnknownHostException e) {
                throw new TypeConversionException("'" + s + "' is neither an IP address nor a host name that resolves");
            }
        }
    }

    /**
     * An enum option spelled as its constants' {@code toString()} (or names), any case, so that
     * {@code --help} can list the spellings with {@code ${COMPLETION-CANDIDATES}} and a wrong
     * one is answered with them. Subclass it with a no-argument constructor per enum.
     */
    public abstract static class EnumConverter<E extends Enum<E>> implements ITypeConverter<E> {
        private final Class<E> type;

        protected EnumConverter(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String s) {
            String t = s.strip();
            for (E e : type.getEnumConstants()) {
                if (e.toString().equalsIgnoreCase(t) || e.name().equalsIgnoreCase(t)) {
                    return e;
                }
            }
            throw new TypeConversionException("'" + s + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(E::toString).collect(Collectors.joining(", ")));
        }
    }
}
