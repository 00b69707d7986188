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

package io.laio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code io.laio.LaioBackgroundCall} JFR event: a call that went to the background and took
 * at least its threshold (10 ms) is in the recording with its number, name, route, result and
 * errno; a quicker one is not.
 */
@Timeout(60)
class BackgroundCallEventTest {
    private static final String NAME = "io.laio.LaioBackgroundCall";

    @Test
    void aSlowBackgroundCallIsRecordedAndAQuickOneIsNot() throws Exception {
        Path dump = Files.createTempFile("laio-jfr", ".jfr");
        try (Recording r = new Recording(); Laio laio = Laio.create()) {
            r.enable(NAME); // the threshold stays the event's default, 10 ms
            r.start();
            assertEquals(-1, laio.nanosleep(Duration.ofMillis(40)));
            assertEquals(Errno.EINPROGRESS, Laio.errno());
            awaitOne(laio);
            assertEquals(-1, laio.nanosleep(Duration.ofNanos(1000)));
            awaitOne(laio);
            r.stop();
            r.dump(dump);
            List<RecordedEvent> events = RecordingFile.readAllEvents(dump).stream()
                    .filter(e -> e.getEventType().getName().equals(NAME)).toList();
            // The quick call is recorded only if it really took the threshold's 10 ms (a loaded
            // machine can delay a helper's hand-off that long): every event is over the threshold,
            // and exactly one covers the 40 ms sleep.
            for (RecordedEvent x : events) {
                assertTrue(x.getDuration().toMillis() >= 10, "only calls over the threshold: " + events);
            }
            List<RecordedEvent> slow = events.stream().filter(x -> x.getDuration().toMillis() >= 35).toList();
            assertEquals(1, slow.size(), "the slow call, once, its duration covering the sleep: " + events);
            RecordedEvent e = slow.get(0);
            assertEquals(Sys.SYS_nanosleep, e.getLong("syscall"));
            assertEquals("nanosleep", e.getString("syscallName"));
            assertTrue(e.getString("route").endsWith("lane"), e.getString("route"));
            assertEquals(0, e.getLong("result"));
            assertEquals("", e.getString("errno"));
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private static void awaitOne(Laio laio) {
        LaioCompletion[] out = {new LaioCompletion()};
        assertEquals(1, laio.poll(out, 1, Duration.ofSeconds(10)));
        assertEquals(0, out[0].errno());
    }
}
