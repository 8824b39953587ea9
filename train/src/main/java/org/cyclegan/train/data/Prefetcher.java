package org.cyclegan.train.data;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Loads items 0 .. count−1 on one background thread while the consumer computes, keeping at most {@code capacity}
 * ready items in a bounded queue (so loading never runs far ahead or fills memory).
 *
 * <ul>
 *   <li>Items arrive in order, each exactly once.
 *   <li>A loader failure is not swallowed: the items before it are delivered, then {@link #next()} throws a
 *       {@link LoadException} whose message is the loader's (an {@link ImageReadException} names the file) and whose
 *       cause is the original exception; loading stops there.
 *   <li>{@link #lastWaitSeconds()} is how long the last {@link #next()} blocked waiting for data (the "data time" of
 *       the reference's log), {@link #totalWaitSeconds()} the sum over the epoch.
 *   <li>{@link #close()} stops the thread and waits for it to end (an item being loaded is finished first); use
 *       try-with-resources. The thread is a daemon, so a forgotten prefetcher cannot keep the JVM alive.
 * </ul>
 */
public final class Prefetcher<T> implements AutoCloseable {
    /** Loads one item; may throw anything. */
    @FunctionalInterface
    public interface Loader<T> {
        T load(int index) throws Exception;
    }

    /** A loader failure, rethrown on the consumer's thread. */
    public static final class LoadException extends RuntimeException {
        private final int index;

        LoadException(int index, Throwable cause) {
            super(cause.getMessage() != null ? cause.getMessage() : "loading item " + index + " failed: " + cause, cause);
            this.index = index;
        }

        /** The item that failed. */
        public int index() {
            return index;
        }
    }

    private record Slot<T>(int index, T value, Throwable error) {}

    private final int count;
    private final BlockingQueue<Slot<T>> queue;
    private final Thread thread;
    private volatile boolean closed;
    private int delivered;
    private boolean failed;
    private long lastWaitNanos, totalWaitNanos;

    public Prefetcher(String threadName, int count, int capacity, Loader<T> loader) {
        if (count < 0) throw new IllegalArgumentException("prefetcher: negative count " + count);
        if (capacity < 1) throw new IllegalArgumentException("prefetcher: capacity must be at least 1, got " + capacity);
        this.count = count;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.thread = new Thread(() -> run(loader), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Loader<T> loader) {
        try {
            for (int i = 0; i < count && !closed; i++) {
                Slot<T> slot;
                try {
                    slot = new Slot<>(i, loader.load(i), null);
                } catch (Throwable t) {
                    if (closed) return;
                    queue.put(new Slot<>(i, null, t));
                    return;
                }
                queue.put(slot);
            }
        } catch (InterruptedException e) {
            // close() interrupts a loader blocked on a full queue: just end.
        }
    }

    /** Whether another item (or a failure) is still to come. */
    public boolean hasNext() {
        return !failed && !closed && delivered < count;
    }

    /** The next item, waiting for it if it is not ready yet. */
    public T next() {
        if (closed) throw new IllegalStateException("prefetcher is closed");
        if (failed) throw new IllegalStateException("prefetcher stopped after a loading failure");
        if (delivered >= count) throw new NoSuchElementException("all " + count + " items delivered");
        long t0 = System.nanoTime();
        Slot<T> slot;
        try {
            slot = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for data", e);
        }
        lastWaitNanos = System.nanoTime() - t0;
        totalWaitNanos += lastWaitNanos;
        if (slot.error != null) {
            failed = true;
            throw new LoadException(slot.index, slot.error);
        }
        delivered++;
        return slot.value;
    }

    /** Seconds the last {@link #next()} waited for its item. */
    public double lastWaitSeconds() {
        return lastWaitNanos * 1e-9;
    }

    /** Seconds all calls to {@link #next()} waited, together. */
    public double totalWaitSeconds() {
        return totalWaitNanos * 1e-9;
    }

    /** Items delivered so far. */
    public int delivered() {
        return delivered;
    }

    /** Stops the loader thread and waits for it to end. Idempotent. */
    @Override
    public void close() {
        if (closed && !thread.isAlive()) return;
        closed = true;
        thread.interrupt();
        queue.clear();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        queue.clear();
        if (interrupted) Thread.currentThread().interrupt();
    }
}
