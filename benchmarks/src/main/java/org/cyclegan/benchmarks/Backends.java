package org.cyclegan.benchmarks;

import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;

/** The backends a benchmark can name: {@code reference}, {@code cpu-1} and {@code cpu-2} (cpu with 1 or 2 threads). */
final class Backends {
    private Backends() {}

    static Backend create(String name) {
        if (name.equals("reference")) return new ReferenceBackend();
        if (name.startsWith("cpu-")) return new CpuBackend(Integer.parseInt(name.substring(4)));
        throw new IllegalArgumentException("unknown backend '" + name + "' (reference, cpu-1, cpu-2, ...)");
    }
}
