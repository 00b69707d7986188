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

package io.laio.bench.peers;

import io.laio.bench.core.LoopThread;
import io.laio.event.EventBase;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import java.util.function.Consumer;

/**
 * The loops the JMH peers benchmarks compare, each on a thread of its own: laio's
 * {@link EventBase} on a backend ({@code nio}: event-nio's selector; {@code epoll}: event-laio's)
 * and Netty's one-thread {@link MultiThreadIoEventLoopGroup} on a transport (epoll, io_uring, nio).
 */
final class Loops {
    private Loops() {
    }

    /** A laio loop on {@code backend}, running on its own thread; {@code beforeStart} runs on this thread first (e.g. Laio.attach). */
    static LoopThread laio(String backend, Consumer<EventBase> beforeStart) {
        EventBase base = EventBase.create(backend);
        beforeStart.accept(base);
        return new LoopThread(base, "laio-" + backend);
    }

    /** Netty's I/O handler factory for a transport name: epoll, io_uring or nio. */
    static IoHandlerFactory nettyIo(String transport) {
        return switch (transport) {
            case "epoll" -> {
                Epoll.ensureAvailability();
                yield EpollIoHandler.newFactory();
            }
            case "io_uring" -> {
                IoUring.ensureAvailability();
                yield IoUringIoHandler.newFactory();
            }
            case "nio" -> NioIoHandler.newFactory();
            default -> throw new IllegalArgumentException("transport " + transport);
        };
    }

    static Class<? extends ServerChannel> nettyServerChannel(String transport) {
        return switch (transport) {
            case "epoll" -> EpollServerSocketChannel.class;
            case "io_uring" -> IoUringServerSocketChannel.class;
            case "nio" -> NioServerSocketChannel.class;
            default -> throw new IllegalArgumentException("transport " + transport);
        };
    }

    static EventLoopGroup nettyGroup(String transport) {
        return new MultiThreadIoEventLoopGroup(1, nettyIo(transport));
    }

    static EventLoop nettyLoop(EventLoopGroup group) {
        return group.next();
    }
}
