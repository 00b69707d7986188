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

import io.laio.abi.Arch;

/**
 * Linux system call numbers, as on x86_64, for {@link Laio#syscall(long)} and its overloads.
 *
 * <p>The constants are the x86_64 numbers on every architecture, so code written against them
 * (and {@code switch}es over them) is portable: {@link Laio} maps each number to the running
 * architecture's own before the kernel sees it ({@link #nativeNumber(long)}). On aarch64, calls
 * that only exist on x86_64 (such as {@link #SYS_open} or {@link #SYS_stat}) map to
 * {@code -1}, which the kernel answers with {@link Errno#ENOSYS}; use their {@code *at} forms
 * ({@link #SYS_openat}, {@link #SYS_newfstatat}) to run everywhere.
 *
 * <p>Generated from the kernel's {@code asm/unistd_64.h} and {@code asm-generic/unistd.h}.
 */
public final class Sys {
    private Sys() {}

    public static final long SYS_read = 0;
    public static final long SYS_write = 1;
    public static final long SYS_open = 2;
    public static final long SYS_close = 3;
    public static final long SYS_stat = 4;
    public static final long SYS_fstat = 5;
    public static final long SYS_lstat = 6;
    public static final long SYS_poll = 7;
    public static final long SYS_lseek = 8;
    public static final long SYS_mmap = 9;
    public static final long SYS_mprotect = 10;
    public static final long SYS_munmap = 11;
    public static final long SYS_brk = 12;
    public static final long SYS_rt_sigaction = 13;
    public static final long SYS_rt_sigprocmask = 14;
    public static final long SYS_rt_sigreturn = 15;
    public static final long SYS_ioctl = 16;
    public static final long SYS_pread64 = 17;
    public static final long SYS_pwrite64 = 18;
    public static final long SYS_readv = 19;
    public static final long SYS_writev = 20;
    public static final long SYS_access = 21;
    public static final long SYS_pipe = 22;
    public static final long SYS_select = 23;
    public static final long SYS_sched_yield = 24;
    public static final long SYS_mremap = 25;
    public static final long SYS_msync = 26;
    public static final long SYS_mincore = 27;
    public static final long SYS_madvise = 28;
    public static final long SYS_shmget = 29;
    public static final long SYS_shmat = 30;
    public static final long SYS_shmctl = 31;
    public static final long SYS_dup = 32;
    public static final long SYS_dup2 = 33;
    public static final long SYS_pause = 34;
    public static final long SYS_nanosleep = 35;
    public static final long SYS_getitimer = 36;
    public static final long SYS_alarm = 37;
    public static final long SYS_setitimer = 38;
    public static final long SYS_getpid = 39;
    public static final long SYS_sendfile = 40;
    public static final long SYS_socket = 41;
    public static final long SYS_connect = 42;
    public static final long SYS_accept = 43;
    public static final long SYS_sendto = 44;
    public static final long SYS_recvfrom = 45;
    public static final long SYS_sendmsg = 46;
    public static final long SYS_recvmsg = 47;
    public static final long SYS_shutdown = 48;
    public static final long SYS_bind = 49;
    public static final long SYS_listen = 50;
    public static final long SYS_getsockname = 51;
    public static final long SYS_getpeername = 52;
    public static final long SYS_socketpair = 53;
    public static final long SYS_setsockopt = 54;
    public static final long SYS_getsockopt = 55;
    public static final long SYS_clone = 56;
    public static final long SYS_fork = 57;
    public static final long SYS_vfork = 58;
    public static final long SYS_execve = 59;
    public static final long SYS_exit = 60;
    public static final long SYS_wait4 = 61;
    public static final long SYS_kill = 62;
    public static final long SYS_uname = 63;
    public static final long SYS_semget = 64;
    public static final long SYS_semop = 65;
    public static final long SYS_semctl = 66;
    public static final long SYS_shmdt = 67;
    public static final long SYS_msgget = 68;
    public static final long SYS_msgsnd = 69;
    public static final long SYS_msgrcv = 70;
    public static final long SYS_msgctl = 71;
    public static final long SYS_fcntl = 72;
    public static final long SYS_flock = 73;
    public static final long SYS_fsync = 74;
    public static final long SYS_fdatasync = 75;
    public static final long SYS_truncate = 76;
    public static final long SYS_ftruncate = 77;
    public static final long SYS_getdents = 78;
    public static final long SYS_getcwd = 79;
    public static final long SYS_chdir = 80;
    public static final long SYS_fchdir = 81;
    public static final long SYS_rename = 82;
    public static final long SYS_mkdir = 83;
    public static final long SYS_rmdir = 84;
    public static final long SYS_creat = 85;
    public static final long SYS_link = 86;
    public static final long SYS_unlink = 87;
    public static final long SYS_symlink = 88;
    public static final long SYS_readlink = 89;
    public static final long SYS_chmod = 90;
    public static final long SYS_fchmod = 91;
    public static final long SYS_chown = 92;
    public static final long SYS_fchown = 93;
    public static final long SYS_lchown = 94;
    public static final long SYS_umask = 95;
    public static final long SYS_gettimeofday = 96;
    public static final long SYS_getrlimit = 97;
    public static final long SYS_getrusage = 98;
    public static final long SYS_sysinfo = 99;
    public static final long SYS_times = 100;
    public static final long SYS_ptrace = 101;
    public static final long SYS_getuid = 102;
    public static final long SYS_syslog = 103;
    public static final long SYS_getgid = 104;
    public static final long SYS_setuid = 105;
    public static final long SYS_setgid = 106;
    public static final long SYS_geteuid = 107;
    public static final long SYS_getegid = 108;
    public static final long SYS_setpgid = 109;
    public static final long SYS_getppid = 110;
    public static final long SYS_getpgrp = 111;
    public static final long SYS_setsid = 112;
    public static final long SYS_setreuid = 113;
    public static final long SYS_setregid = 114;
    public static final long SYS_getgroups = 115;
    public static final long SYS_setgroups = 116;
    public static final long SYS_setresuid = 117;
    public static final long SYS_getresuid = 118;
    public static final long SYS_setresgid = 119;
    public static final long SYS_getresgid = 120;
    public static final long SYS_getpgid = 121;
    public static final long SYS_setfsuid = 122;
    public static final long SYS_setfsgid = 123;
    public static final long SYS_getsid = 124;
    public static final long SYS_capget = 125;
    public static final long SYS_capset = 126;
    public static final long SYS_rt_sigpending = 127;
    public static final long SYS_rt_sigtimedwait = 128;
    public static final long SYS_rt_sigqueueinfo = 129;
    public static final long SYS_rt_sigsuspend = 130;
    public static final long SYS_sigaltstack = 131;
    public static final long SYS_utime = 132;
    public static final long SYS_mknod = 133;
    public static final long SYS_uselib = 134;
    public static final long SYS_personality = 135;
    public static final long SYS_ustat = 136;
    public static final long SYS_statfs = 137;
    public static final long SYS_fstatfs = 138;
    public static final long SYS_sysfs = 139;
    public static final long SYS_getpriority = 140;
    public static final long SYS_setpriority = 141;
    public static final long SYS_sched_setparam = 142;
    public static final long SYS_sched_getparam = 143;
    public static final long SYS_sched_setscheduler = 144;
    public static final long SYS_sched_getscheduler = 145;
    public static final long SYS_sched_get_priority_max = 146;
    public static final long SYS_sched_get_priority_min = 147;
    public static final long SYS_sched_rr_get_interval = 148;
    public static final long SYS_mlock = 149;
    public static final long SYS_munlock = 150;
    public static final long SYS_mlockall = 151;
    public static final long SYS_munlockall = 152;
    public static final long SYS_vhangup = 153;
    public static final long SYS_modify_ldt = 154;
    public static final long SYS_pivot_root = 155;
    public static final long SYS__sysctl = 156;
    public static final long SYS_prctl = 157;
    public static final long SYS_arch_prctl = 158;
    public static final long SYS_adjtimex = 159;
    public static final long SYS_setrlimit = 160;
    public static final long SYS_chroot = 161;
    public static final long SYS_sync = 162;
    public static final long SYS_acct = 163;
    public static final long SYS_settimeofday = 164;
    public static final long SYS_mount = 165;
    public static final long SYS_umount2 = 166;
    public static final long SYS_swapon = 167;
    public static final long SYS_swapoff = 168;
    public static final long SYS_reboot = 169;
    public static final long SYS_sethostname = 170;
    public static final long SYS_setdomainname = 171;
    public static final long SYS_iopl = 172;
    public static final long SYS_ioperm = 173;
    public static final long SYS_create_module = 174;
    public static final long SYS_init_module = 175;
    public static final long SYS_delete_module = 176;
    public static final long SYS_get_kernel_syms = 177;
    public static final long SYS_query_module = 178;
    public static final long SYS_quotactl = 179;
    public static final long SYS_nfsservctl = 180;
    public static final long SYS_getpmsg = 181;
    public static final long SYS_putpmsg = 182;
    public static final long SYS_afs_syscall = 183;
    public static final long SYS_tuxcall = 184;
    public static final long SYS_security = 185;
    public static final long SYS_gettid = 186;
    public static final long SYS_readahead = 187;
    public static final long SYS_setxattr = 188;
    public static final long SYS_lsetxattr = 189;
    public static final long SYS_fsetxattr = 190;
    public static final long SYS_getxattr = 191;
    public static final long SYS_lgetxattr = 192;
    public static final long SYS_fgetxattr = 193;
    public static final long SYS_listxattr = 194;
    public static final long SYS_llistxattr = 195;
    public static final long SYS_flistxattr = 196;
    public static final long SYS_removexattr = 197;
    public static final long SYS_lremovexattr = 198;
    public static final long SYS_fremovexattr = 199;
    public static final long SYS_tkill = 200;
    public static final long SYS_time = 201;
    public static final long SYS_futex = 202;
    public static final long SYS_sched_setaffinity = 203;
    public static final long SYS_sched_getaffinity = 204;
    public static final long SYS_set_thread_area = 205;
    public static final long SYS_io_setup = 206;
    public static final long SYS_io_destroy = 207;
    public static final long SYS_io_getevents = 208;
    public static final long SYS_io_submit = 209;
    public static final long SYS_io_cancel = 210;
    public static final long SYS_get_thread_area = 211;
    public static final long SYS_lookup_dcookie = 212;
    public static final long SYS_epoll_create = 213;
    public static final long SYS_epoll_ctl_old = 214;
    public static final long SYS_epoll_wait_old = 215;
    public static final long SYS_remap_file_pages = 216;
    public static final long SYS_getdents64 = 217;
    public static final long SYS_set_tid_address = 218;
    public static final long SYS_restart_syscall = 219;
    public static final long SYS_semtimedop = 220;
    public static final long SYS_fadvise64 = 221;
    public static final long SYS_timer_create = 222;
    public static final long SYS_timer_settime = 223;
    public static final long SYS_timer_gettime = 224;
    public static final long SYS_timer_getoverrun = 225;
    public static final long SYS_timer_delete = 226;
    public static final long SYS_clock_settime = 227;
    public static final long SYS_clock_gettime = 228;
    public static final long SYS_clock_getres = 229;
    public static final long SYS_clock_nanosleep = 230;
    public static final long SYS_exit_group = 231;
    public static final long SYS_epoll_wait = 232;
    public static final long SYS_epoll_ctl = 233;
    public static final long SYS_tgkill = 234;
    public static final long SYS_utimes = 235;
    public static final long SYS_vserver = 236;
    public static final long SYS_mbind = 237;
    public static final long SYS_set_mempolicy = 238;
    public static final long SYS_get_mempolicy = 239;
    public static final long SYS_mq_open = 240;
    public static final long SYS_mq_unlink = 241;
    public static final long SYS_mq_timedsend = 242;
    public static final long SYS_mq_timedreceive = 243;
    public static final long SYS_mq_notify = 244;
    public static final long SYS_mq_getsetattr = 245;
    public static final long SYS_kexec_load = 246;
    public static final long SYS_waitid = 247;
    public static final long SYS_add_key = 248;
    public static final long SYS_request_key = 249;
    public static final long SYS_keyctl = 250;
    public static final long SYS_ioprio_set = 251;
    public static final long SYS_ioprio_get = 252;
    public static final long SYS_inotify_init = 253;
    public static final long SYS_inotify_add_watch = 254;
    public static final long SYS_inotify_rm_watch = 255;
    public static final long SYS_migrate_pages = 256;
    public static final long SYS_openat = 257;
    public static final long SYS_mkdirat = 258;
    public static final long SYS_mknodat = 259;
    public static final long SYS_fchownat = 260;
    public static final long SYS_futimesat = 261;
    public static final long SYS_newfstatat = 262;
    public static final long SYS_unlinkat = 263;
    public static final long SYS_renameat = 264;
    public static final long SYS_linkat = 265;
    public static final long SYS_symlinkat = 266;
    public static final long SYS_readlinkat = 267;
    public static final long SYS_fchmodat = 268;
    public static final long SYS_faccessat = 269;
    public static final long SYS_pselect6 = 270;
    public static final long SYS_ppoll = 271;
    public static final long SYS_unshare = 272;
    public static final long SYS_set_robust_list = 273;
    public static final long SYS_get_robust_list = 274;
    public static final long SYS_splice = 275;
    public static final long SYS_tee = 276;
    public static final long SYS_sync_file_range = 277;
    public static final long SYS_vmsplice = 278;
    public static final long SYS_move_pages = 279;
    public static final long SYS_utimensat = 280;
    public static final long SYS_epoll_pwait = 281;
    public static final long SYS_signalfd = 282;
    public static final long SYS_timerfd_create = 283;
    public static final long SYS_eventfd = 284;
    public static final long SYS_fallocate = 285;
    public static final long SYS_timerfd_settime = 286;
    public static final long SYS_timerfd_gettime = 287;
    public static final long SYS_accept4 = 288;
    public static final long SYS_signalfd4 = 289;
    public static final long SYS_eventfd2 = 290;
    public static final long SYS_epoll_create1 = 291;
    public static final long SYS_dup3 = 292;
    public static final long SYS_pipe2 = 293;
    public static final long SYS_inotify_init1 = 294;
    public static final long SYS_preadv = 295;
    public static final long SYS_pwritev = 296;
    public static final long SYS_rt_tgsigqueueinfo = 297;
    public static final long SYS_perf_event_open = 298;
    public static final long SYS_recvmmsg = 299;
    public static final long SYS_fanotify_init = 300;
    public static final long SYS_fanotify_mark = 301;
    public static final long SYS_prlimit64 = 302;
    public static final long SYS_name_to_handle_at = 303;
    public static final long SYS_open_by_handle_at = 304;
    public static final long SYS_clock_adjtime = 305;
    public static final long SYS_syncfs = 306;
    public static final long SYS_sendmmsg = 307;
    public static final long SYS_setns = 308;
    public static final long SYS_getcpu = 309;
    public static final long SYS_process_vm_readv = 310;
    public static final long SYS_process_vm_writev = 311;
    public static final long SYS_kcmp = 312;
    public static final long SYS_finit_module = 313;
    public static final long SYS_sched_setattr = 314;
    public static final long SYS_sched_getattr = 315;
    public static final long SYS_renameat2 = 316;
    public static final long SYS_seccomp = 317;
    public static final long SYS_getrandom = 318;
    public static final long SYS_memfd_create = 319;
    public static final long SYS_kexec_file_load = 320;
    public static final long SYS_bpf = 321;
    public static final long SYS_execveat = 322;
    public static final long SYS_userfaultfd = 323;
    public static final long SYS_membarrier = 324;
    public static final long SYS_mlock2 = 325;
    public static final long SYS_copy_file_range = 326;
    public static final long SYS_preadv2 = 327;
    public static final long SYS_pwritev2 = 328;
    public static final long SYS_pkey_mprotect = 329;
    public static final long SYS_pkey_alloc = 330;
    public static final long SYS_pkey_free = 331;
    public static final long SYS_statx = 332;
    public static final long SYS_io_pgetevents = 333;
    public static final long SYS_rseq = 334;
    public static final long SYS_pidfd_send_signal = 424;
    public static final long SYS_io_uring_setup = 425;
    public static final long SYS_io_uring_enter = 426;
    public static final long SYS_io_uring_register = 427;
    public static final long SYS_open_tree = 428;
    public static final long SYS_move_mount = 429;
    public static final long SYS_fsopen = 430;
    public static final long SYS_fsconfig = 431;
    public static final long SYS_fsmount = 432;
    public static final long SYS_fspick = 433;
    public static final long SYS_pidfd_open = 434;
    public static final long SYS_clone3 = 435;
    public static final long SYS_close_range = 436;
    public static final long SYS_openat2 = 437;
    public static final long SYS_pidfd_getfd = 438;
    public static final long SYS_faccessat2 = 439;
    public static final long SYS_process_madvise = 440;
    public static final long SYS_epoll_pwait2 = 441;
    public static final long SYS_mount_setattr = 442;
    public static final long SYS_quotactl_fd = 443;
    public static final long SYS_landlock_create_ruleset = 444;
    public static final long SYS_landlock_add_rule = 445;
    public static final long SYS_landlock_restrict_self = 446;
    public static final long SYS_memfd_secret = 447;
    public static final long SYS_process_mrelease = 448;
    public static final long SYS_futex_waitv = 449;
    public static final long SYS_set_mempolicy_home_node = 450;
    public static final long SYS_cachestat = 451;
    public static final long SYS_fchmodat2 = 452;
    public static final long SYS_map_shadow_stack = 453;
    public static final long SYS_futex_wake = 454;
    public static final long SYS_futex_wait = 455;
    public static final long SYS_futex_requeue = 456;
    public static final long SYS_statmount = 457;
    public static final long SYS_listmount = 458;
    public static final long SYS_lsm_get_self_attr = 459;
    public static final long SYS_lsm_set_self_attr = 460;
    public static final long SYS_lsm_list_modules = 461;
    public static final long SYS_mseal = 462;

