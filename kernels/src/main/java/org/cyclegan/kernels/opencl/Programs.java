package org.cyclegan.kernels.opencl;

import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_PROGRAM_BUILD_LOG;
import static org.jocl.CL.clBuildProgram;
import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clCreateProgramWithSource;
import static org.jocl.CL.clGetKernelWorkGroupInfo;
import static org.jocl.CL.clGetProgramBuildInfo;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clReleaseProgram;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_program;

/**
 * The {@code .cl} sources (resources beside this class), each built once per set of build options and kept with its
 * kernels until {@link #close}. Building is the slow part of OpenCL start-up (PoCL: about 0.85 s for a first build,
 * 50 ms from its on-disk cache), so nothing is ever built twice. A build failure is an error that shows the compiler's
 * log.
 */
final class Programs implements AutoCloseable {
    /** OpenCL C 1.2 everywhere; no fast-math options, so results stay comparable with the Java backends. */
    static final String BASE_OPTIONS = "-cl-std=CL1.2";

    private final OpenClContext cl;
    private final Map<String, String> sources = new HashMap<>();
    private final Map<String, cl_program> programs = new HashMap<>();
    private final Map<String, cl_kernel> kernels = new HashMap<>();

    Programs(OpenClContext cl) {
        this.cl = cl;
    }

    /** Kernel {@code name} of {@code source} built with {@code defines} (e.g. "-D WG=256"), built on first use. */
    synchronized cl_kernel kernel(String source, String defines, String name) {
        String programKey = source + " " + defines;
        String kernelKey = programKey + " :" + name;
        cl_kernel k = kernels.get(kernelKey);
        if (k != null) return k;
        cl_program p = programs.get(programKey);
        if (p == null) {
            p = build(source, sourceText(source), (BASE_OPTIONS + " " + defines).trim());
            programs.put(programKey, p);
        }
        try {
            k = clCreateKernel(p, name, null);
        } catch (CLException e) {
            throw OpenClErrors.failed("kernel " + name + " of " + source, cl.device, e);
        }
        kernels.put(kernelKey, k);
        return k;
    }

    /** The largest work-group this kernel can run with on the device (registers and local memory limit it below the device's maximum). */
    long maxWorkGroupSize(cl_kernel k) {
        long[] v = new long[1];
        clGetKernelWorkGroupInfo(k, cl.device.device(), CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    /** Builds {@code text} (named {@code source} in messages); throws with the build log on failure. */
    cl_program build(String source, String text, String options) {
        cl_program p;
        try {
            p = clCreateProgramWithSource(cl.context, 1, new String[] {text}, null, null);
        } catch (CLException e) {
            throw OpenClErrors.failed("program creation for " + source, cl.device, e);
        }
        try {
            clBuildProgram(p, 1, new cl_device_id[] {cl.device.device()}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw OpenClErrors.buildFailed(cl.device, source, options, log, e);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, cl.device.device(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, cl.device.device(), CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
            int n = 0;
            while (n < b.length && b[n] != 0) n++;
            return new String(b, 0, n, StandardCharsets.UTF_8);
        } catch (CLException e) {
            return "(the build log could not be read: " + e.getMessage() + ")";
        }
    }

    private String sourceText(String source) {
        return sources.computeIfAbsent(source, s -> {
            try (InputStream in = Programs.class.getResourceAsStream(s)) {
                if (in == null) throw new IllegalStateException("OpenCL source " + s + " is missing from the jar");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading OpenCL source " + s, e);
            }
        });
    }

    @Override
    public synchronized void close() {
        for (cl_kernel k : kernels.values()) clReleaseKernel(k);
        for (cl_program p : programs.values()) clReleaseProgram(p);
        kernels.clear();
        programs.clear();
    }
}
