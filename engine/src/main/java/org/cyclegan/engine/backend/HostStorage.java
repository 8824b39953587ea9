package org.cyclegan.engine.backend;

/** Storage in a plain Java {@code float[]}, used by the reference backend and the CPU backend. */
public final class HostStorage implements Storage {
    public final float[] data;

    public HostStorage(float[] data) {
        this.data = data;
    }

    @Override
    public int size() {
        return data.length;
    }
}
