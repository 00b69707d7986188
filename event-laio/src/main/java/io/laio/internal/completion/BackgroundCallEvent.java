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

package io.laio.internal.completion;

import io.laio.Errno;
import io.laio.Sys;
import io.laio.internal.LaioCall;
import io.laio.internal.lanes.Background;
import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event: one LAIO call that went to the background and took at least the threshold (10 ms
 * by default) from its hand-over (to a helper lane or a socket wait) to the posting of its
 * completion. It begins on the submitting thread and is committed by the thread that posts the
 * completion (a helper, the socket waiter or the loop), so its thread is that one. Enabled by
 * default in every recording; allocated only for calls submitted while a recording has it
 * enabled, and this class is loaded only once JFR is up.
 */
@Name(BackgroundCallEvent.NAME)
@Label("LAIO Background Call")
@Category({"laio", "LAIO"})
@Description("A LAIO call that could not complete inline, from its hand-over to the background to its completion")
@StackTrace(false)
@Threshold("10 ms")
public final class BackgroundCallEvent extends Event {
    /** The event's name in recordings. */
    public static final String NAME = "io.laio.LaioBackgroundCall";

    /** Never committed: asked whether a recording enables the event. */
    private static final BackgroundCallEvent PROBE = new BackgroundCallEvent();

    @Label("Syscall")
    @Description("The x86_64 system call number (Sys), or -1 for a Java call (Laio.call)")
    long syscall;

    @Label("Syscall Name")
    String syscallName;

    @Label("Route")
    @Description("Where it waited: data lane, metadata lane, java lane, socket wait or pipe wait")
    String route;

    @Label("Result")
    @Description("The call's return value (-1 on failure)")
    long result;

    @Label("Errno")
    @Description("The errno's name on failure (ECANCELED for a cancelled call), empty on success")
    String errno;

    /**
     * Submitting thread, as {@code h} goes to the background: begins an event for it if a
     * recording enables the event. Cheap when none does: the class is not even loaded until JFR
     * is up.
     */
    public static void begin(LaioCall h) {
        if (FlightRecorder.isInitialized() && PROBE.isEnabled()) {
            BackgroundCallEvent e = new BackgroundCallEvent();
            e.begin();
            h.jfr = e;
        }
    }

    /** The thread posting {@code h}'s completion: commits the event begun for it, if any. */
    static void commit(LaioCall h) {
        BackgroundCallEvent e = (BackgroundCallEvent) h.jfr;
        h.jfr = null;
        e.end();
        if (e.shouldCommit()) {
            e.syscall = h.nr;
            e.syscallName = h.nr < 0 ? "java" : Sys.name(h.nr);
            e.route = Background.routeName(h.route);
            e.result = h.result;
            e.errno = h.result == -1 ? Errno.name(h.errno) : "";
            e.commit();
        }
    }
}
