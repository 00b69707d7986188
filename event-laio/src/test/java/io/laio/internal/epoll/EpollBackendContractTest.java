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

package io.laio.internal.epoll;

import io.laio.Sys;
import io.laio.event.EventBase;
import io.laio.event.contract.BackendContract;
import io.laio.internal.Native;
import io.laio.internal.Syscalls;
import io.laio.Descriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The backend contract on the epoll backend; its readable source is a pipe's read end, as a {@link Descriptor}. */
class EpollBackendContractTest extends BackendContract {
    @Override
    protected EventBase newBase() {
        return EventBase.create("epoll");
    }

    @Override
    protected ReadableSource openReadable() {
        int[] p = Native.pipe();
        Native.sys(Sys.SYS_fcntl, p[0], 4 /* F_SETFL */, 04000 /* O_NONBLOCK */); // drain() must not block
        return new PipeFds(p[0], p[1], new Descriptor(p[0]));
    }

    private record PipeFds(int read, int write, Descriptor fd) implements ReadableSource {
        @Override
        public Object source() {
            return fd;
        }

        @Override
        public void makeReadable() {
            Native.writeByte(write, (byte) 1);
        }

        @Override
        public void drain() {
            MemorySegment buf = Arena.ofAuto().allocate(256);
            while (Syscalls.call(Native.CAPTURE, Sys.SYS_read, read, buf.address(), 256) > 0) {
                // until EAGAIN
            }
        }

        @Override
        public void close() {
            Native.close(read);
            Native.close(write);
        }
    }
}