    /** Index: x86_64 number; value: the generic (aarch64, riscv64) number, or -1 where it has none. */
    private static final short[] GENERIC = {
        63, 64, -1, 57, -1, 80, -1, -1, 62, 222, 226, 215, 214, 134, 135, 139,
        29, 67, 68, 65, 66, -1, -1, -1, 124, 216, 227, 232, 233, 194, 196, 195,
        23, -1, -1, 101, 102, -1, 103, 172, 71, 198, 203, 202, 206, 207, 211, 212,
        210, 200, 201, 204, 205, 199, 208, 209, 220, -1, -1, 221, 93, 260, 129, 160,
        190, 193, 191, 197, 186, 189, 188, 187, 25, 32, 82, 83, 45, 46, -1, 17,
        49, 50, -1, -1, -1, -1, -1, -1, -1, -1, -1, 52, -1, 55, -1, 166,
        169, 163, 165, 179, 153, 117, 174, 116, 176, 146, 144, 175, 177, 154, 173, -1,
        157, 145, 143, 158, 159, 147, 148, 149, 150, 155, 151, 152, 156, 90, 91, 136,
        137, 138, 133, 132, -1, -1, -1, 92, -1, 43, 44, -1, 141, 140, 118, 121,
        119, 120, 125, 126, 127, 228, 229, 230, 231, 58, -1, 41, -1, 167, -1, 171,
        164, 51, 81, 89, 170, 40, 39, 224, 225, 142, 161, 162, -1, -1, -1, 105,
        106, -1, -1, 60, 42, -1, -1, -1, -1, -1, 178, 213, 5, 6, 7, 8,
        9, 10, 11, 12, 13, 14, 15, 16, 130, -1, 98, 122, 123, -1, 0, 1,
        4, 2, 3, -1, 18, -1, -1, -1, 234, 61, 96, 128, 192, 223, 107, 110,
        108, 109, 111, 112, 113, 114, 115, 94, -1, 21, 131, -1, -1, 235, 237, 236,
        180, 181, 182, 183, 184, 185, 104, 95, 217, 218, 219, 30, 31, -1, 27, 28,
        238, 56, 34, 33, 54, -1, 79, 35, 38, 37, 36, 78, 53, 48, 72, 73,
        97, 99, 100, 76, 77, 84, 75, 239, 88, 22, -1, 85, -1, 47, 86, 87,
        242, 74, 19, 20, 24, 59, 26, 69, 70, 240, 241, 243, 262, 263, 261, 264,
        265, 266, 267, 269, 268, 168, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279,
        294, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, 424, 425, 426, 427, 428, 429, 430, 431,
        432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447,
        448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462,
    };

