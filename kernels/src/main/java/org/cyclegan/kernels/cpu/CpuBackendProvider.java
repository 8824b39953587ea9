package org.cyclegan.kernels.cpu;

import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.backend.BackendProvider;

/**
 * Registers the cpu backend. It needs the incubator module {@code jdk.incubator.vector}; without it (a JVM started
 * without {@code --add-modules jdk.incubator.vector}) {@code auto} falls back to the reference backend and says why.
 * The thread count is the number of available cores unless the system property {@code cyclegan.threads} says otherwise,
 * up to {@link #maxThreads()}.
 */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the Vector API module is not loaded (start Java with --add-modules jdk.incubator.vector, or use the jar's launcher)";
        }
        try {
            threads();
            VectorWidth.SPECIES.length();   // initializes the width; a bad cyclegan.vector.bits fails here
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (ExceptionInInitializerError e) {
            return String.valueOf(e.getCause().getMessage());
        } catch (LinkageError e) {
            // Asked again after a failed initialization: the JVM now only says the class could not be initialized.
            return "the vector width could not be set up (see cyclegan.vector.bits): " + e.getMessage();
        }
        return null;
    }

    /** How many threads per core {@link #maxThreads()} allows. */
    public static final int THREADS_PER_CORE = 4;

    /**
     * The most threads the backend starts: {@value #THREADS_PER_CORE} per available core. More only adds switching (the
     * work is split into one chunk per thread), and a typo such as 100000 would spend a minute creating threads and
     * then run out of memory for their stacks.
     */
    public static int maxThreads() {
        return THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    /** The message for a thread count above {@link #maxThreads()}; {@code given} as the user wrote it. */
    public static String tooManyThreads(String given) {
        int cores = Runtime.getRuntime().availableProcessors();
        return "--threads " + given.trim() + " is more than this machine can use: at most " + maxThreads() + " (" + THREADS_PER_CORE + " per core, "
                + cores + (cores == 1 ? " core" : " cores") + " available)";
    }

    static int threads() {
        String p = System.getProperty("cyclegan.threads");
        if (p == null || p.isBlank()) return Runtime.getRuntime().availableProcessors();
        int t;
        try {
            t = Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--threads must be a positive integer, got '" + p + "'");
        }
        if (t < 1) throw new IllegalArgumentException("--threads must be a positive integer, got '" + p + "'");
        if (t > maxThreads()) throw new IllegalArgumentException(tooManyThreads(p));
        return t;
    }

    @Override
    public java.util.List<String> devices() {
        String reason = unavailableReason();
        if (reason != null) return java.util.List.of(reason);
        return java.util.List.of(String.format("this machine's CPU: %d threads on %d cores, Vector API %d-bit SIMD%s", threads(),
                Runtime.getRuntime().availableProcessors(), VectorWidth.SPECIES.vectorBitSize(), VectorWidth.emulated() ? " (EMULATED, slow)" : ""));
    }

    @Override
    public Backend create() {
        return new CpuBackend(threads());
    }
}
