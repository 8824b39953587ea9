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
 *
 * <p>Every program is {@value #COMMON} (the helpers several sources share) followed by its own source: OpenCL C cannot
 * include the jar's resources, so the text is joined here. {@code #line} directives keep the build log's line numbers
 * those of each file. The common part is the same for every program, so a program is still identified by its source
 * and its build options alone.
 */
final class Programs implements AutoCloseable {
    /** OpenCL C 1.2 everywhere; no fast-math options, so results stay comparable with the Java backends. */
    static final String BASE_OPTIONS = "-cl-std=CL1.2";
    /** The helpers put in front of every program's source. */
    static final String COMMON = "common.cl";

    /** One source built with one set of options. Each kernel family takes its kernels from it once, when it is made. */
    final class Program {
        private final String source;
        private final cl_program program;
        private final Map<String, cl_kernel> kernels = new HashMap<>();

        private Program(String source, cl_program program) {
            this.source = source;
            this.program = program;
        }

        /** Kernel {@code name} of this program; asking twice gives the same kernel object. */
        cl_kernel kernel(String name) {
            synchronized (Programs.this) {
                cl_kernel k = kernels.get(name);
                if (k != null) return k;
                try {
                    k = clCreateKernel(program, name, null);
                } catch (CLException e) {
                    throw OpenClErrors.failed("kernel " + name + " of " + source, device.info, e);
                }
                kernels.put(name, k);
                return k;
            }
        }

        private void release() {
            for (cl_kernel k : kernels.values()) clReleaseKernel(k);
            kernels.clear();
            clReleaseProgram(program);
        }
    }

    private final OpenClDevice device;
    private final Map<String, String> texts = new HashMap<>();
    private final Map<String, Program> programs = new HashMap<>();

    Programs(OpenClDevice device) {
        this.device = device;
    }

    /** {@code source} built with {@code defines} (e.g. "-D WG=256"): built now on first use, then the same program. */
    synchronized Program program(String source, String defines) {
        String key = source + " " + defines;
        Program p = programs.get(key);
        if (p == null) {
            p = new Program(source, build(source, withCommon(source, text(source)), (BASE_OPTIONS + " " + defines).trim()));
            programs.put(key, p);
        }
        return p;
    }

    /** What is compiled for a source named {@code source} with text {@code text}: the common helpers, then the text. */
    String withCommon(String source, String text) {
        return "#line 1 \"" + COMMON + "\"\n" + text(COMMON) + "\n#line 1 \"" + source + "\"\n" + text;
    }

    /** The largest work-group this kernel can run with on the device (registers and local memory limit it below the device's maximum). */
    long maxWorkGroupSize(cl_kernel k) {
        long[] v = new long[1];
        clGetKernelWorkGroupInfo(k, device.info.device(), CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(v), null);
        return v[0];
    }

    /** Builds {@code text} (named {@code source} in messages); throws with the build log on failure. */
    cl_program build(String source, String text, String options) {
        cl_program p;
        try {
            p = clCreateProgramWithSource(device.context, 1, new String[] {text}, null, null);
        } catch (CLException e) {
            throw OpenClErrors.failed("program creation for " + source, device.info, e);
        }
        try {
            clBuildProgram(p, 1, new cl_device_id[] {device.info.device()}, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw OpenClErrors.buildFailed(device.info, source, options, log, e);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device.info.device(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] b = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device.info.device(), CL_PROGRAM_BUILD_LOG, b.length, Pointer.to(b), null);
            int n = 0;
            while (n < b.length && b[n] != 0) n++;
            return new String(b, 0, n, StandardCharsets.UTF_8);
        } catch (CLException e) {
            return "(the build log could not be read: " + e.getMessage() + ")";
        }
    }

    private synchronized String text(String source) {
        return texts.computeIfAbsent(source, s -> {
            try (InputStream in = Programs.class.getResourceAsStream(s)) {
                if (in == null) throw new IllegalStateException("OpenCL source " + s + " is missing from the jar");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("reading OpenCL source " + s, e);
            }
        });
    }

    /** Releases every kernel and program. */
    @Override
    public synchronized void close() {
        for (Program p : programs.values()) p.release();
        programs.clear();
    }
}
