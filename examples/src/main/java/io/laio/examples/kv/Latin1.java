package io.laio.examples.kv;

/** Copies text whose characters are all below 256 (keys, numbers, replies) into bytes, one per char. */
final class Latin1 {
    private Latin1() {}

    static void copy(String s, byte[] dst, int at) {
        for (int i = 0, n = s.length(); i < n; i++) {
            dst[at + i] = (byte) s.charAt(i);
        }
    }
}
