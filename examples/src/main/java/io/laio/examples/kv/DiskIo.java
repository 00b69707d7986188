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

import static io.laio.abi.AtFlags.AT_FDCWD;
import static io.laio.abi.OpenFlags.O_CLOEXEC;
import static io.laio.abi.OpenFlags.O_RDONLY;

import io.laio.Errno;
import io.laio.Laio;
import io.laio.LaioHandle;
import io.laio.Sys;
import io.laio.abi.SeekWhence;
import io.laio.event.Ev;
import io.laio.event.Event;
import io.laio.event.EventBase;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Start-up disk work (replay, compaction) through LAIO, before the server serves: each call is
 * issued through {@link Laio}; one that goes to the background is waited for by running the
 * event loop until its {@link Ev#LAIO} completion is delivered. Call it on the thread that owns
 * the base while the loop is not otherwise running.
 */
final class DiskIo {

    private final EventBase base;
    private final Laio laio;

    DiskIo(EventBase base, Laio laio) {
        this.base = base;
        this.laio = laio;
    }

    /** The result of a LAIO call, waiting on the loop if it went to the background; throws on failure. */
    long await(long r, String what) throws IOException {
        if (r == -1 && Laio.errno() == Errno.EINPROGRESS) {
            LaioHandle h = laio.gethandle();
            long[] done = {0, 0, 0}; // finished, result, errno
            Event.set(base, h, Ev.LAIO, (ev, w, arg) -> {
                done[0] = 1;
                done[1] = ev.result();
                done[2] = ev.error();
            }, null).add();
            while (done[0] == 0) {
                base.loop(Ev.LOOP_ONCE);
            }
            if (done[1] == -1) {
                throw new IOException(what + ": " + Errno.name((int) done[2]));
            }
            return done[1];
        }
        if (r == -1) {
            int e = Laio.errno();
            if (e == Errno.EAGAIN) {
                throw new RetryException(); // LAIO's background is full: nothing started; retry is the contract
            }
            throw new IOException(what + ": " + Errno.name(e));
        }
        return r;
    }

    /** Thrown when LAIO refused a call with EAGAIN (back-pressure); the caller reissues it. */
    static final class RetryException extends IOException {
        private static final long serialVersionUID = 1L;

        RetryException() {
            super("EAGAIN", null);
        }
    }

    int open(String path, int flags, int mode) throws IOException {
        while (true) {
            try {
                return (int) await(laio.open(path, flags | O_CLOEXEC, mode), "open " + path);
            } catch (RetryException e) {
                base.loop(Ev.LOOP_NONBLOCK);
            }
        }
    }

    /** Reads up to {@code count} bytes at {@code offset}; returns how many (0 at end of file). */
    long pread(int fd, MemorySegment buf, long count, long offset) throws IOException {
        while (true) {
            try {
                return await(laio.pread(fd, buf, count, offset), "pread");
            } catch (RetryException e) {
                base.loop(Ev.LOOP_NONBLOCK);
            }
        }
    }

    /** Writes all of {@code buf[0..count)}. */
    void writeFully(int fd, MemorySegment buf, long count) throws IOException {
        long done = 0;
        while (done < count) {
            try {
                long n = await(laio.write(fd, buf.asSlice(done), count - done), "write");
                done += n;
            } catch (RetryException e) {
                base.loop(Ev.LOOP_NONBLOCK);
            }
        }
    }

    /** The size of the file open as {@code fd}: where an append goes ({@code lseek(fd, 0, SEEK_END)}). */
    long end(int fd) throws IOException {
        while (true) {
            try {
                return await(laio.syscall(Sys.SYS_lseek, fd, 0, SeekWhence.SEEK_END), "lseek");
            } catch (RetryException e) {
                base.loop(Ev.LOOP_NONBLOCK);
            }
        }
    }

    void fsync(int fd) throws IOException {
        syscall("fsync", Sys.SYS_fsync, fd, 0);
    }

    void ftruncate(int fd, long length) throws IOException {
        syscall("ftruncate", Sys.SYS_ftruncate, fd, length);
    }

    void close(int fd) throws IOException {
        syscall("close", Sys.SYS_close, fd, 0);
    }

    /** {@code rename(2)}: atomically replaces {@code to} with {@code from}. */
    void rename(String from, String to) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(from);
            MemorySegment b = arena.allocateFrom(to);
            // renameat2, not rename: aarch64 has only the *at forms
            syscall("rename " + from + " -> " + to, Sys.SYS_renameat2, AT_FDCWD, a.address(), AT_FDCWD, b.address(), 0);
        }
    }

    /** {@code unlink(2)}; a missing file is fine. */
    void unlinkIfExists(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocateFrom(path);
            long r = laio.syscall(Sys.SYS_unlinkat, AT_FDCWD, a.address(), 0); // aarch64 has no unlink
            if (r == -1 && Laio.errno() == Errno.ENOENT) {
                return;
            }
            try {
                await(r, "unlink " + path);
            } catch (IOException e) {
                if (!e.getMessage().endsWith("ENOENT")) {
                    throw e;
                }
            }
        }
    }

    /** Makes a rename in {@code dir} durable. */
    void fsyncDirectory(String dir) throws IOException {
        int fd = open(dir, O_RDONLY, 0); // a directory opens read-only as it is (O_DIRECTORY's value differs by architecture)
        try {
            fsync(fd);
        } finally {
            close(fd);
        }
    }

    private void syscall(String what, long nr, long a1, long a2) throws IOException {
        syscall(what, nr, a1, a2, 0, 0, 0);
    }

    private void syscall(String what, long nr, long a1, long a2, long a3, long a4, long a5) throws IOException {
        while (true) {
            try {
                await(laio.syscall(nr, a1, a2, a3, a4, a5), what);
                return;
            } catch (RetryException e) {
                base.loop(Ev.LOOP_NONBLOCK);
            }
        }
    }
}
