package io.laio.event;

import java.time.Duration;

/**
 * One event (skeleton: the signatures of DESIGN.md section 6; the core issue fills them in).
 */
public final class Event {
    private Event() {}

    public static Event set(EventBase base, Object source, int what, EventCallback cb, Object arg) { throw new UnsupportedOperationException("not yet built"); }
    public void add() { throw new UnsupportedOperationException("not yet built"); }
    public void add(Duration timeout) { throw new UnsupportedOperationException("not yet built"); }
    public void del() { throw new UnsupportedOperationException("not yet built"); }
    public void active(int res) { throw new UnsupportedOperationException("not yet built"); }
    public boolean pending(int what) { throw new UnsupportedOperationException("not yet built"); }
    public void priority(int p) { throw new UnsupportedOperationException("not yet built"); }
    public long result() { throw new UnsupportedOperationException("not yet built"); }
    public int error() { throw new UnsupportedOperationException("not yet built"); }
    public EventBase base() { throw new UnsupportedOperationException("not yet built"); }
    public Object source() { throw new UnsupportedOperationException("not yet built"); }
    public int events() { throw new UnsupportedOperationException("not yet built"); }
}
