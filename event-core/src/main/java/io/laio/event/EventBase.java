package io.laio.event;

import java.time.Duration;
import java.util.function.BiConsumer;

/**
 * The event loop (skeleton: the signatures of DESIGN.md section 6; the core issue fills them in).
 */
public final class EventBase implements AutoCloseable {
    private EventBase() {}

    public static EventBase create() { throw new UnsupportedOperationException("not yet built"); }
    public int dispatch() { return loop(0); }
    public int loop(int flags) { throw new UnsupportedOperationException("not yet built"); }
    public void loopExit(Duration delay) { throw new UnsupportedOperationException("not yet built"); }
    public void loopBreak() { throw new UnsupportedOperationException("not yet built"); }
    public boolean gotExit() { throw new UnsupportedOperationException("not yet built"); }
    public boolean gotBreak() { throw new UnsupportedOperationException("not yet built"); }
    public void priorityInit(int n) { throw new UnsupportedOperationException("not yet built"); }
    public void once(Object source, int what, EventCallback cb, Object arg, Duration timeout) { throw new UnsupportedOperationException("not yet built"); }
    public void execute(Runnable task) { throw new UnsupportedOperationException("not yet built"); }
    public boolean inLoop() { throw new UnsupportedOperationException("not yet built"); }
    public long now() { throw new UnsupportedOperationException("not yet built"); }
    public void setUncaughtHandler(BiConsumer<Event, Throwable> h) { throw new UnsupportedOperationException("not yet built"); }
    @Override
    public void close() { throw new UnsupportedOperationException("not yet built"); }
}
