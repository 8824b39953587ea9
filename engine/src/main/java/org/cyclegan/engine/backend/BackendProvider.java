package org.cyclegan.engine.backend;

/**
 * How a backend makes itself known: implementations are listed in {@code META-INF/services} and found with
 * {@link java.util.ServiceLoader}, so the engine never depends on the modules that hold fast kernels.
 */
public interface BackendProvider {
    /** The name {@code --device} uses. */
    String name();

    /** Higher is preferred by {@code auto} among available backends. */
    int priority();

    /**
     * Checks whether this machine can run the backend. Returns null when it can, else a one-line reason that is shown
     * to the user (a missing OpenCL loader, no Vector API module, ...). Must not throw.
     */
    String unavailableReason();

    /** Creates the backend; called only when {@link #unavailableReason()} returned null. */
    Backend create();
}
