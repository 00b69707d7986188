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
 * The floor of issue 17's two micro goals on this kernel and machine, in C with no library
 * between the program and the kernel (raw io_uring_setup/io_uring_enter/io_uring_register and
 * mmap through syscall(2), no liburing):
 *   (a) a batch of 16 cached 4 KiB reads: 16 x pread, 16 x preadv2(RWF_NOWAIT), and one
 *       io_uring_enter of 16 entries, by opcode (READ, READV, READ_FIXED), registered files,
 *       a registered ring descriptor and setup flags; in three shapes (16 pages into 16
 *       buffers as UringLaioBenchmark.batch16*, 16 pages into one buffer, one page into one
 *       buffer);
 *   (b) one cached read: pread, preadv2(RWF_NOWAIT), preadv2(0), a one-entry ring read.
 * Every variant is measured once per run, the runs interleave the variants, and the table gives
 * each variant's median (and range) over the runs, in ns per read and as a ratio to pread in
 * the same shape. Usage: uring_floor FILE [RUNS] [BATCHES] [cpu|wall]   (FILE: >= 64 KiB)
 *        uring_floor FILE loop pread|preadv2 COUNT   (COUNT single reads of one kind, to profile)
 * cpu (the default) times the thread's CPU time, wall the monotonic clock. A second thread that
 * only sleeps is started first (UF_ONE_THREAD=1: not), as a JVM has many: in a process of one
 * thread pread's fdget borrows the file without touching its reference count, which io_uring's
 * fget always does, and which a JVM's pread does too.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef IORING_SETUP_COOP_TASKRUN
#define IORING_SETUP_COOP_TASKRUN (1U << 8)
#endif
#ifndef IORING_SETUP_SINGLE_ISSUER
#define IORING_SETUP_SINGLE_ISSUER (1U << 12)
#endif
#ifndef IORING_SETUP_DEFER_TASKRUN
#define IORING_SETUP_DEFER_TASKRUN (1U << 13)
#endif
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16) /* 6.6; the headers here may be older */
#endif
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif

#ifndef __NR_cachestat
#define __NR_cachestat 451 /* 6.5; x86_64 and aarch64 alike */
#endif

#define BATCH 16
#define PAGE 4096
#define MAX_ROWS 64
#define MAX_RUNS 64

enum shape { DISTINCT, SAME_BUF, SAME_PAGE, SINGLE };
static const char *shape_name[] = {"16 pages -> 16 bufs", "16 pages -> 1 buf", "1 page -> 1 buf",
                                   "single call"};

enum method { M_PREAD, M_PREADV2_NOWAIT, M_PREADV2_0, M_CACHESTAT_PREAD, M_RING, M_RING_NOP, M_GETPPID };

/* a ring variant */
struct rcfg {
    unsigned setup;
    int op;           /* IORING_OP_READ, _READV, _READ_FIXED, _NOP */
    int fixed_file;   /* IOSQE_FIXED_FILE with the file registered at index 0 */
    int reg_ring;     /* IORING_ENTER_REGISTERED_RING */
    int submit_only;  /* enter(n, 0, 0), then look at the CQ (a LAZY submit with its inline look) */
};

struct row {
    enum shape shape;
    enum method m;
    struct rcfg r;
    char name[96];
    double ns[MAX_RUNS];
};

struct ring {
    int fd;
    int enter_fd;
    unsigned enter_flags;
    unsigned *sq_tail, *sq_mask, *sq_array;
    unsigned *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    void *sq_ptr, *cq_ptr;
    size_t sq_len, cq_len, sqes_len;
    unsigned tail;
};

static int file_fd;
static char *bufs;
static struct iovec iovs[BATCH];
static struct row rows[MAX_ROWS];
static int nrows;
static long long sink;

