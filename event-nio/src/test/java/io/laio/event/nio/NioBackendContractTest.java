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

package io.laio.event.nio;

import io.laio.event.contract.BackendContract;
import io.laio.event.EventBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;

/** The backend contract on the selector backend; its readable source is a pipe's source channel. */
class NioBackendContractTest extends BackendContract {
    @Override
    protected EventBase newBase() {
        return EventBase.create("nio");
    }

    @Override
    protected ReadableSource openReadable() {
        try {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            return new PipeSource(pipe);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record PipeSource(Pipe pipe) implements ReadableSource {
        @Override
        public Object source() {
            return pipe.source();
        }

        @Override
        public void makeReadable() {
            try {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void drain() {
            ByteBuffer b = ByteBuffer.allocate(256);
            try {
                while (pipe.source().read(b.clear()) > 0) {
                    // until nothing is left
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            try {
                pipe.source().close();
                pipe.sink().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
