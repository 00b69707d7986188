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

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.laio.Errno;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The small parts of the server: ranges, dates, paths, MIME types and errno-to-status. */
class HttpPiecesTest {
    @Test
    void byteRangesResolveAgainstTheFileSize() {
        ByteRange r = new ByteRange();
        assertEquals(ByteRange.SATISFIABLE, r.resolve("bytes=0-0", 10));
        assertEquals(1, r.length());
        assertEquals(ByteRange.SATISFIABLE, r.resolve("bytes=5-100", 10));
        assertEquals(9, r.last);
        assertEquals(ByteRange.SATISFIABLE, r.resolve("bytes=-100", 10));
        assertEquals(0, r.first);
        assertEquals(ByteRange.UNSATISFIABLE, r.resolve("bytes=10-", 10));
        assertEquals(ByteRange.UNSATISFIABLE, r.resolve("bytes=-0", 10));
        assertEquals(ByteRange.NONE, r.resolve("bytes=5-4", 10));
        assertEquals(ByteRange.NONE, r.resolve("bytes=a-b", 10));
        assertEquals(ByteRange.NONE, r.resolve("items=0-1", 10));
        assertEquals(ByteRange.NONE, r.resolve("bytes=0-1,3-4", 10));
        assertEquals(ByteRange.NONE, r.resolve(null, 10));
    }

    @Test
    void httpDatesParseAllThreeFormatsAndFormatImfFixdate() {
        assertEquals(784111777, HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT"));
        assertEquals(784111777, HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT"));
        assertEquals(784111777, HttpDates.parse("Sun Nov  6 08:49:37 1994"));
        assertEquals(Long.MIN_VALUE, HttpDates.parse("yesterday"));
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDates.format(784111777));
        HttpDates d = new HttpDates();
        assertEquals(d.now(784111777_000L), d.now(784111777_999L));
    }

    @Test
    void httpDatesFormatAgreesWithJavaTimeAcrossLeapDaysCenturiesAndRandomInstants() {
        DateTimeFormatter imf = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
        List<Long> seconds = new ArrayList<>(List.of(0L, -1L, 86_399L, 86_400L,
                951_782_400L /* 2000-02-29 */, 951_868_799L, 4_107_542_400L /* 2100-03-01 */, 253_402_300_799L /* 9999-12-31 */,
                -62_135_596_800L /* 0001-01-01 */, -2_208_988_800L /* 1900-01-01 */));
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            seconds.add(random.nextLong(-62_000_000_000L, 253_402_300_000L));
        }
        for (long s : seconds) {
            assertEquals(imf.format(Instant.ofEpochSecond(s)), HttpDates.format(s), "epoch second " + s);
        }
    }

    @Test
    void pathsAreDecodedAndNormalizedAndDotDotIsRefused() {
        assertEquals("a/b c.txt", path("/a//./b%20c.txt?q=1#f"));
        assertEquals(".", path("/"));
        assertEquals("x", path("http://host/x"));
        assertEquals("403", path("/a/%2e%2E/b"));
        assertEquals("403", path("/a/..%2fb"));
        assertEquals("400", path("/a%00b"));
        assertEquals("400", path("/a%2"));
        assertEquals("400", path("a"));
        RequestPath p = new RequestPath();
        p.parse("/d/".getBytes(StandardCharsets.US_ASCII), 3);
        p.appendIndex();
        assertEquals("d/index.html", p.toString());
    }

    private static String path(String target) {
        RequestPath p = new RequestPath();
        byte[] t = target.getBytes(StandardCharsets.ISO_8859_1);
        int s = p.parse(t, t.length);
        return s != 0 ? String.valueOf(s) : p.toString();
    }

    @Test
    void mimeTypesComeFromTheLastSegmentsExtension() {
        assertEquals("text/html; charset=utf-8", mime("a/b.HTML"));
        assertEquals("image/png", mime("x.png"));
        assertEquals("application/octet-stream", mime("dir.d/noext"));
        assertEquals("application/octet-stream", mime("x.unknown"));
    }

    @Test
    void openFailuresMapToStatuses() {
        assertEquals(404, Connection.openFailure(Errno.ENOENT));
        assertEquals(404, Connection.openFailure(Errno.ENOTDIR));
        assertEquals(403, Connection.openFailure(Errno.EXDEV), "a symlink out of the root (RESOLVE_BENEATH)");
        assertEquals(403, Connection.openFailure(Errno.EACCES));
        assertEquals(403, Connection.openFailure(Errno.ELOOP));
        assertEquals(503, Connection.openFailure(Errno.EMFILE));
        assertEquals(500, Connection.openFailure(Errno.EIO), "an I/O error");
        assertEquals(500, Connection.openFailure(Errno.ENOMEM));
    }

    private static String mime(String p) {
        byte[] b = p.getBytes(StandardCharsets.US_ASCII);
        return MimeTypes.of(b, b.length);
    }
}