static void die(const char *what) {
    fprintf(stderr, "uring_floor: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* CLOCK_THREAD_CPUTIME_ID by default: on a shared machine a run's wall time holds the other
   processes' slices; a cached read's work (inline in io_uring_enter too) is this thread's */
static clockid_t clock_id = CLOCK_THREAD_CPUTIME_ID;

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(clock_id, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int ring_open(struct ring *r, const struct rcfg *c) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    p.flags = c->setup;
    int fd = syscall(__NR_io_uring_setup, 64, &p);
    if (fd < 0) {
        return -errno;
    }
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    if (c->setup & IORING_SETUP_NO_SQARRAY) {
        r->sq_len = p.cq_off.cqes; /* no array: the SQ ring ends where the CQ's fields start */
    }
    r->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
        fprintf(stderr, "uring_floor: needs IORING_FEAT_SINGLE_MMAP\n");
        exit(1);
    }
    if (r->cq_len > r->sq_len) {
        r->sq_len = r->cq_len;
    }
    r->sq_ptr = mmap(0, r->sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQ_RING);
    if (r->sq_ptr == MAP_FAILED) {
        die("mmap sq");
    }
    r->cq_ptr = r->sq_ptr;
    r->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
    r->sqes = mmap(0, r->sqes_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, IORING_OFF_SQES);
    if (r->sqes == MAP_FAILED) {
        die("mmap sqes");
    }
    char *sq = r->sq_ptr, *cq = r->cq_ptr;
    r->sq_tail = (unsigned *) (sq + p.sq_off.tail);
    r->sq_mask = (unsigned *) (sq + p.sq_off.ring_mask);
    r->cq_head = (unsigned *) (cq + p.cq_off.head);
    r->cq_tail = (unsigned *) (cq + p.cq_off.tail);
    r->cq_mask = (unsigned *) (cq + p.cq_off.ring_mask);
    r->cqes = (struct io_uring_cqe *) (cq + p.cq_off.cqes);
    if (!(c->setup & IORING_SETUP_NO_SQARRAY)) {
        r->sq_array = (unsigned *) (sq + p.sq_off.array);
        for (unsigned i = 0; i < p.sq_entries; i++) {
            r->sq_array[i] = i; /* identity, once: as UringRing does */
        }
    }
    r->tail = *r->sq_tail;
    r->enter_fd = fd;
    if (c->op == IORING_OP_READ_FIXED) {
        if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_BUFFERS, iovs, BATCH) < 0) {
            die("IORING_REGISTER_BUFFERS");
        }
    }
    if (c->fixed_file) {
        if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_FILES, &file_fd, 1) < 0) {
            die("IORING_REGISTER_FILES");
        }
    }
    if (c->reg_ring) {
        struct io_uring_rsrc_update up = {.offset = -1U, .data = (uint64_t) fd};
        if (syscall(__NR_io_uring_register, fd, IORING_REGISTER_RING_FDS, &up, 1) != 1) {
            die("IORING_REGISTER_RING_FDS");
        }
        r->enter_fd = up.offset;
        r->enter_flags = IORING_ENTER_REGISTERED_RING;
    }
    return 0;
}

static void ring_close(struct ring *r) {
    if (r->enter_flags & IORING_ENTER_REGISTERED_RING) {
        /* the task's table of registered rings holds 16 and outlives the ring's descriptor */
        struct io_uring_rsrc_update up = {.offset = (unsigned) r->enter_fd};
        if (syscall(__NR_io_uring_register, r->fd, IORING_UNREGISTER_RING_FDS, &up, 1) != 1) {
            die("IORING_UNREGISTER_RING_FDS");
        }
    }
    munmap(r->sqes, r->sqes_len);
    munmap(r->sq_ptr, r->sq_len);
    close(r->fd);
}

/* the page and buffer of read i in a shape */
static inline long off_of(enum shape s, int i) {
    return s == SAME_PAGE ? 0 : (long) (i % BATCH) * PAGE;
}
static inline int buf_of(enum shape s, int i) {
    return s == DISTINCT ? i : 0;
}

static inline void push(struct ring *r, const struct rcfg *c, enum shape s, int i) {
    unsigned idx = r->tail & *r->sq_mask;
    struct io_uring_sqe *e = &r->sqes[idx];
    int b = buf_of(s, i);
    memset(e, 0, sizeof *e);
    e->opcode = c->op;
    e->fd = c->fixed_file ? 0 : file_fd;
    e->flags = c->fixed_file ? IOSQE_FIXED_FILE : 0;
    e->off = off_of(s, i);
    if (c->op == IORING_OP_READV) {
        e->addr = (uint64_t) (uintptr_t) &iovs[b];
        e->len = 1;
    } else if (c->op != IORING_OP_NOP) {
        e->addr = (uint64_t) (uintptr_t) (bufs + (long) b * PAGE);
        e->len = PAGE;
        e->buf_index = c->op == IORING_OP_READ_FIXED ? b : 0;
    }
    e->user_data = i;
    r->tail++;
}

