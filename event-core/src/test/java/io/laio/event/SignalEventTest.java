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

package io.laio.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.laio.event.contract.CrossThreadFailures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SignalEventTest {

    @Test
    void aSignalSentToTheProcessRunsItsCallbackOnTheLoopThread() throws Exception {
        try (EventBase base = EventBase.create(new ParkingBackend())) {
            List<String> seen = new ArrayList<>();
            Thread[] ranOn = new Thread[1];
            Event sig = Event.set(base, "USR2", Ev.SIGNAL | Ev.PERSIST, (e, w, a) -> {
                seen.add(Ev.toString(w));
                ranOn[0] = Thread.currentThread();
                if (seen.size() == 2) {
                    e.del();
                    base.loopBreak();
                }
            }, null);
            sig.add();
            CrossThreadFailures failures = new CrossThreadFailures();
            base.setUncaughtHandler(failures.uncaughtHandler());
            Thread sender = failures.start("sender", () -> { // kill's exit status is asserted there
                kill("USR2");
                Thread.sleep(200);
                kill("USR2");
            });
            base.loopExit(Duration.ofSeconds(20)); // a hang guard only
            base.dispatch();
            sender.join();
            failures.assertNone();
            assertEquals(List.of("SIGNAL", "SIGNAL"), seen, "signals may coalesce, but both were 200 ms apart");
            assertEquals(Thread.currentThread(), ranOn[0]);
        }
    }

    @Test
    void aSignalTheJvmReservesIsRefusedWithAClearError() {
        try (EventBase base = EventBase.create(new ParkingBackend())) {
            Event ev = Event.set(base, "SEGV", Ev.SIGNAL, (e, w, a) -> { }, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ev::add);
            assertTrue(e.getMessage().contains("SEGV"), e.getMessage());
            assertEquals(0, base.insertedCount());
        }
    }

    private static void kill(String sig) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(ProcessHandle.current().pid())).inheritIO().start();
        assertEquals(0, p.waitFor());
    }
}
