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

import java.text.MessageFormat;
import java.util.ResourceBundle;

/** A {@link System.Logger} that keeps every record's text, for tests of the fallback without slf4j. */
final class RecordingPlatformLogger implements System.Logger {
    private final StringBuffer text = new StringBuffer(); // loops may log from their own threads

    /** Everything logged so far, one record after another. */
    String text() {
        return text.toString();
    }

    @Override
    public String getName() {
        return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
        return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        text.append(msg).append('\n');
        if (thrown != null) {
            text.append(thrown).append('\n'); // what a handler prints first of the stack trace
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        text.append(params == null || params.length == 0 ? format : MessageFormat.format(format, params)).append('\n');
    }
}