/* submits n entries, reaps n completions; returns their bytes */
static inline long ring_batch(struct ring *r, const struct rcfg *c, enum shape s, int n, int first) {
    for (int i = 0; i < n; i++) {
        push(r, c, s, first + i);
    }
    __atomic_store_n(r->sq_tail, r->tail, __ATOMIC_RELEASE);
    int got;
    if (c->submit_only) {
        got = syscall(__NR_io_uring_enter, r->enter_fd, n, 0, r->enter_flags, NULL, 0);
    } else {
        got = syscall(__NR_io_uring_enter, r->enter_fd, n, n, r->enter_flags | IORING_ENTER_GETEVENTS, NULL, 0);
    }
    if (got != n) {
        die("io_uring_enter");
    }
    unsigned head = *r->cq_head;
    long bytes = 0;
    int seen = 0;
    while (seen < n) {
        unsigned tail = __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE);
        if (head == tail) {
            /* not completed during the submission (submit_only): wait, counted in the time */
            if (syscall(__NR_io_uring_enter, r->enter_fd, 0, n - seen, r->enter_flags | IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
                die("io_uring_enter wait");
            }
            continue;
        }
        for (; head != tail && seen < n; head++, seen++) {
            int res = r->cqes[head & *r->cq_mask].res;
            if (res < 0 || (c->op != IORING_OP_NOP && res != PAGE)) {
                fprintf(stderr, "uring_floor: a ring read answered %d\n", res);
                exit(1);
            }
            bytes += res;
        }
        __atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
    }
    return bytes;
}

static inline long plain(enum method m, enum shape s, int i) {
    int b = buf_of(s, i);
    long r;
    if (m == M_PREAD) {
        r = pread(file_fd, bufs + (long) b * PAGE, PAGE, off_of(s, i));
    } else if (m == M_GETPPID) {
        return syscall(__NR_getppid) > 0 ? PAGE : -1;
    } else if (m == M_CACHESTAT_PREAD) {
        /* the probe a file system without RWF_NOWAIT gets: is every page cached? then pread */
        struct { uint64_t off, len; } range = {(uint64_t) off_of(s, i), PAGE};
        uint64_t cs[5];
        if (syscall(__NR_cachestat, file_fd, &range, cs, 0) != 0 || cs[0] != 1) {
            die("cachestat");
        }
        r = pread(file_fd, bufs + (long) b * PAGE, PAGE, off_of(s, i));
    } else {
        r = preadv2(file_fd, &iovs[b], 1, off_of(s, i), m == M_PREADV2_NOWAIT ? RWF_NOWAIT : 0);
    }
    if (r != PAGE) {
        die("pread");
    }
    return r;
}

/* ns per read of one row, over `batches` batches (or 16 x batches single calls) */
static double measure(struct row *w, int batches) {
    int n = w->shape == SINGLE ? 1 : BATCH;
    long rounds = w->shape == SINGLE ? (long) batches * BATCH : batches;
    struct ring r;
    int is_ring = w->m == M_RING || w->m == M_RING_NOP;
    if (is_ring && ring_open(&r, &w->r) < 0) {
        return -1;
    }
    double t0 = 0;
    for (int pass = 0; pass < 2; pass++) { /* pass 0 warms up (a tenth), pass 1 is timed */
        long todo = pass == 0 ? rounds / 10 + 1 : rounds;
        if (pass == 1) {
            t0 = now_ns();
        }
        for (long k = 0; k < todo; k++) {
            if (is_ring) {
                /* a single call reads page k % 16 into one buffer, as onePreadPlain does */
                sink += w->shape == SINGLE ? ring_batch(&r, &w->r, SAME_BUF, 1, (int) (k & 15))
                                           : ring_batch(&r, &w->r, w->shape, n, 0);
            } else if (w->shape == SINGLE) {
                sink += plain(w->m, SAME_BUF, (int) (k & 15));
            } else {
                for (int i = 0; i < n; i++) {
                    sink += plain(w->m, w->shape, i);
                }
            }
        }
    }
    double ns = (now_ns() - t0) / ((double) rounds * n);
    if (is_ring) {
        ring_close(&r);
    }
    return ns;
}

static void add(enum shape s, enum method m, const char *name, struct rcfg c) {
    struct row *w = &rows[nrows++];
    w->shape = s;
    w->m = m;
    w->r = c;
    snprintf(w->name, sizeof w->name, "%s", name);
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n, double *lo, double *hi) {
    double t[MAX_RUNS];
    memcpy(t, v, n * sizeof *t);
    qsort(t, n, sizeof *t, cmp);
    *lo = t[0];
    *hi = t[n - 1];
    return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/*
 * Whether a pread on a descriptor opened O_NONBLOCK answers EAGAIN for a page not in the cache
 * (it would be a cheaper probe than preadv2), against preadv2(RWF_NOWAIT): the file's last page
 * is written back and dropped before each. Returns the two answers' errnos (0: it read).
 */
static void nonblock_check(const char *path, int *pread_errno, int *nowait_errno) {
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        die(path);
    }
    char *b = bufs;
    long last = (BATCH - 1) * (long) PAGE;
    struct iovec v = {b, PAGE};
    for (int k = 0; k < 2; k++) {
        if (fdatasync(fd) != 0 || posix_fadvise(fd, last, PAGE, POSIX_FADV_DONTNEED) != 0) {
            die("fdatasync/posix_fadvise");
        }
        long r = k == 0 ? pread(fd, b, PAGE, last) : preadv2(fd, &v, 1, last, RWF_NOWAIT);
        *(k == 0 ? pread_errno : nowait_errno) = r < 0 ? errno : 0;
    }
    close(fd);
    if (pread(file_fd, b, PAGE, last) != PAGE) { /* cached again for the runs */
        die("pread");
    }
}

