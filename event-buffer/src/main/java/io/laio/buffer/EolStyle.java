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

package io.laio.buffer;

/**
 * How {@link EvBuffer#readLine(EolStyle)} finds the end of a line: libevent's
 * {@code evbuffer_eol_style}, with the same meaning.
 */
public enum EolStyle {
    /** Any run of CR and LF characters ends a line ({@code EVBUFFER_EOL_ANY}); the whole run is drained. */
    ANY,
    /** LF, optionally preceded by CR ({@code EVBUFFER_EOL_CRLF}): for protocols that say CRLF but meet LF too. */
    CRLF,
    /** Exactly CR LF ({@code EVBUFFER_EOL_CRLF_STRICT}); a lone LF or CR stays in the line. */
    CRLF_STRICT,
    /** LF alone ({@code EVBUFFER_EOL_LF}); a CR before it stays in the line. */
    LF,
    /** A NUL byte ({@code EVBUFFER_EOL_NUL}). */
    NUL
}
