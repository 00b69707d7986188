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

import io.laio.abi.OpenFlags;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every loop of a kv server shares: the configuration, the item store, the mutation log
 * (its file descriptor and {@link SharedLog}), and each loop's counters for {@code stats}.
 * Made at start-up by {@link #open}, which replays (and optionally compacts) the log.
 */
final class KvShared {
    private static final Logger LOG = LoggerFactory.getLogger(KvShared.class);

    final KvServer.Config config;
    final ItemStore store;
    final int logFd;
    final SharedLog log;
    final MutationLog.Replayed replayed;
    /** Each loop's counters, added as its server is made. */
    final List<KvStats> stats = new CopyOnWriteArrayList<>();

    private KvShared(KvServer.Config config, ItemStore store, int logFd, long logEnd, MutationLog.Replayed replayed) {
        this.config = config;
        this.store = store;
        this.logFd = logFd;
        this.log = new SharedLog(logFd, config.sync(), logEnd);
        this.replayed = replayed;
    }

    /**
     * Replays {@code DIR/kv.log} into a new store striped for {@code loops} loops, compacts it if
     * asked, and opens it for appending. On the thread that owns {@code io}'s base, before any
     * loop serves.
     */
    static KvShared open(DiskIo io, KvServer.Config config, int loops) throws IOException {
        ItemStore store = new ItemStore(config.memory(), ItemStore.stripesFor(loops, config.memory(), config.maxItem()));
        String path = config.dir() + "/" + MutationLog.FILE;
        MutationLog.Replayed replayed = MutationLog.replay(io, path, store);
        LOG.info("replayed {} log records ({} bytes): {} items", replayed.records(), replayed.goodBytes(), store.size());
        if (config.compact()) {
            long size = MutationLog.compact(io, config.dir(), store, System.currentTimeMillis());
            LOG.info("compacted the log from {} to {} bytes", replayed.goodBytes(), size);
        }
        int fd = io.open(path, OpenFlags.O_WRONLY | OpenFlags.O_APPEND, 0644);
        long end;
        try {
            end = io.end(fd);
        } catch (IOException e) {
            try {
                io.close(fd);
            } catch (IOException c) {
                e.addSuppressed(c);
            }
            throw e;
        }
        return new KvShared(config, store, fd, end, replayed);
    }
}
