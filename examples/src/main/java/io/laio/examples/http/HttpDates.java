package io.laio.examples.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
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

    private static final java.util.List<DateTimeFormatter> FORMATS = java.util.List.of(IMF, RFC850, ASCTIME);

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

    static String format(long epochSecond) {
        return IMF.format(Instant.ofEpochSecond(epochSecond));
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