static void *sleeper(void *arg) {
    (void) arg;
    for (;;) {
        pause();
    }
    return NULL;
}

/* threads of this process: io-wq workers (iou-wrk-*) would show here if a read was punted */
static int threads(void) {
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    if (d == NULL) {
        return -1;
    }
    while (readdir(d) != NULL) {
        n++;
    }
    closedir(d);
    return n - 2;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: uring_floor FILE [RUNS] [BATCHES] [cpu|wall]\n");
        return 2;
    }
    if (argc == 5 && strcmp(argv[2], "loop") == 0) { /* for perf record: one kind of call only */
        pthread_t t;
        if (pthread_create(&t, NULL, sleeper, NULL) != 0) {
            die("pthread_create");
        }
        file_fd = open(argv[1], O_RDONLY);
        bufs = aligned_alloc(PAGE, BATCH * PAGE);
        iovs[0].iov_base = bufs;
        iovs[0].iov_len = PAGE;
        if (file_fd < 0 || bufs == NULL) {
            die(argv[1]);
        }
        enum method m = strcmp(argv[3], "preadv2") == 0 ? M_PREADV2_NOWAIT : M_PREAD;
        for (long k = atol(argv[4]); k > 0; k--) {
            sink += plain(m, SAME_BUF, (int) (k & 15));
        }
        return 0;
    }
    int runs = argc > 2 ? atoi(argv[2]) : 5;
    int batches = argc > 3 ? atoi(argv[3]) : 20000;
    if (argc > 4 && strcmp(argv[4], "wall") == 0) {
        clock_id = CLOCK_MONOTONIC;
    } else if (argc > 4 && strcmp(argv[4], "cpu") != 0) {
        fprintf(stderr, "uring_floor: the clock is cpu or wall\n");
        return 2;
    }
    if (runs < 1 || runs > MAX_RUNS || batches < 1) {
        fprintf(stderr, "uring_floor: RUNS 1..%d, BATCHES >= 1\n", MAX_RUNS);
        return 2;
    }
    const char *one = getenv("UF_ONE_THREAD");
    int two_threads = one == NULL || strcmp(one, "1") != 0;
    if (two_threads) {
        pthread_t t;
        if (pthread_create(&t, NULL, sleeper, NULL) != 0) {
            die("pthread_create");
        }
    }
    int threads_before = threads();
    file_fd = open(argv[1], O_RDONLY);
    if (file_fd < 0) {
        die(argv[1]);
    }
    bufs = aligned_alloc(PAGE, BATCH * PAGE);
    memset(bufs, 1, BATCH * PAGE);
    for (int i = 0; i < BATCH; i++) {
        iovs[i].iov_base = bufs + (long) i * PAGE;
        iovs[i].iov_len = PAGE;
        if (pread(file_fd, bufs, PAGE, (long) i * PAGE) != PAGE) { /* warms the pages, checks the size */
            fprintf(stderr, "uring_floor: %s is shorter than 64 KiB\n", argv[1]);
            return 1;
        }
    }
    const unsigned COOP = IORING_SETUP_COOP_TASKRUN; /* what UringRing.open sets */
    const unsigned SD = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    struct rcfg none = {0};
    for (int s = DISTINCT; s <= SAME_PAGE; s++) {
        add(s, M_PREAD, "16 x pread", none);
        add(s, M_PREADV2_NOWAIT, "16 x preadv2(RWF_NOWAIT)", none);
        add(s, M_RING, "ring READ, COOP_TASKRUN (laio's ring)", (struct rcfg){COOP, IORING_OP_READ, 0, 0, 0});
        add(s, M_RING, "ring READ, no setup flag", (struct rcfg){0, IORING_OP_READ, 0, 0, 0});
        add(s, M_RING, "ring READV", (struct rcfg){COOP, IORING_OP_READV, 0, 0, 0});
        add(s, M_RING, "ring READ_FIXED (registered buffers)", (struct rcfg){COOP, IORING_OP_READ_FIXED, 0, 0, 0});
        add(s, M_RING, "ring READ, FIXED_FILE", (struct rcfg){COOP, IORING_OP_READ, 1, 0, 0});
        add(s, M_RING, "ring READ, registered ring fd", (struct rcfg){COOP, IORING_OP_READ, 0, 1, 0});
        add(s, M_RING, "ring READ, COOP|SUBMIT_ALL", (struct rcfg){COOP | IORING_SETUP_SUBMIT_ALL, IORING_OP_READ, 0, 0, 0});
        add(s, M_RING, "ring READ, SINGLE_ISSUER|DEFER_TASKRUN", (struct rcfg){SD, IORING_OP_READ, 0, 0, 0});
        add(s, M_RING, "ring READ, COOP|NO_SQARRAY", (struct rcfg){COOP | IORING_SETUP_NO_SQARRAY, IORING_OP_READ, 0, 0, 0});
        add(s, M_RING, "ring READ_FIXED, FIXED_FILE, reg. ring, all flags",
            (struct rcfg){SD | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_NO_SQARRAY, IORING_OP_READ_FIXED, 1, 1, 0});
        add(s, M_RING_NOP, "ring 16 x NOP (the ring's own cost)", (struct rcfg){COOP, IORING_OP_NOP, 0, 0, 0});
    }
    add(SINGLE, M_PREAD, "pread", none);
    add(SINGLE, M_PREADV2_NOWAIT, "preadv2(RWF_NOWAIT), 1 iovec (laio's probe)", none);
    add(SINGLE, M_PREADV2_0, "preadv2(0), 1 iovec", none);
    add(SINGLE, M_CACHESTAT_PREAD, "cachestat, then pread", none);
    add(SINGLE, M_RING, "ring, 1 READ, enter(1,1,GETEVENTS)", (struct rcfg){COOP, IORING_OP_READ, 0, 0, 0});
    add(SINGLE, M_RING, "ring, 1 READ, enter(1,0,0) + CQ look", (struct rcfg){COOP, IORING_OP_READ, 0, 0, 1});
    add(SINGLE, M_RING, "ring, 1 READ_FIXED, FIXED_FILE, reg. ring",
        (struct rcfg){COOP, IORING_OP_READ_FIXED, 1, 1, 1});
    add(SINGLE, M_RING_NOP, "ring, 1 NOP, enter(1,1,GETEVENTS)", (struct rcfg){COOP, IORING_OP_NOP, 0, 0, 0});
    add(SINGLE, M_GETPPID, "getppid (a system call's round trip)", none);

    int pread_errno = 0, nowait_errno = 0;
    nonblock_check(argv[1], &pread_errno, &nowait_errno);
    for (int run = 0; run < runs; run++) {
        for (int i = 0; i < nrows; i++) {
            rows[i].ns[run] = measure(&rows[i], batches);
        }
    }
    printf("%-20s %-50s %8s %15s %7s\n", "shape", "variant", "ns/read", "range", "x pread");
    struct row *base = NULL;
    for (int i = 0; i < nrows; i++) {
        struct row *w = &rows[i];
        double lo, hi, ratio[MAX_RUNS];
        if (w->ns[0] < 0) {
            printf("%-20s %-50s %8s\n", shape_name[w->shape], w->name, "refused");
            continue;
        }
        if (w->m == M_PREAD) {
            base = w;
        }
        for (int k = 0; k < runs; k++) {
            ratio[k] = w->ns[k] / base->ns[k]; /* against pread in the same run */
        }
        double med = median(w->ns, runs, &lo, &hi);
        double rlo, rhi, rmed = median(ratio, runs, &rlo, &rhi);
        printf("%-20s %-50s %8.1f %6.1f-%-8.1f %7.2f\n", shape_name[w->shape], w->name, med, lo, hi, rmed);
    }
    printf("(x pread: the median of each run's ratio to pread in the same shape and run;\n"
           " medians of %d runs, %d batches of 16 reads (or 16 x %d single calls) each, %s time; sink %lld)\n",
           runs, batches, batches, clock_id == CLOCK_MONOTONIC ? "wall" : "thread CPU", sink % 10);
    printf("(%s; threads created by the kernel during the runs (io-wq workers): %d)\n",
           two_threads ? "two threads, as in a JVM" : "one thread", threads() - threads_before);
    printf("(a page dropped from the cache: pread on an O_NONBLOCK descriptor %s, preadv2(RWF_NOWAIT) %s)\n",
           pread_errno ? strerror(pread_errno) : "read it", nowait_errno ? strerror(nowait_errno) : "read it");
    return 0;
}
