package org.cyclegan.engine.backend;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Free {@code float[]} arrays kept by exact length for reuse. A training iteration asks for the same sizes every time,
 * so once the first iteration has returned its arrays (see {@link org.cyclegan.engine.MemoryScope}) later iterations
 * allocate almost nothing. Arrays handed out may hold old values: callers that need zeros fill them.
 *
 * <p>The free arrays are held softly: the garbage collector takes them back when the heap is short of room — always
 * before it would throw an {@code OutOfMemoryError} — so the pool is a cache of memory the live tensors do not need,
 * never a reason to run out, whatever else on the heap (a checkpoint being written, an image being decoded) needs it.
 */
public final class HostBufferPool {
    /** A free array and its length (the array itself may be gone once the collector has cleared the reference). */
    private static final class Free extends SoftReference<float[]> {
        final int length;

        Free(float[] a, ReferenceQueue<float[]> queue) {
            super(a, queue);
            length = a.length;
        }
    }

    private final Map<Integer, ArrayDeque<Free>> free = new HashMap<>();
    private final ReferenceQueue<float[]> cleared = new ReferenceQueue<>();
    private final long maxBytes;
    private final boolean poison;
    /** Bytes of the free arrays the collector has not taken back. */
    private long pooledBytes;

    /** Keeps at most {@code maxBytes} of free arrays; beyond that, returned arrays are left to the garbage collector. */
    public HostBufferPool(long maxBytes) {
        this(maxBytes, false);
    }

    /** With {@code poison}, every array handed out is filled with NaN first: for tests of kernels' output coverage. */
    public HostBufferPool(long maxBytes, boolean poison) {
        this.maxBytes = maxBytes;
        this.poison = poison;
    }

    /** An array of exactly {@code n} floats, reused when one is free (contents undefined). */
    public synchronized float[] take(int n) {
        forgetCleared();
        ArrayDeque<Free> q = free.get(n);
        float[] a = null;
        while (a == null && q != null && !q.isEmpty()) {
            Free f = q.poll();
            a = f.get();
            if (a != null) {   // taken: its bytes leave the pool here, and the emptied reference is never queued
                f.clear();
                pooledBytes -= 4L * n;
            }
        }
        if (a == null) a = new float[n];
        if (poison) java.util.Arrays.fill(a, Float.NaN);
        return a;
    }

    public synchronized void give(float[] a) {
        forgetCleared();
        if (pooledBytes + 4L * a.length > maxBytes) return;
        free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(new Free(a, cleared));
        pooledBytes += 4L * a.length;
    }

    /** Takes the arrays the collector reclaimed off the count (their empty references are skipped by take). */
    private void forgetCleared() {
        for (Reference<? extends float[]> r; (r = cleared.poll()) != null; ) pooledBytes -= 4L * ((Free) r).length;
    }

    public synchronized long pooledBytes() {
        forgetCleared();
        return pooledBytes;
    }
}
