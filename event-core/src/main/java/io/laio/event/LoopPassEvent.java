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

/**
 * JFR event: one loop pass that took at least the threshold (20 ms by default), from the end of
 * its wait to the end of its callbacks. Enabled by default in every recording; allocated only
 * while a recording has it enabled. See docs/observability.md.
 */
@Name(LoopPassEvent.NAME)
@Label("Loop Pass")
@Category({"laio", "Event Loop"})
@Description("A pass of a laio event loop (timers, tasks, completions and callbacks, after its wait) that took at least the threshold")
@StackTrace(false)
@Threshold("20 ms")
final class LoopPassEvent extends Event {
    static final String NAME = "io.laio.LoopPass";

    /** Never committed: asked whether a recording enables the event, so a pass allocates only then. */
    static final LoopPassEvent PROBE = new LoopPassEvent();

    @Label("Backend")
    String backend;

    @Label("Callbacks")
    @Description("Event callbacks run in the pass")
    int callbacks;

    @Label("Still Active")
    @Description("Events left active for a later pass (lower priorities, or made active during the pass)")
    int stillActive;

    @Label("Queued Tasks")
    @Description("execute() tasks queued at the end of the pass")
    int queuedTasks;
}
