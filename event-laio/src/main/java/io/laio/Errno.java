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

/**
 * Linux {@code errno} values, as {@link Laio#errno()}, {@link LaioCompletion#errno()} and
 * {@link io.laio.event.Event#error()} report them.
 *
 * <p>Three have a meaning of their own in laio: {@link #EINPROGRESS} (the call would have blocked
 * and continues in the background: fetch its handle with {@link Laio#gethandle()}),
 * {@link #EAGAIN} from {@link Laio#syscall(long)} itself when the background queue is full
 * (back-pressure: nothing was started, try again later), and {@link #ECANCELED} (a queued
 * call was cancelled before it ran).
 *
 * <p>Generated from the kernel's {@code asm-generic/errno-base.h} and {@code asm-generic/errno.h}.
 */
public final class Errno {
    private Errno() {}

    /** Operation not permitted. */
    public static final int EPERM = 1;
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** No such process. */
    public static final int ESRCH = 3;
    /** Interrupted system call. */
    public static final int EINTR = 4;
    /** I/O error. */
    public static final int EIO = 5;
    /** No such device or address. */
    public static final int ENXIO = 6;
    /** Argument list too long. */
    public static final int E2BIG = 7;
    /** Exec format error. */
    public static final int ENOEXEC = 8;
    /** Bad file number. */
    public static final int EBADF = 9;
    /** No child processes. */
    public static final int ECHILD = 10;
    /** Try again. */
    public static final int EAGAIN = 11;
    /** Out of memory. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address. */
    public static final int EFAULT = 14;
    /** Block device required. */
    public static final int ENOTBLK = 15;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Cross-device link. */
    public static final int EXDEV = 18;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** File table overflow. */
    public static final int ENFILE = 23;
    /** Too many open files. */
    public static final int EMFILE = 24;
    /** Not a typewriter. */
    public static final int ENOTTY = 25;
    /** Text file busy. */
    public static final int ETXTBSY = 26;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** Illegal seek. */
    public static final int ESPIPE = 29;
    /** Read-only file system. */
    public static final int EROFS = 30;
    /** Too many links. */
    public static final int EMLINK = 31;
    /** Broken pipe. */
    public static final int EPIPE = 32;
    /** Math argument out of domain of func. */
    public static final int EDOM = 33;
    /** Math result not representable. */
    public static final int ERANGE = 34;
    /** Resource deadlock would occur. */
    public static final int EDEADLK = 35;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** No record locks available. */
    public static final int ENOLCK = 37;
    /** Invalid system call number. */
    public static final int ENOSYS = 38;
    /** Directory not empty. */
    public static final int ENOTEMPTY = 39;
    /** Too many symbolic links encountered. */
    public static final int ELOOP = 40;
    /** No message of desired type. */
    public static final int ENOMSG = 42;
    /** Identifier removed. */
    public static final int EIDRM = 43;
    /** Channel number out of range. */
    public static final int ECHRNG = 44;
    /** Level 2 not synchronized. */
    public static final int EL2NSYNC = 45;
    /** Level 3 halted. */
    public static final int EL3HLT = 46;
    /** Level 3 reset. */
    public static final int EL3RST = 47;
    /** Link number out of range. */
    public static final int ELNRNG = 48;
    /** Protocol driver not attached. */
    public static final int EUNATCH = 49;
    /** No CSI structure available. */
    public static final int ENOCSI = 50;
    /** Level 2 halted. */
    public static final int EL2HLT = 51;
    /** Invalid exchange. */
    public static final int EBADE = 52;
    /** Invalid request descriptor. */
    public static final int EBADR = 53;
    /** Exchange full. */
    public static final int EXFULL = 54;
    /** No anode. */
    public static final int ENOANO = 55;
    /** Invalid request code. */
    public static final int EBADRQC = 56;
    /** Invalid slot. */
    public static final int EBADSLT = 57;
    /** Bad font file format. */
    public static final int EBFONT = 59;
    /** Device not a stream. */
    public static final int ENOSTR = 60;
    /** No data available. */
    public static final int ENODATA = 61;
    /** Timer expired. */
    public static final int ETIME = 62;
    /** Out of streams resources. */
    public static final int ENOSR = 63;
    /** Machine is not on the network. */
    public static final int ENONET = 64;
    /** Package not installed. */
    public static final int ENOPKG = 65;
    /** Object is remote. */
    public static final int EREMOTE = 66;
    /** Link has been severed. */
    public static final int ENOLINK = 67;
    /** Advertise error. */
    public static final int EADV = 68;
    /** Srmount error. */
    public static final int ESRMNT = 69;
    /** Communication error on send. */
    public static final int ECOMM = 70;
    /** Protocol error. */
    public static final int EPROTO = 71;
    /** Multihop attempted. */
    public static final int EMULTIHOP = 72;
    /** RFS specific error. */
    public static final int EDOTDOT = 73;
    /** Not a data message. */
    public static final int EBADMSG = 74;
    /** Value too large for defined data type. */
    public static final int EOVERFLOW = 75;
    /** Name not unique on network. */
    public static final int ENOTUNIQ = 76;
    /** File descriptor in bad state. */
    public static final int EBADFD = 77;
    /** Remote address changed. */
    public static final int EREMCHG = 78;
    /** Can not access a needed shared library. */
    public static final int ELIBACC = 79;
    /** Accessing a corrupted shared library. */
    public static final int ELIBBAD = 80;
    /** .lib section in a.out corrupted. */
    public static final int ELIBSCN = 81;
    /** Attempting to link in too many shared libraries. */
    public static final int ELIBMAX = 82;
    /** Cannot exec a shared library directly. */
    public static final int ELIBEXEC = 83;
    /** Illegal byte sequence. */
    public static final int EILSEQ = 84;
    /** Interrupted system call should be restarted. */
    public static final int ERESTART = 85;
    /** Streams pipe error. */
    public static final int ESTRPIPE = 86;
    /** Too many users. */
    public static final int EUSERS = 87;
    /** Socket operation on non-socket. */
    public static final int ENOTSOCK = 88;
    /** Destination address required. */
    public static final int EDESTADDRREQ = 89;
    /** Message too long. */
    public static final int EMSGSIZE = 90;
    /** Protocol wrong type for socket. */
    public static final int EPROTOTYPE = 91;
    /** Protocol not available. */
    public static final int ENOPROTOOPT = 92;
    /** Protocol not supported. */
    public static final int EPROTONOSUPPORT = 93;
    /** Socket type not supported. */
    public static final int ESOCKTNOSUPPORT = 94;
    /** Operation not supported on transport endpoint. */
    public static final int EOPNOTSUPP = 95;
    /** Protocol family not supported. */
    public static final int EPFNOSUPPORT = 96;
    /** Address family not supported by protocol. */
    public static final int EAFNOSUPPORT = 97;
    /** Address already in use. */
    public static final int EADDRINUSE = 98;
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = 99;
    /** Network is down. */
    public static final int ENETDOWN = 100;
    /** Network is unreachable. */
    public static final int ENETUNREACH = 101;
    /** Network dropped connection because of reset. */
    public static final int ENETRESET = 102;
    /** Software caused connection abort. */
    public static final int ECONNABORTED = 103;
    /** Connection reset by peer. */
    public static final int ECONNRESET = 104;
    /** No buffer space available. */
    public static final int ENOBUFS = 105;
    /** Transport endpoint is already connected. */
    public static final int EISCONN = 106;
    /** Transport endpoint is not connected. */
    public static final int ENOTCONN = 107;
    /** Cannot send after transport endpoint shutdown. */
    public static final int ESHUTDOWN = 108;
    /** Too many references: cannot splice. */
    public static final int ETOOMANYREFS = 109;
    /** Connection timed out. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused. */
    public static final int ECONNREFUSED = 111;
    /** Host is down. */
    public static final int EHOSTDOWN = 112;
    /** No route to host. */
    public static final int EHOSTUNREACH = 113;
    /** Operation already in progress. */
    public static final int EALREADY = 114;
    /** Operation now in progress. */
    public static final int EINPROGRESS = 115;
    /** Stale file handle. */
    public static final int ESTALE = 116;
    /** Structure needs cleaning. */
    public static final int EUCLEAN = 117;
    /** Not a XENIX named type file. */
    public static final int ENOTNAM = 118;
    /** No XENIX semaphores available. */
    public static final int ENAVAIL = 119;
    /** Is a named type file. */
    public static final int EISNAM = 120;
    /** Remote I/O error. */
    public static final int EREMOTEIO = 121;
    /** Quota exceeded. */
    public static final int EDQUOT = 122;
    /** No medium found. */
    public static final int ENOMEDIUM = 123;
    /** Wrong medium type. */
    public static final int EMEDIUMTYPE = 124;
    /** Operation Canceled. */
    public static final int ECANCELED = 125;
    /** Required key not available. */
    public static final int ENOKEY = 126;
    /** Key has expired. */
    public static final int EKEYEXPIRED = 127;
    /** Key has been revoked. */
    public static final int EKEYREVOKED = 128;
    /** Key was rejected by service. */
    public static final int EKEYREJECTED = 129;
    /** Owner died. */
    public static final int EOWNERDEAD = 130;
    /** State not recoverable. */
    public static final int ENOTRECOVERABLE = 131;
    /** Operation not possible due to RF-kill. */
    public static final int ERFKILL = 132;
    /** Memory page has hardware error. */
    public static final int EHWPOISON = 133;

