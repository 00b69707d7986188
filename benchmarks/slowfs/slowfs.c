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

/*
 * slowfs: a read-only FUSE passthrough that sleeps a fixed time in every read reaching it: a
 * storage device with a latency and a parallel capacity (the number of FUSE threads and the
 * kernel's background requests), for the slow-storage benchmarks (benchmarks/slow-storage.sh,
 * docs/benchmarks/slow-storage.md). The kernel's page cache stays on (kernel_cache, long
 * attribute and entry timeouts), so only misses pay the latency.
 *
 *   slowfs SOURCE MOUNTPOINT [-f] [-o latency_us=N,threads=N,background=N,stats=FILE,allow_other]
 *
 * latency_us  sleep per read request before it is served (default 2000)
 * threads     most FUSE worker threads, i.e. reads in service at once (default 64)
 * background  the kernel's max_background (asynchronous reads: readahead) (default 64)
 * stats       on SIGUSR1 (and at exit) the counters are written to FILE (atomically, by rename):
 *             "seq S reads R bytes B opens O latency_us L", seq counting the dumps
 *
 * SIGUSR2 switches the latency off, or back on (then dumps the counters like SIGUSR1): a
 * benchmark fills the page cache fast before it measures.
 *
 * Build: gcc -O2 -Wall -o slowfs slowfs.c $(pkg-config --cflags --libs fuse3)
 */
#define FUSE_USE_VERSION 312
#define _GNU_SOURCE
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static struct options {
    unsigned latency_us;
    unsigned threads;
    unsigned background;
    const char *stats;
} opt = {2000, 64, 64, NULL};

#define OPT(t, p) {t, offsetof(struct options, p), 1}
static const struct fuse_opt opt_spec[] = {
    OPT("latency_us=%u", latency_us), OPT("threads=%u", threads),
    OPT("background=%u", background), OPT("stats=%s", stats), FUSE_OPT_END};

static int src_fd = -1; /* the source directory: every path is resolved below it */
static atomic_ulong n_reads, n_bytes, n_opens, n_dumps;
static atomic_uint latency_us; /* opt.latency_us, or 0 while switched off by SIGUSR2 */

/* "/a/b" -> "a/b"; "/" -> "." */
static const char *rel(const char *path) {
    while (*path == '/') path++;
    return *path ? path : ".";
}

static void *sf_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    cfg->kernel_cache = 1; /* keep the page cache across opens */
    cfg->auto_cache = 0;
    cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = 3600;
    cfg->use_ino = 1;
    if (opt.background) {
        conn->max_background = opt.background;
        conn->congestion_threshold = opt.background * 3 / 4;
    }
    return NULL;
}

static int sf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    if (fi) return fstat(fi->fh, st) ? -errno : 0;
    return fstatat(src_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
}

static int sf_access(const char *path, int mask) {
    if (mask & W_OK) return -EROFS;
    return faccessat(src_fd, rel(path), mask, 0) ? -errno : 0;
}

static int sf_readlink(const char *path, char *buf, size_t size) {
    ssize_t n = readlinkat(src_fd, rel(path), buf, size - 1);
    if (n < 0) return -errno;
    buf[n] = 0;
    return 0;
}

static int sf_open(const char *path, struct fuse_file_info *fi) {
    if ((fi->flags & O_ACCMODE) != O_RDONLY) return -EROFS;
    int fd = openat(src_fd, rel(path), O_RDONLY | (fi->flags & (O_NOFOLLOW | O_DIRECTORY)));
    if (fd < 0) return -errno;
    fi->fh = fd;
    fi->keep_cache = 1;
    atomic_fetch_add_explicit(&n_opens, 1, memory_order_relaxed);
    return 0;
}

static int sf_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void)path;
    unsigned lat = atomic_load_explicit(&latency_us, memory_order_relaxed);
    if (lat) {
        struct timespec ts = {lat / 1000000, (long)(lat % 1000000) * 1000};
        while (nanosleep(&ts, &ts) && errno == EINTR) {
        }
    }
    ssize_t n = pread(fi->fh, buf, size, off);
    if (n < 0) return -errno;
    atomic_fetch_add_explicit(&n_reads, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&n_bytes, (unsigned long)n, memory_order_relaxed);
    return (int)n;
}

static int sf_release(const char *path, struct fuse_file_info *fi) {
    (void)path;
    close(fi->fh);
    return 0;
}

static int sf_statfs(const char *path, struct statvfs *sv) {
    (void)path;
    return fstatvfs(src_fd, sv) ? -errno : 0;
}

