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

    /**
     * Creates the backend on one of its devices, named by the part after the colon in {@code --device name:argument}
     * (a device number as {@link #devices()} lists it, e.g. {@code opencl:1}). Backends with a single device take no
     * argument.
     */
    default Backend create(String argument) {
        throw new IllegalArgumentException("--device " + name() + " takes no ':" + argument + "' (it has a single device)");
    }

    /**
     * Why {@code auto} should pass over this backend although it is available, in favour of a lower-priority one, or
     * null when it should not: the opencl backend when its only devices are CPUs, where the cpu backend is faster.
     * Naming the backend explicitly still uses it.
     */
    default String autoSkipReason() {
        return null;
    }

    /** Lines describing the devices this backend runs on, for the {@code devices} command. Must not throw. */
    default java.util.List<String> devices() {
        return java.util.List.of();
    }
}