    private static final String[] NAMES = {
        "read", "write", "open", "close", "stat", "fstat", "lstat", "poll",
        "lseek", "mmap", "mprotect", "munmap", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
        "ioctl", "pread64", "pwrite64", "readv", "writev", "access", "pipe", "select",
        "sched_yield", "mremap", "msync", "mincore", "madvise", "shmget", "shmat", "shmctl",
        "dup", "dup2", "pause", "nanosleep", "getitimer", "alarm", "setitimer", "getpid",
        "sendfile", "socket", "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg",
        "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair", "setsockopt", "getsockopt",
        "clone", "fork", "vfork", "execve", "exit", "wait4", "kill", "uname",
        "semget", "semop", "semctl", "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl",
        "fcntl", "flock", "fsync", "fdatasync", "truncate", "ftruncate", "getdents", "getcwd",
        "chdir", "fchdir", "rename", "mkdir", "rmdir", "creat", "link", "unlink",
        "symlink", "readlink", "chmod", "fchmod", "chown", "fchown", "lchown", "umask",
        "gettimeofday", "getrlimit", "getrusage", "sysinfo", "times", "ptrace", "getuid", "syslog",
        "getgid", "setuid", "setgid", "geteuid", "getegid", "setpgid", "getppid", "getpgrp",
        "setsid", "setreuid", "setregid", "getgroups", "setgroups", "setresuid", "getresuid", "setresgid",
        "getresgid", "getpgid", "setfsuid", "setfsgid", "getsid", "capget", "capset", "rt_sigpending",
        "rt_sigtimedwait", "rt_sigqueueinfo", "rt_sigsuspend", "sigaltstack", "utime", "mknod", "uselib", "personality",
        "ustat", "statfs", "fstatfs", "sysfs", "getpriority", "setpriority", "sched_setparam", "sched_getparam",
        "sched_setscheduler", "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min", "sched_rr_get_interval", "mlock", "munlock", "mlockall",
        "munlockall", "vhangup", "modify_ldt", "pivot_root", "_sysctl", "prctl", "arch_prctl", "adjtimex",
        "setrlimit", "chroot", "sync", "acct", "settimeofday", "mount", "umount2", "swapon",
        "swapoff", "reboot", "sethostname", "setdomainname", "iopl", "ioperm", "create_module", "init_module",
        "delete_module", "get_kernel_syms", "query_module", "quotactl", "nfsservctl", "getpmsg", "putpmsg", "afs_syscall",
        "tuxcall", "security", "gettid", "readahead", "setxattr", "lsetxattr", "fsetxattr", "getxattr",
        "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr",
        "tkill", "time", "futex", "sched_setaffinity", "sched_getaffinity", "set_thread_area", "io_setup", "io_destroy",
        "io_getevents", "io_submit", "io_cancel", "get_thread_area", "lookup_dcookie", "epoll_create", "epoll_ctl_old", "epoll_wait_old",
        "remap_file_pages", "getdents64", "set_tid_address", "restart_syscall", "semtimedop", "fadvise64", "timer_create", "timer_settime",
        "timer_gettime", "timer_getoverrun", "timer_delete", "clock_settime", "clock_gettime", "clock_getres", "clock_nanosleep", "exit_group",
        "epoll_wait", "epoll_ctl", "tgkill", "utimes", "vserver", "mbind", "set_mempolicy", "get_mempolicy",
        "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr", "kexec_load", "waitid",
        "add_key", "request_key", "keyctl", "ioprio_set", "ioprio_get", "inotify_init", "inotify_add_watch", "inotify_rm_watch",
        "migrate_pages", "openat", "mkdirat", "mknodat", "fchownat", "futimesat", "newfstatat", "unlinkat",
        "renameat", "linkat", "symlinkat", "readlinkat", "fchmodat", "faccessat", "pselect6", "ppoll",
        "unshare", "set_robust_list", "get_robust_list", "splice", "tee", "sync_file_range", "vmsplice", "move_pages",
        "utimensat", "epoll_pwait", "signalfd", "timerfd_create", "eventfd", "fallocate", "timerfd_settime", "timerfd_gettime",
        "accept4", "signalfd4", "eventfd2", "epoll_create1", "dup3", "pipe2", "inotify_init1", "preadv",
        "pwritev", "rt_tgsigqueueinfo", "perf_event_open", "recvmmsg", "fanotify_init", "fanotify_mark", "prlimit64", "name_to_handle_at",
        "open_by_handle_at", "clock_adjtime", "syncfs", "sendmmsg", "setns", "getcpu", "process_vm_readv", "process_vm_writev",
        "kcmp", "finit_module", "sched_setattr", "sched_getattr", "renameat2", "seccomp", "getrandom", "memfd_create",
        "kexec_file_load", "bpf", "execveat", "userfaultfd", "membarrier", "mlock2", "copy_file_range", "preadv2",
        "pwritev2", "pkey_mprotect", "pkey_alloc", "pkey_free", "statx", "io_pgetevents", "rseq", null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, null,
        "pidfd_send_signal", "io_uring_setup", "io_uring_enter", "io_uring_register", "open_tree", "move_mount", "fsopen", "fsconfig",
        "fsmount", "fspick", "pidfd_open", "clone3", "close_range", "openat2", "pidfd_getfd", "faccessat2",
        "process_madvise", "epoll_pwait2", "mount_setattr", "quotactl_fd", "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "memfd_secret",
        "process_mrelease", "futex_waitv", "set_mempolicy_home_node", "cachestat", "fchmodat2", "map_shadow_stack", "futex_wake", "futex_wait",
        "futex_requeue", "statmount", "listmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal",
    };

