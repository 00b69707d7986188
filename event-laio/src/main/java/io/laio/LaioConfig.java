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

package io.laio;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of one {@link Laio}; immutable. {@code LaioConfig.builder().maxHelpers(32).build()}.
 */
public final class LaioConfig {
    private final Policy policy;
    private final Policy[] perCall; // index: x86_64 syscall number; null: use policy
    private final int maxHelpers;
    private final int maxQueued;
    private final Duration helperIdle;
    private final Duration closeWait;
    private final Duration helperSpin;
    private final Duration loopSpin;
    private final RingMode ringMode;
    private final boolean closesThroughLaio;

    private LaioConfig(Builder b) {
        this.policy = b.policy;
        this.perCall = b.perCall.clone();
        this.maxHelpers = b.maxHelpers;
        this.maxQueued = b.maxQueued;
        this.helperIdle = b.helperIdle;
        this.closeWait = b.closeWait;
        this.helperSpin = b.helperSpin;
        this.loopSpin = b.loopSpin;
        this.ringMode = b.ringMode;
        this.closesThroughLaio = b.closesThroughLaio;
    }

    /**
     * A builder holding the defaults (those of {@link #defaults()}).
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: LAZY, 16 helpers, 1024 queued, helpers retire after 10 s idle. */
    public static LaioConfig defaults() {
        return builder().build();
    }

    /**
     * The policy of every syscall without an override of its own ({@link #policy(long)}), and
     * of {@link Laio#call(BlockingOp)}. Default {@link Policy#LAZY}.
     *
     * @return the default policy
     */
    public Policy policy() {
        return policy;
    }

    /** The policy for syscall {@code nr}: its override, or {@link #policy()}. */
    public Policy policy(long nr) {
        if (nr >= 0 && nr < perCall.length && perCall[(int) nr] != null) {
            return perCall[(int) nr];
        }
        return policy;
    }

    /**
     * The most helper threads alive at once, per lane (data, metadata and Java calls each
     * have a lane of up to this many), 1..4096. Default 16.
     *
     * @return the helper limit of each lane
     */
    public int maxHelpers() {
        return maxHelpers;
    }

    /**
     * How many background calls may wait for a helper beyond those running, 0..1,000,000: with
     * {@link #maxHelpers()} it bounds the calls in flight, and the call beyond the bound fails
     * with {@link Errno#EAGAIN}. Default 1024.
     *
     * @return the queue bound
     */
    public int maxQueued() {
        return maxQueued;
    }

    /**
     * How long a helper waits for work before its thread exits (positive). Default 10 s.
     *
     * @return the idle time after which a helper retires
     */
    public Duration helperIdle() {
        return helperIdle;
    }

    /**
     * How long an idle helper spins for work before it parks, 0..10 ms; zero never spins.
     * Default 20 µs.
     *
     * @return the helpers' spin time
     */
    public Duration helperSpin() {
        return helperSpin;
    }

    /**
     * How long an attached loop about to sleep spins for a completion while helper calls are in
     * flight, 0..10 ms; zero never spins. Default 50 µs.
     *
     * @return the loop's spin time
     */
    public Duration loopSpin() {
        return loopSpin;
    }

    /**
     * How long {@link Laio#close()} waits for running calls before it gives up on them (not
     * negative). Default 30 s.
     *
     * @return the close timeout
     */
    public Duration closeWait() {
        return closeWait;
    }

    /**
     * How calls use the loop's io_uring on a {@code "uring"} base ({@link RingMode}). Default
     * {@link RingMode#LAZY}.
     *
     * @return the ring mode
     */
    public RingMode ringMode() {
        return ringMode;
    }

    /**
     * Whether the application promises to close the sockets this {@link Laio} makes only through
     * laio ({@link Builder#closesThroughLaio}). Default false.
     *
     * @return the promise
     */
    public boolean closesThroughLaio() {
        return closesThroughLaio;
    }

    @Override
    public String toString() {
        StringBuilder overrides = new StringBuilder();
        for (int i = 0; i < perCall.length; i++) {
            if (perCall[i] != null) {
                overrides.append(' ').append(Sys.name(i)).append('=').append(perCall[i]);
            }
        }
        return "LaioConfig[policy=" + policy + overrides + ", maxHelpers=" + maxHelpers + ", maxQueued=" + maxQueued
                + ", helperIdle=" + helperIdle + ", helperSpin=" + helperSpin + ", loopSpin=" + loopSpin + ", ringMode=" + ringMode
                + ", closesThroughLaio=" + closesThroughLaio + "]";
    }

    /** Builds a {@link LaioConfig}; each setter checks its argument at once. */
    public static final class Builder {
        private Policy policy = Policy.LAZY;
        private final Policy[] perCall = new Policy[Sys.tableSize()];
        private int maxHelpers = 16;
        private int maxQueued = 1024;
        private Duration helperIdle = Duration.ofSeconds(10);
        private Duration closeWait = Duration.ofSeconds(30);
        private Duration helperSpin = Duration.ofNanos(20_000);
        private Duration loopSpin = Duration.ofNanos(50_000);
        private RingMode ringMode = RingMode.LAZY;
        private boolean closesThroughLaio;

