package org.cyclegan.engine.backend;

import org.cyclegan.engine.MemoryScope;

/**
 * Storage in a plain Java {@code float[]}, used by the reference and cpu backends. A new storage joins the thread's
 * open {@link MemoryScope}, if any. Releasing it hands the array back to its pool (when it came from one) and makes any
 * later use fail loudly instead of reading memory that now belongs to another tensor.
 */
public final class HostStorage implements Storage {
    private final int size;
    private final HostBufferPool pool;
    private float[] data;

    /** Wraps an array that belongs to no pool. */
    public HostStorage(float[] data) {
        this(data, null);
    }

    /** Wraps an array taken from {@code pool} (or from none when null); it goes back there on release. */
    public HostStorage(float[] data, HostBufferPool pool) {
        this.data = data;
        this.size = data.length;
        this.pool = pool;
        MemoryScope.track(this);
    }

    /** The values. */
    public float[] array() {
        float[] d = data;
        if (d == null) {
            throw new IllegalStateException("this tensor's memory was released (its MemoryScope closed or it was closed); "
                    + "use MemoryScope.keep(tensor) for tensors that must outlive their scope");
        }
        return d;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void release() {
        float[] d = data;
        if (d == null) return;   // releasing twice is harmless: the array must not enter the pool twice
        data = null;
        if (pool != null) pool.give(d);
    }

    @Override
    public boolean isReleased() {
        return data == null;
    }
}
