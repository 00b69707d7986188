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

import io.laio.event.spi.Backend;
import io.laio.event.spi.ReadySink;
import java.util.concurrent.locks.LockSupport;

/**
 * The backend used when no {@link io.laio.event.spi.BackendProvider} is on the path: it
 * watches no channels and sleeps with {@link LockSupport#parkNanos}. Timers, tasks, signals
 * and LAIO completions work as with any backend.
 */
final class ParkingBackend implements Backend {
    private volatile Thread sleeper;
    private volatile boolean permit;

    @Override
    public String name() {
        return "parking";
    }

    @Override
    public boolean accepts(Object source) {
        return false;
    }

    @Override
    public Object register(Object source, int interest, Object attachment) {
        throw new UnsupportedOperationException("the parking backend watches no channels: put event-nio on the path");
    }

    @Override
    public void modify(Object key, int interest) {
        throw new UnsupportedOperationException("the parking backend watches no channels");
    }

    @Override
    public void cancel(Object key) {
        // nothing is ever registered
    }

    @Override
    public int poll(long timeoutNanos, ReadySink sink) {
        if (timeoutNanos == 0) {
            permit = false;
            return 0;
        }
        sleeper = Thread.currentThread();
        // permit is read after sleeper is published: a wakeup() that missed the thread set the permit first
        if (!permit) {
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        }
        permit = false;
        return 0;
    }

    @Override
    public void wakeup() {
        permit = true;
        Thread t = sleeper;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void close() {
        // no resources
    }
}
