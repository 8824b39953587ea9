package org.cyclegan.engine.backend;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Free {@code float[]} arrays kept by exact length for reuse. A training iteration asks for the same sizes every time,
 * so once the first iteration has returned its arrays (see {@link org.cyclegan.engine.MemoryScope}) later iterations
 * allocate almost nothing. Arrays handed out may hold old values: callers that need zeros fill them.
 */
public final class HostBufferPool {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    private final long maxBytes;
    private final boolean poison;
    private long pooledBytes;
    private int trims;

    /** Keeps at most {@code maxBytes} of free arrays; beyond that, returned arrays are left to the garbage collector. */
    public HostBufferPool(long maxBytes) {
        this(maxBytes, false);
    }

    /** With {@code poison}, every array handed out is filled with NaN first: for tests of kernels' output coverage. */
    public HostBufferPool(long maxBytes, boolean poison) {
        this.maxBytes = maxBytes;
        this.poison = poison;
    }

    /**
     * An array of exactly {@code n} floats, reused when one is free (contents undefined). When the heap has no room for a
     * new one, the free arrays of other sizes are given up to the garbage collector and the allocation is tried once
     * more: the pool is a cache of memory the live tensors do not need, never a reason to run out.
     */
    public synchronized float[] take(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] a = q == null ? null : q.poll();
        if (a == null) a = allocate(n);
        else pooledBytes -= 4L * n;
        if (poison) java.util.Arrays.fill(a, Float.NaN);
        return a;
    }

    private float[] allocate(int n) {
        try {
            return new float[n];
        } catch (OutOfMemoryError e) {
            if (pooledBytes == 0) throw e;
            trim();
            return new float[n];   // a second OutOfMemoryError is a real one: the live tensors do not fit
        }
    }

    /** Drops every free array (they become garbage); returns how many bytes were given up. */
    public synchronized long trim() {
        long bytes = pooledBytes;
        free.clear();
        pooledBytes = 0;
        trims++;
        return bytes;
    }

    /** How many times the pool was emptied to make room. */
    public synchronized int trims() {
        return trims;
    }

    public synchronized void give(float[] a) {
        if (pooledBytes + 4L * a.length > maxBytes) return;
        free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        pooledBytes += 4L * a.length;
    }

    public synchronized long pooledBytes() {
        return pooledBytes;
    }
}
