package org.cyclegan.kernels.opencl;

import org.jocl.cl_kernel;
import org.jocl.cl_mem;

/**
 * norm.cl: instance and batch normalization. Statistics by work-group reductions (one work-group per normalized
 * group), then an element-wise pass; the backward the same way.
 */
final class NormKernels {
    private static final String SRC = "norm.cl";
    private final OpenClDevice device;
    private final int wg;
    private final cl_kernel stats, apply, backwardStats, backwardApply;

    /** Builds norm.cl now, for the work-group size it will run with (sized as the reductions', see there). */
    NormKernels(OpenClDevice device) {
        this.device = device;
        this.wg = ReductionKernels.workGroupSize(device, SRC, "norm_stats");
        Programs.Program p = device.programs.program(SRC, "-D WG=" + wg);
        this.stats = p.kernel("norm_stats");
        this.apply = p.kernel("norm_apply");
        this.backwardStats = p.kernel("norm_backward_stats");
        this.backwardApply = p.kernel("norm_backward_apply");
    }

    /** x [n, c, plane] → xhat, and per group mean, var, invStd. */
    void forward(cl_mem x, cl_mem xhat, cl_mem mean, cl_mem var, cl_mem invStd, int n, int c, int plane, boolean perInstance, float eps) {
        int groups = perInstance ? n * c : c, planesPerGroup = perInstance ? 1 : n, total = n * c * plane;
        int inst = perInstance ? 1 : 0;
        device.launcher.run("normalize", 3.0 * total, stats, new long[] {(long) groups * wg}, new long[] {wg},
                x, mean, var, invStd, plane, planesPerGroup, c, inst, eps);
        device.launcher.run("normalize", 2.0 * total, apply, new long[] {plane, (long) n * c}, null,
                x, xhat, mean, invStd, plane, c, inst);
    }

    void backward(cl_mem dy, cl_mem xhat, cl_mem invStd, cl_mem dx, int n, int c, int plane, boolean perInstance) {
        int groups = perInstance ? n * c : c, planesPerGroup = perInstance ? 1 : n, total = n * c * plane;
        int inst = perInstance ? 1 : 0;
        long bytes = 8L * groups;
        cl_mem sums = device.pool.take(bytes);
        try {
            device.launcher.run("normalize_backward", 3.0 * total, backwardStats, new long[] {(long) groups * wg},
                    new long[] {wg}, dy, xhat, sums, plane, planesPerGroup, c, inst);
            device.launcher.run("normalize_backward", 4.0 * total, backwardApply, new long[] {plane, (long) n * c}, null,
                    dy, xhat, invStd, sums, dx, plane, c, inst);
        } finally {
            device.pool.give(sums, bytes);   // in-order queue: the next user of this buffer runs after these kernels
        }
    }
}
