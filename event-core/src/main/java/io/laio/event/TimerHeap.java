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

package io.laio.event;

import java.util.Arrays;

/**
 * A binary min-heap of events ordered by deadline, then by the sequence number given when the
 * timeout was set, so timers with equal deadlines fire in the order they were added. Each event
 * stores its own index, which makes removal O(log n). Loop thread only.
 */
final class TimerHeap {
    private Event[] heap = new Event[64];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest event, or {@code null}. */
    Event peek() {
        return size == 0 ? null : heap[0];
    }

    /** Inserts {@code ev} (not in the heap) with {@code deadline}. */
    void insert(Event ev, long deadline) {
        ev.deadline = deadline;
        ev.timerSeq = nextSeq++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = ev;
        ev.heapIndex = size;
        size++;
        siftUp(size - 1);
    }

    /** Removes {@code ev}, which must be in this heap. */
    void remove(Event ev) {
        int i = ev.heapIndex;
        ev.heapIndex = -1;
        size--;
        if (i == size) {
            heap[size] = null;
            return;
        }
        Event last = heap[size];
        heap[size] = null;
        heap[i] = last;
        last.heapIndex = i;
        if (i > 0 && less(last, heap[(i - 1) >>> 1])) {
            siftUp(i);
        } else {
            siftDown(i);
        }
    }

    /** Removes and returns the earliest event. */
    Event poll() {
        Event top = heap[0];
        remove(top);
        return top;
    }

    /** Every event in the heap, in no particular order; for close(). */
    Event[] snapshot() {
        return Arrays.copyOf(heap, size);
    }

    private static boolean less(Event a, Event b) {
        long d = a.deadline - b.deadline; // nanoTime values: compare by difference
        return d < 0 || (d == 0 && a.timerSeq < b.timerSeq);
    }

    private void siftUp(int i) {
        Event ev = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Event p = heap[parent];
            if (!less(ev, p)) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = ev;
        ev.heapIndex = i;
    }

    private void siftDown(int i) {
        Event ev = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && less(heap[right], heap[child])) {
                child = right;
            }
            if (!less(heap[child], ev)) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = ev;
        ev.heapIndex = i;
    }
}
