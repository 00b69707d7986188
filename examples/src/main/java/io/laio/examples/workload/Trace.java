package io.laio.examples.workload;

/**
 * A request trace as the load generator replays it: sessions of requests, each request a URL
 * path.
 *
 * @param paths         the distinct URL paths, indexed
 * @param requests      the path index of each request, in trace order
 * @param sessionStarts where each session begins in {@code requests}, ascending, from 0
 */
public record Trace(String[] paths, int[] requests, int[] sessionStarts) {
    /** Number of sessions. */
    public int sessions() {
        return sessionStarts.length;
    }

    /** Index in {@link #requests()} just after the last request of session {@code k}. */
    public int sessionEnd(int k) {
        return k + 1 < sessionStarts.length ? sessionStarts[k + 1] : requests.length;
    }

    /** The trace of a generated workload. */
    public static Trace of(Workload w) {
        return new Trace(w.paths(), w.requests(), w.sessionStarts());
    }
}
