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

package io.laio.examples.kv;

/**
 * A connection's place among its loop's {@link GroupCommit} waiters, whatever its I/O
 * ({@link KvConnection}, {@link KvBufferedConnection}): registered at most once at a time, while
 * the connection holds replies for the log or the log's backlog holds its reading back, and
 * cleared before the connection is told, so that telling it may register it again.
 *
 * <p>Loop thread only (the connection's).
 */
final class LogWaiter implements GroupCommit.Waiter {
    private final GroupCommit log;
    private final Runnable moved;
    private final Runnable failed;
    private boolean waiting;

    /**
     * @param moved  run when the log acknowledged more: the connection sends what it may now, and
     *               calls {@link #register} again if replies are still held
     * @param failed run when the log failed: the replies held for it can never be sent
     */
    LogWaiter(GroupCommit log, Runnable moved, Runnable failed) {
        this.log = log;
        this.moved = moved;
        this.failed = failed;
    }

    /** Has the connection told when the log moves on; does nothing while it is registered already. */
    void register() {
        if (!waiting) {
            waiting = true;
            log.addWaiter(this);
        }
    }

    @Override
    public boolean durable(long ackedLsn) {
        waiting = false;
        moved.run();
        return false; // moved registers again if it must: one place decides
    }

    @Override
    public void logFailed() {
        waiting = false;
        failed.run();
    }
}
