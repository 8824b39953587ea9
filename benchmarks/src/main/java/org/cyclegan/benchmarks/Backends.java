package org.cyclegan.benchmarks;

import org.cyclegan.engine.backend.Backend;
import org.cyclegan.engine.reference.ReferenceBackend;
import org.cyclegan.kernels.cpu.CpuBackend;
import org.cyclegan.kernels.opencl.OpenClBackend;
import org.cyclegan.kernels.opencl.OpenClPlatforms;

/**
 * The backends a benchmark can name: {@code reference}, {@code cpu-1} and {@code cpu-2} (cpu with 1 or 2 threads),
 * {@code opencl} (the first GPU, else the first OpenCL device) and {@code opencl:N} (device N of the devices listing).
 * OpenCL kernels run asynchronously, so every benchmark method ends with {@link Backend#synchronize()}.
 */
final class Backends {
    private Backends() {}

    static Backend create(String name) {
        if (name.equals("reference")) return new ReferenceBackend();
        if (name.startsWith("cpu-")) return new CpuBackend(Integer.parseInt(name.substring(4)));
        if (name.equals("opencl")) return OpenClBackend.onDefaultDevice();
        if (name.startsWith("opencl:")) {
            OpenClPlatforms.Probe p = OpenClPlatforms.probe();
            if (!p.ok()) throw new IllegalStateException(p.failure());
            return new OpenClBackend(p.devices().get(Integer.parseInt(name.substring(7))));
        }
        throw new IllegalArgumentException("unknown backend '" + name + "' (reference, cpu-1, cpu-2, ..., opencl, opencl:N)");
    }
}