static int sf_opendir(const char *path, struct fuse_file_info *fi) {
    int fd = openat(src_fd, rel(path), O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -errno;
    DIR *d = fdopendir(fd);
    if (!d) {
        int e = errno;
        close(fd);
        return -e;
    }
    fi->fh = (uint64_t)(uintptr_t)d;
    return 0;
}

static int sf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
    (void)path; (void)off; (void)flags;
    DIR *d = (DIR *)(uintptr_t)fi->fh;
    rewinddir(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st = {.st_ino = e->d_ino, .st_mode = (mode_t)DTTOIF(e->d_type)};
        if (fill(buf, e->d_name, &st, 0, 0)) break;
    }
    return 0;
}

static int sf_releasedir(const char *path, struct fuse_file_info *fi) {
    (void)path;
    closedir((DIR *)(uintptr_t)fi->fh);
    return 0;
}

static const struct fuse_operations ops = {
    .init = sf_init, .getattr = sf_getattr, .access = sf_access, .readlink = sf_readlink,
    .open = sf_open, .read = sf_read, .release = sf_release, .statfs = sf_statfs,
    .opendir = sf_opendir, .readdir = sf_readdir, .releasedir = sf_releasedir,
};

static void dump_stats(void) {
    if (!opt.stats) return;
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s.tmp", opt.stats);
    FILE *f = fopen(tmp, "w");
    if (!f) return;
    fprintf(f, "seq %lu reads %lu bytes %lu opens %lu latency_us %u\n", atomic_fetch_add(&n_dumps, 1) + 1,
            atomic_load(&n_reads), atomic_load(&n_bytes), atomic_load(&n_opens), atomic_load(&latency_us));
    fclose(f);
    rename(tmp, opt.stats);
}

static void *stats_thread(void *arg) { /* SIGUSR1 and SIGUSR2 are blocked everywhere and taken here */
    sigset_t *set = arg;
    for (;;) {
        int sig;
        if (sigwait(set, &sig) != 0) continue;
        if (sig == SIGUSR2) atomic_store(&latency_us, atomic_load(&latency_us) ? 0 : opt.latency_us);
        dump_stats();
    }
    return NULL;
}

int main(int argc, char *argv[]) {
    struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
    if (fuse_opt_parse(&args, &opt, opt_spec, NULL) == -1) return 1;
    /* the first non-option argument is the source; the rest goes to libfuse */
    int src_i = -1;
    for (int i = 1; i < args.argc; i++) {
        if (args.argv[i][0] == '-') {
            if (!strcmp(args.argv[i], "-o") && i + 1 < args.argc) i++;
            continue;
        }
        src_i = i;
        break;
    }
    if (src_i < 0) {
        fprintf(stderr, "usage: %s SOURCE MOUNTPOINT [-f] [-o latency_us=N,threads=N,background=N,"
                        "stats=FILE,allow_other]\n", argv[0]);
        return 1;
    }
    src_fd = open(args.argv[src_i], O_RDONLY | O_DIRECTORY);
    if (src_fd < 0) {
        perror(args.argv[src_i]);
        return 1;
    }
    for (int i = src_i; i + 1 < args.argc; i++) args.argv[i] = args.argv[i + 1];
    args.argc--;

    struct fuse_cmdline_opts cl;
    if (fuse_parse_cmdline(&args, &cl) != 0) return 1;
    if (!cl.mountpoint) {
        fprintf(stderr, "%s: no mount point\n", argv[0]);
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    atomic_store(&latency_us, opt.latency_us);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* inherited by every thread libfuse starts */
    pthread_t st;
    pthread_create(&st, NULL, stats_thread, &set);

    struct fuse *fuse = fuse_new(&args, &ops, sizeof ops, NULL);
    if (!fuse) return 1;
    if (fuse_mount(fuse, cl.mountpoint) != 0) return 1;
    if (fuse_daemonize(cl.foreground) != 0) return 1;
    if (fuse_set_signal_handlers(fuse_get_session(fuse)) != 0) return 1;
    int rc;
    if (cl.singlethread) {
        rc = fuse_loop(fuse);
    } else {
        struct fuse_loop_config *lc = fuse_loop_cfg_create();
        fuse_loop_cfg_set_clone_fd(lc, cl.clone_fd);
        fuse_loop_cfg_set_max_threads(lc, opt.threads);
        fuse_loop_cfg_set_idle_threads(lc, opt.threads); /* keep them: no thread churn per burst */
        rc = fuse_loop_mt(fuse, lc);
        fuse_loop_cfg_destroy(lc);
    }
    dump_stats();
    fuse_remove_signal_handlers(fuse_get_session(fuse));
    fuse_unmount(fuse);
    fuse_destroy(fuse);
    free(cl.mountpoint);
    fuse_opt_free_args(&args);
    return rc ? 1 : 0;
}
