package io.laio;

/**
 * Any blocking Java code, run through {@link Laio#call(BlockingOp)} like a system call: its
 * return value is the call's result. An exception it throws completes the call with {@code -1}
 * and {@link Errno#EIO}; the exception itself is {@link LaioHandle#exception()}.
 */
@FunctionalInterface
public interface BlockingOp {
    long run() throws Exception;
}