        private Builder() {}

        /** The policy for every call without an override. Default {@link Policy#LAZY}. */
        public Builder policy(Policy p) {
            this.policy = Objects.requireNonNull(p, "policy");
            return this;
        }

        /** Overrides the policy for one syscall number ({@link Sys}); {@code null} removes it. */
        public Builder policy(long nr, Policy p) {
            if (nr < 0 || nr >= perCall.length) {
                throw new IllegalArgumentException("no syscall number " + nr + " in Sys (0.." + (perCall.length - 1) + ")");
            }
            perCall[(int) nr] = p;
            return this;
        }

        /** The most helper threads alive at once, 1..4096. Default 16. */
        public Builder maxHelpers(int n) {
            if (n < 1 || n > 4096) {
                throw new IllegalArgumentException("maxHelpers must be 1..4096, was " + n);
            }
            this.maxHelpers = n;
            return this;
        }

        /**
         * How many background calls may wait for a helper beyond those running, 0..1,000,000.
         * With {@code maxHelpers} this bounds the calls in flight; the next one fails with
         * {@link Errno#EAGAIN}. Default 1024.
         */
        public Builder maxQueued(int n) {
            if (n < 0 || n > 1_000_000) {
                throw new IllegalArgumentException("maxQueued must be 0..1000000, was " + n);
            }
            this.maxQueued = n;
            return this;
        }

        /** How long a helper waits for work before it exits. Default 10 s. */
        public Builder helperIdle(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("helperIdle must be positive, was " + d);
            }
            this.helperIdle = d;
            return this;
        }

        /** How long {@link Laio#close()} waits for running calls before it gives up on them. Default 30 s. */
        public Builder closeWait(Duration d) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("closeWait must not be negative, was " + d);
            }
            this.closeWait = d;
            return this;
        }

        /**
         * How long an idle helper spins for new work before it parks, 0..10 ms; zero never spins.
         * Spinning happens only on a machine with a core to spare (see {@link Laio}). Default 20 µs.
         */
        public Builder helperSpin(Duration d) {
            this.helperSpin = spin("helperSpin", d);
            return this;
        }

        /**
         * How long an attached loop about to sleep spins for a completion while helper calls are
         * in flight, 0..10 ms; zero never spins (a sleeping hand-off costs 15-30 µs on a VM).
         * Default 50 µs.
         */
        public Builder loopSpin(Duration d) {
            this.loopSpin = spin("loopSpin", d);
            return this;
        }

        /**
         * How calls use the loop's io_uring on a {@code "uring"} base: {@link RingMode#OFF},
         * {@link RingMode#LAZY} (probe, then the ring for what would block) or
         * {@link RingMode#DEFERRED} (queued, submitted with the loop's wait). No effect on other
         * bases or standalone. Default {@link RingMode#LAZY}.
         *
         * @param m the mode
         * @return this builder
         * @throws NullPointerException if {@code m} is {@code null}
         */
        public Builder ringMode(RingMode m) {
            this.ringMode = Objects.requireNonNull(m, "ringMode");
            return this;
        }

        /**
         * The application's promise that it closes every socket this {@code Laio} makes on the
         * loop thread of an {@code "epoll"} base ({@code accept4}, {@code accept} and
         * {@code socket} through it) only through laio: {@link Laio#close(int)},
         * {@code syscall(SYS_close)}, {@code close_range}, or {@code dup2}/{@code dup3} onto it,
         * through any {@code Laio} of the process (one on another loop, say, after the socket was
         * handed there, or a standalone one) — never with a plain {@code close(2)}, a JDK channel
         * or another library. With it, such a socket's entry in
         * the loop's epoll is kept between waits (persistent and level-triggered), so a
         * keep-alive connection's socket waits cost no {@code epoll_ctl} at all instead of one
         * per wait; laio deletes the entry when it sees the close. Default false: every wait
         * re-arms a one-shot entry, which also finds out a number closed behind laio's back.
         *
         * <p>Breaking the promise can hang a call: after a plain close, the kernel drops the
         * entry without a word, and if the number then names a file that laio did not make
         * (opened by other code) a socket wait on it through laio is never reported. Numbers
         * from 65,536 up, numbers made on another thread than the loop's, and numbers made on a
         * base of another backend are not kept, so the promise changes nothing for them. A close
         * through laio costs one bit test per loop that keeps entries, and one
         * {@code EPOLL_CTL_DEL} if the number's entry was kept.
         *
         * @param promise true if the application closes those sockets only through laio
         * @return this builder
         */
        public Builder closesThroughLaio(boolean promise) {
            this.closesThroughLaio = promise;
            return this;
        }

        private static Duration spin(String what, Duration d) {
            if (d == null || d.isNegative() || d.compareTo(Duration.ofMillis(10)) > 0) {
                throw new IllegalArgumentException(what + " must be 0..10 ms, was " + d);
            }
            return d;
        }

        /**
         * The configuration of the settings made so far; the builder can go on and build others.
         *
         * @return a new immutable configuration
         */
        public LaioConfig build() {
            return new LaioConfig(this);
        }
    }
}
