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

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * JFR event: one event callback that held the loop for at least the threshold (10 ms by
 * default). No stack trace: at the commit the callback has returned, so the stack would show the
 * loop only; the callback's class names it. Enabled by default in every recording; allocated
 * only while a recording has it enabled.
 */
@Name(CallbackEvent.NAME)
@Label("Loop Callback")
@Category({"laio", "Event Loop"})
@Description("An event callback on a laio loop that took at least the threshold")
@StackTrace(false)
@Threshold("10 ms")
final class CallbackEvent extends Event {
    static final String NAME = "io.laio.Callback";

    /** Never committed: asked whether a recording enables the event. */
    static final CallbackEvent PROBE = new CallbackEvent();

    @Label("Callback Class")
    String callbackClass;

    @Label("Event")
    @Description("The event, as Event.toString() shows it")
    String event;

    @Label("What")
    @Description("The Ev flags the callback received, e.g. READ or TIMEOUT")
    String what;

    @Label("Lag")
    @Description("From the moment the event became active to the start of its callback")
    @Timespan(Timespan.NANOSECONDS)
    long lag;
}