    /**
     * The number the running architecture's kernel uses for the call that has {@code nr} on
     * x86_64: {@code nr} itself on x86_64; on aarch64 and riscv64 the generic table's number, or
     * {@code -1} for a call the architecture lacks (the kernel answers {@code ENOSYS}).
     * Numbers beyond the table pass through unchanged (calls newer than it are numbered alike
     * on every architecture).
     */
    public static long nativeNumber(long nr) {
        if (Arch.X86_64) {
            return nr;
        }
        if (nr >= 0 && nr < GENERIC.length) {
            return GENERIC[(int) nr];
        }
        return nr;
    }

    /**
     * The generic-table (aarch64, riscv64) number of the call that has {@code nr} on x86_64,
     * whatever the running architecture: {@code -1} for a call those architectures lack. Lets an
     * x86_64 build check that laio's own calls exist everywhere.
     */
    static long genericNumber(long nr) {
        return nr >= 0 && nr < GENERIC.length ? GENERIC[(int) nr] : nr;
    }

    /** The call's name without the {@code SYS_} prefix (e.g. {@code "pread64"}), or {@code "syscall_N"}. */
    public static String name(long nr) {
        if (nr >= 0 && nr < NAMES.length && NAMES[(int) nr] != null) {
            return NAMES[(int) nr];
        }
        return "syscall_" + nr;
    }

    /** One more than the highest number this table names; a size for per-call statistics arrays. */
    public static int tableSize() {
        return NAMES.length;
    }
}