    private static final String[] NAMES = {
        null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG",
        "ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK",
        "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE",
        "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK",
        "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
        "ELOOP", null, "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST",
        "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO",
        "EBADRQC", "EBADSLT", null, "EBFONT", "ENOSTR", "ENODATA", "ETIME", "ENOSR",
        "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO",
        "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
        "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS",
        "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP",
        "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED",
        "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
        "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL",
        "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED",
        "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
    };

    private static final String[] MESSAGES = {
        null, "Operation not permitted", "No such file or directory", "No such process",
        "Interrupted system call", "I/O error", "No such device or address", "Argument list too long",
        "Exec format error", "Bad file number", "No child processes", "Try again",
        "Out of memory", "Permission denied", "Bad address", "Block device required",
        "Device or resource busy", "File exists", "Cross-device link", "No such device",
        "Not a directory", "Is a directory", "Invalid argument", "File table overflow",
        "Too many open files", "Not a typewriter", "Text file busy", "File too large",
        "No space left on device", "Illegal seek", "Read-only file system", "Too many links",
        "Broken pipe", "Math argument out of domain of func", "Math result not representable", "Resource deadlock would occur",
        "File name too long", "No record locks available", "Invalid system call number", "Directory not empty",
        "Too many symbolic links encountered", null, "No message of desired type", "Identifier removed",
        "Channel number out of range", "Level 2 not synchronized", "Level 3 halted", "Level 3 reset",
        "Link number out of range", "Protocol driver not attached", "No CSI structure available", "Level 2 halted",
        "Invalid exchange", "Invalid request descriptor", "Exchange full", "No anode",
        "Invalid request code", "Invalid slot", null, "Bad font file format",
        "Device not a stream", "No data available", "Timer expired", "Out of streams resources",
        "Machine is not on the network", "Package not installed", "Object is remote", "Link has been severed",
        "Advertise error", "Srmount error", "Communication error on send", "Protocol error",
        "Multihop attempted", "RFS specific error", "Not a data message", "Value too large for defined data type",
        "Name not unique on network", "File descriptor in bad state", "Remote address changed", "Can not access a needed shared library",
        "Accessing a corrupted shared library", ".lib section in a.out corrupted", "Attempting to link in too many shared libraries", "Cannot exec a shared library directly",
        "Illegal byte sequence", "Interrupted system call should be restarted", "Streams pipe error", "Too many users",
        "Socket operation on non-socket", "Destination address required", "Message too long", "Protocol wrong type for socket",
        "Protocol not available", "Protocol not supported", "Socket type not supported", "Operation not supported on transport endpoint",
        "Protocol family not supported", "Address family not supported by protocol", "Address already in use", "Cannot assign requested address",
        "Network is down", "Network is unreachable", "Network dropped connection because of reset", "Software caused connection abort",
        "Connection reset by peer", "No buffer space available", "Transport endpoint is already connected", "Transport endpoint is not connected",
        "Cannot send after transport endpoint shutdown", "Too many references: cannot splice", "Connection timed out", "Connection refused",
        "Host is down", "No route to host", "Operation already in progress", "Operation now in progress",
        "Stale file handle", "Structure needs cleaning", "Not a XENIX named type file", "No XENIX semaphores available",
        "Is a named type file", "Remote I/O error", "Quota exceeded", "No medium found",
        "Wrong medium type", "Operation Canceled", "Required key not available", "Key has expired",
        "Key has been revoked", "Key was rejected by service", "Owner died", "State not recoverable",
        "Operation not possible due to RF-kill", "Memory page has hardware error",
    };

    /** The symbolic name of {@code errno}, e.g. {@code "EAGAIN"}; {@code "0"} for 0; {@code "E?N"} if unknown. */
    public static String name(int errno) {
        if (errno == 0) {
            return "0";
        }
        if (errno > 0 && errno < NAMES.length && NAMES[errno] != null) {
            return NAMES[errno];
        }
        return "E?" + errno;
    }

    /** The kernel's description of {@code errno}, e.g. {@code "Try again"}. */
    public static String message(int errno) {
        if (errno == 0) {
            return "Success";
        }
        if (errno > 0 && errno < MESSAGES.length && MESSAGES[errno] != null) {
            return MESSAGES[errno];
        }
        return "Unknown error " + errno;
    }
}
