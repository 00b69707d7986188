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

package io.laio.examples.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out, and the three formats a recipient must accept
 * in. The Date header is formatted once per second, not once per response.
 */
final class HttpDates {
    private static final DateTimeFormatter IMF = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    /** Two-digit years read as 1970–2069, the window RFC 9110 asks of a recipient today. */
    private static final DateTimeFormatter RFC850 = new DateTimeFormatterBuilder().appendPattern("EEEE, dd-MMM-")
            .appendValueReduced(ChronoField.YEAR, 2, 2, 1970).appendPattern(" HH:mm:ss 'GMT'")
            .toFormatter(Locale.US).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
            .withZone(ZoneOffset.UTC);

    private static final List<DateTimeFormatter> FORMATS = List.of(IMF, RFC850, ASCTIME);

    private long cachedSecond = Long.MIN_VALUE;
    private String cached;

    /** The current time as an IMF-fixdate, recomputed at most once per second. */
    String now(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second != cachedSecond) {
            cached = format(second);
            cachedSecond = second;
        }
        return cached;
    }

    private static final String DAYS = "ThuFriSatSunMonTueWed"; // 1970-01-01 was a Thursday
    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

    /**
     * IMF-fixdate of {@code epochSecond}, by calendar arithmetic: a Last-Modified is formatted
     * per response whose file differs from the connection's last, and java.time's formatter
     * cost more than the rest of the head. Years outside 0000–9999 go to java.time.
     */
    static String format(long epochSecond) {
        long days = Math.floorDiv(epochSecond, 86_400);
        int secs = (int) Math.floorMod(epochSecond, 86_400);
        // civil-from-days over 400-year eras of 146,097 days, years starting in March
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        int doe = (int) (z - era * 146_097);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999) {
            return IMF.format(Instant.ofEpochSecond(epochSecond));
        }
        byte[] b = new byte[29];
        int w = (int) Math.floorMod(days, 7) * 3;
        int m = (month - 1) * 3;
        b[0] = (byte) DAYS.charAt(w);
        b[1] = (byte) DAYS.charAt(w + 1);
        b[2] = (byte) DAYS.charAt(w + 2);
        b[3] = ',';
        b[4] = ' ';
        two(b, 5, day);
        b[7] = ' ';
        b[8] = (byte) MONTHS.charAt(m);
        b[9] = (byte) MONTHS.charAt(m + 1);
        b[10] = (byte) MONTHS.charAt(m + 2);
        b[11] = ' ';
        two(b, 12, (int) (year / 100));
        two(b, 14, (int) (year % 100));
        b[16] = ' ';
        two(b, 17, secs / 3600);
        b[19] = ':';
        two(b, 20, secs / 60 % 60);
        b[22] = ':';
        two(b, 23, secs % 60);
        b[25] = ' ';
        b[26] = 'G';
        b[27] = 'M';
        b[28] = 'T';
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static void two(byte[] b, int at, int v) {
        b[at] = (byte) ('0' + v / 10);
        b[at + 1] = (byte) ('0' + v % 10);
    }

    /** The date's epoch second, or {@link Long#MIN_VALUE} if it is in none of the three formats. */
    static long parse(String s) {
        for (DateTimeFormatter f : FORMATS) {
            try {
                return ZonedDateTime.parse(s.strip(), f).toEpochSecond();
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        return Long.MIN_VALUE;
    }

    HttpDates() {}
}
