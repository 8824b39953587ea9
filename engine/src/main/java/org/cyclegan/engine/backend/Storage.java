package org.cyclegan.engine.backend;

/**
 * The memory behind a tensor, owned by one backend. Host backends keep a {@code float[]}; a device backend keeps a
 * device buffer. The engine never looks inside: only the owning backend does.
 */
public interface Storage {
    /** Number of float32 elements. */
    int size();

    /**
     * Give the memory back to its backend (a pool, or the device). Using the storage afterwards is a bug.
     * Host storage may ignore this and leave the array to the garbage collector.
     */
    default void release() {}

    /** True for device memory (an OpenCL buffer), false for the Java heap: memory accounting keeps the two apart. */
    default boolean onDevice() {
        return false;
    }

    /** True once {@link #release()} has taken the memory back (always false where release does nothing). */
    default boolean isReleased() {
        return false;
    }
}
