package org.cyclegan.kernels.opencl;

import org.jocl.cl_mem;

/**
 * norm.cl: instance and batch normalization. Statistics by work-group reductions (one work-group per normalized
 * group), then an element-wise pass; the backward the same way.
 */
final class NormKernels {
    private static final String SRC = "norm.cl";
    private final OpenClRuntime rt;
    private final int wg;
    private final String defines;

    NormKernels(OpenClRuntime rt) {
        this.rt = rt;
        int w = rt.reductionWorkGroup();
        while (w > 1 && rt.programs.maxWorkGroupSize(rt.kernel(SRC, "-D WG=" + w, "norm_stats")) < w) w /= 2;
        this.wg = w;
        this.defines = "-D WG=" + w;
    }

    /** x [n, c, plane] → xhat, and per group mean, var, invStd. */
    void forward(cl_mem x, cl_mem xhat, cl_mem mean, cl_mem var, cl_mem invStd, int n, int c, int plane, boolean perInstance, float eps) {
        int groups = perInstance ? n * c : c, planesPerGroup = perInstance ? 1 : n, total = n * c * plane;
        int inst = perInstance ? 1 : 0;
        rt.launcher.run("normalize", 3.0 * total, rt.kernel(SRC, defines, "norm_stats"), new long[] {(long) groups * wg}, new long[] {wg},
                x, mean, var, invStd, plane, planesPerGroup, c, inst, eps);
        rt.launcher.run("normalize", 2.0 * total, rt.kernel(SRC, defines, "norm_apply"), new long[] {plane, (long) n * c}, null,
                x, xhat, mean, invStd, plane, c, inst);
    }

    void backward(cl_mem dy, cl_mem xhat, cl_mem invStd, cl_mem dx, int n, int c, int plane, boolean perInstance) {
        int groups = perInstance ? n * c : c, planesPerGroup = perInstance ? 1 : n, total = n * c * plane;
        int inst = perInstance ? 1 : 0;
        long bytes = 8L * groups;
        cl_mem sums = rt.pool.take(bytes);
        try {
            rt.launcher.run("normalize_backward", 3.0 * total, rt.kernel(SRC, defines, "norm_backward_stats"), new long[] {(long) groups * wg},
                    new long[] {wg}, dy, xhat, sums, plane, planesPerGroup, c, inst);
            rt.launcher.run("normalize_backward", 4.0 * total, rt.kernel(SRC, defines, "norm_backward_apply"), new long[] {plane, (long) n * c}, null,
                    dy, xhat, invStd, sums, dx, plane, c, inst);
        } finally {
            rt.pool.give(sums, bytes);   // in-order queue: the next user of this buffer runs after these kernels
        }
    }
}
