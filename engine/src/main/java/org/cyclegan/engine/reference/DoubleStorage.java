package org.cyclegan.engine.reference;

import org.cyclegan.engine.MemoryScope;
import org.cyclegan.engine.backend.Storage;

/** The values of a float64 tensor; joins the thread's open {@link MemoryScope}, as host storage does. */
final class DoubleStorage implements Storage {
    private double[] data;
    private final int size;

    DoubleStorage(double[] data) {
        this.data = data;
        this.size = data.length;
        MemoryScope.track(this);
    }

    double[] array() {
        double[] d = data;
        if (d == null) throw new IllegalStateException("this tensor's memory was released (its MemoryScope closed or it was closed)");
        return d;
    }

    @Override public int size() { return size; }
    @Override public void release() { data = null; }
    @Override public boolean isReleased() { return data == null; }
}
